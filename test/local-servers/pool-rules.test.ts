/**
 * The pool-rules stand-in's pure parts and the message log's reader. The stand-in on its servers is
 * exercised end to end in test/e2e/local-pool.test.ts.
 */
import {
  formatDelivery,
  LOCAL_PASSWORD_POLICY,
  messageLogger,
  parseDelivery,
  passwordRefusal,
  proposedPassword,
  userPoolFile,
} from '../../local-cloud/index.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('pool-rules stand-in: the password policy', () => {
  const policy = LOCAL_PASSWORD_POLICY;

  it('holds passwords to the policy the local pool is configured with', () => {
    expect(userPoolFile('local_x').Options.Policies.PasswordPolicy).toBe(LOCAL_PASSWORD_POLICY);
  });

  it("answers Cognito's InvalidPasswordException, naming one broken rule", () => {
    const refused = (password: string) => passwordRefusal(policy, password);
    expect(refused('weak')).toEqual({
      type: 'InvalidPasswordException',
      message: 'Password did not conform with policy: Password not long enough',
    });
    expect(refused('no-upper-1')?.message).toBe(
      'Password did not conform with policy: Password must have uppercase characters',
    );
    expect(refused('NO-LOWER-1')?.message).toBe(
      'Password did not conform with policy: Password must have lowercase characters',
    );
    expect(refused('No-Digits-At-All')?.message).toBe(
      'Password did not conform with policy: Password must have numeric characters',
    );
    expect(refused('Correct-Horse-9')).toBeUndefined();
    // The local pool does not require symbols; a pool that does names them.
    expect(refused('CorrectHorse9')).toBeUndefined();
    expect(passwordRefusal({ ...policy, RequireSymbols: true }, 'CorrectHorse9')?.message).toBe(
      'Password did not conform with policy: Password must have symbol characters',
    );
  });

  it("refuses leading or trailing white space as the API's own pattern does", () => {
    expect(passwordRefusal(policy, ' Correct-Horse-9')?.type).toBe('InvalidParameterException');
  });

  it('checks the new password of each operation that sets one, and nothing else', () => {
    expect(proposedPassword('SignUp', { Password: 'a' })).toBe('a');
    expect(proposedPassword('ConfirmForgotPassword', { Password: 'a' })).toBe('a');
    expect(proposedPassword('AdminSetUserPassword', { Password: 'a' })).toBe('a');
    expect(proposedPassword('ChangePassword', { PreviousPassword: 'old', ProposedPassword: 'a' })).toBe('a');
    expect(proposedPassword('AdminCreateUser', { TemporaryPassword: 'a' })).toBe('a');
    expect(proposedPassword('AdminCreateUser', {})).toBeUndefined();
    const challenge = { ChallengeName: 'NEW_PASSWORD_REQUIRED', ChallengeResponses: { NEW_PASSWORD: 'a' } };
    expect(proposedPassword('RespondToAuthChallenge', challenge)).toBe('a');
    expect(proposedPassword('AdminRespondToAuthChallenge', challenge)).toBe('a');
    expect(proposedPassword('RespondToAuthChallenge', { ChallengeName: 'CUSTOM_CHALLENGE' })).toBeUndefined();
    // A sign-in's password is the user's existing one (or a legacy one to migrate): never checked.
    expect(proposedPassword('InitiateAuth', { AuthParameters: { PASSWORD: 'a' } })).toBeUndefined();
  });
});

describe("message log: cognito-local's printed messages", () => {
  const box = [
    '\u001b[32mINFO\u001b[39m: abc SignUp ╭────────────────────────────────╮',
    '│                                │',
    '│   Confirmation Code Delivery   │',
    '│                                │',
    '│   Username:      0b0c-uuid     │',
    '│   Destination:   a@example.com │',
    '│   Code:          123456        │',
    '│   Email Subject: Your code     │',
    '│   Email Message: <p>Hello</p>  │',
    '│   <p>123456</p>                │',
    '│                                │',
    '╰────────────────────────────────╯\u001b[39m {"reqId":"abc"}',
  ];

  it('writes each delivery as Field: value lines, a message body kept whole', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'message-log-')), 'nested', 'messages.log');
    const passed: string[] = [];
    const onOutput = messageLogger(file, (line) => passed.push(line));
    for (const line of ['starting', ...box, 'after']) onOutput(line);
    expect(passed).toHaveLength(box.length + 2);
    const written = readFileSync(file, 'utf8');
    expect(written).toMatch(/^--- \S+ Confirmation Code Delivery\n/u);
    expect(written).toContain(
      'Username: 0b0c-uuid\nDestination: a@example.com\nCode: 123456\nEmail Subject: Your code\n' +
        'Email Message: <p>Hello</p>\n<p>123456</p>\n',
    );
  });

  it('ignores boxes that are not deliveries', () => {
    expect(parseDelivery(['Something else', 'Code: 1'])).toBeUndefined();
    expect(formatDelivery({ Code: '1' }, new Date(0))).toBe(
      '--- 1970-01-01T00:00:00.000Z Confirmation Code Delivery\nCode: 1\n',
    );
  });
});
