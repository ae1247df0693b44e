/**
 * End to end: the local pool (`npm start`'s cognito-local behind its stand-ins) answers as the Amazon
 * Cognito Developer Guide says Cognito does, where cognito-local alone does not (local-cloud/pool-rules.ts):
 * the confirmed attribute is verified, the pool's password policy holds, every user has a `sub`, and
 * ForgotPassword migrates a legacy user first. cognito-local's printed messages reach
 * .local/cognito-messages.log (local-cloud/message-log.ts).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createSHA256, pbkdf2 } from 'hash-wasm';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { normaliseEmail, normaliseUsername, type LegacyUserItem } from '../../shared/stores/legacy-user.ts';
import { legacyUserStore } from '../../shared/stores/legacy-users.ts';
import { COGNITO_MESSAGE_LOG } from '../../local-cloud/stack.ts';
import {
  cognito,
  createConfirmedUser,
  failure,
  mailTo,
  signIn,
  stack,
  tableName,
  uniqueEmail,
  useLocalEndpoints,
} from '../helpers/stack.ts';

const { userPoolId, clientId, confirmationCode } = stack.cognito;
const idp = cognito();
const jwks = createRemoteJWKSet(new URL(`${stack.cognito.endpoint}/${userPoolId}/.well-known/jwks.json`));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;
const GOOD_PASSWORD = 'Correct-Horse-Battery-9';
const LOG_WAIT_MS = 15_000;

beforeAll(() => {
  useLocalEndpoints();
});
afterAll(() => idp.destroy());

const attributesOf = async (username: string) => {
  const user = await idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  return {
    status: user.UserStatus,
    attributes: Object.fromEntries((user.UserAttributes ?? []).map(({ Name, Value }) => [Name, Value])),
  };
};

/** The README's sign-up: SignUp with the e-mail as user name, then ConfirmSignUp with the code. */
async function signUpAsReadme(email: string, password = GOOD_PASSWORD): Promise<void> {
  await idp.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: email,
      Password: password,
      UserAttributes: [{ Name: 'email', Value: email }],
    }),
  );
  await idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: confirmationCode }));
}

/** A legacy directory user not yet in the pool (PBKDF2-SHA256 as Django writes it, low cost). */
async function legacyUser(label: string, password: string): Promise<string> {
  const email = uniqueEmail(label);
  const salt = randomBytes(12).toString('hex');
  const digest = await pbkdf2({
    password,
    salt,
    iterations: 1000,
    hashLength: 32,
    hashFunction: createSHA256(),
    outputType: 'binary',
  });
  const item: LegacyUserItem = {
    username: normaliseUsername(`legacy-${email.split('@')[0]}`),
    usernameAsGiven: `Legacy-${email.split('@')[0]}`,
    email: normaliseEmail(email),
    attributes: { email, email_verified: 'true', given_name: 'Legacy' },
    passwordHash: `pbkdf2_sha256$1000$${salt}$${Buffer.from(digest).toString('base64')}`,
    mfaEnabled: false,
    importedAt: '2026-01-01T00:00:00.000Z',
  };
  await legacyUserStore(tableName('legacyUsers')).putAll([item]);
  return email;
}

/** The messages of .local/cognito-messages.log delivered to `address`. */
function loggedMessagesTo(address: string): string[] {
  const log = readFileSync(COGNITO_MESSAGE_LOG, 'utf8');
  return log.split(/^--- /mu).filter((block) => block.includes(`Destination: ${address}\n`));
}

/**
 * The same, once `count` are there: cognito-local's console reaches the stack process through a pipe, so
 * a message lands a moment after the call that sent it. Entries used to go missing for good: its logger's
 * sonic-boom 2.8 counted characters in and bytes out, so after the boxes' multi-byte borders it held
 * later writes back (package.json overrides it to 3.8.1; the concurrent test below failed before).
 */
async function loggedMessages(address: string, count = 1): Promise<string[]> {
  const until = Date.now() + LOG_WAIT_MS;
  let found = loggedMessagesTo(address);
  while (found.length < count && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    found = loggedMessagesTo(address);
  }
  return found;
}

// The guide, "Signing up and confirming user accounts", "Authentication flow with email or phone verification":
// "the Amazon Cognito service automatically marks the attribute that was used to confirm ... as verified".
describe('ConfirmSignUp verifies the attribute the code went to', () => {
  it('marks email_verified true after ConfirmSignUp, as Cognito does', async () => {
    const email = uniqueEmail('confirmed');
    await signUpAsReadme(email);
    const { status, attributes } = await attributesOf(email);
    expect(status).toBe('CONFIRMED');
    expect(attributes.email_verified).toBe('true');
  });

  it('signs a user who signed up as the README shows in without a password: the code reaches them', async () => {
    const email = uniqueEmail('readme-passwordless');
    await signUpAsReadme(email);
    const started = await idp.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: email } }),
    );
    expect(started.ChallengeName).toBe('CUSTOM_CHALLENGE');
    const codes = (await mailTo(email)).flatMap((mail) => /^(\d{6})$/mu.exec(mail.body.text ?? '')?.[1] ?? []);
    expect(codes).toHaveLength(1);
    const signedIn = await idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: started.Session,
        ChallengeResponses: { USERNAME: email, ANSWER: codes[0] ?? '' },
      }),
    );
    expect(signedIn.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });

  it('sends the welcome e-mail post confirmation sends only to verified addresses', async () => {
    const email = uniqueEmail('welcome');
    await signUpAsReadme(email);
    // MAIL_REQUIRE_VERIFIED_EMAIL keeps its default (true) locally: the event shows the address verified.
    const mails = await mailTo(email);
    expect(mails.length).toBeGreaterThanOrEqual(1);
  });
});

describe('the pool\'s password policy (InvalidPasswordException, "Password did not conform with policy: ...")', () => {
  const POLICY_ERROR = { name: 'InvalidPasswordException' };

  it('refuses SignUp with the password `weak`, and names the first broken rule', async () => {
    const email = uniqueEmail('weak');
    const signUp = (password: string) =>
      idp.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: email,
          Password: password,
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      );
    expect(await failure(signUp('weak'))).toEqual({
      ...POLICY_ERROR,
      message: 'Password did not conform with policy: Password not long enough',
    });
    expect(await failure(signUp('lowercase-only-1'))).toEqual({
      ...POLICY_ERROR,
      message: 'Password did not conform with policy: Password must have uppercase characters',
    });
    expect(await failure(signUp('UPPERCASE-ONLY-1'))).toEqual({
      ...POLICY_ERROR,
      message: 'Password did not conform with policy: Password must have lowercase characters',
    });
    expect(await failure(signUp('No-Digits-Here'))).toEqual({
      ...POLICY_ERROR,
      message: 'Password did not conform with policy: Password must have numeric characters',
    });
    // The user was not created: a good password signs up now.
    await expect(signUp(GOOD_PASSWORD)).resolves.toMatchObject({ UserConfirmed: false });
  });

  it('refuses AdminCreateUser temporary passwords, AdminSetUserPassword, ChangePassword, ConfirmForgotPassword', async () => {
    const email = uniqueEmail('policy');
    expect(
      await failure(
        idp.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: email,
            TemporaryPassword: 'weak',
            MessageAction: 'SUPPRESS',
            UserAttributes: [{ Name: 'email', Value: email }],
          }),
        ),
      ),
    ).toMatchObject(POLICY_ERROR);
    const username = await createConfirmedUser(idp, email, GOOD_PASSWORD);
    expect(
      await failure(
        idp.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: userPoolId,
            Username: username,
            Password: 'weak',
            Permanent: true,
          }),
        ),
      ),
    ).toMatchObject(POLICY_ERROR);
    const { AuthenticationResult } = await signIn(idp, email, GOOD_PASSWORD);
    expect(
      await failure(
        idp.send(
          new ChangePasswordCommand({
            AccessToken: AuthenticationResult?.AccessToken,
            PreviousPassword: GOOD_PASSWORD,
            ProposedPassword: 'weak',
          }),
        ),
      ),
    ).toMatchObject(POLICY_ERROR);
    await idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: email }));
    expect(
      await failure(
        idp.send(
          new ConfirmForgotPasswordCommand({
            ClientId: clientId,
            Username: email,
            ConfirmationCode: confirmationCode,
            Password: 'weak',
          }),
        ),
      ),
    ).toMatchObject(POLICY_ERROR);
    // Nothing changed: the old password still signs in.
    await expect(signIn(idp, email, GOOD_PASSWORD)).resolves.toBeDefined();
  });

  it('refuses a weak NEW_PASSWORD_REQUIRED answer and takes a good one', async () => {
    const email = uniqueEmail('new-password');
    await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        TemporaryPassword: 'Temporary-Pass-1',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    const challenge = await signIn(idp, email, 'Temporary-Pass-1');
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const respond = (password: string) =>
      idp.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: challenge.Session,
          ChallengeResponses: { USERNAME: email, NEW_PASSWORD: password },
        }),
      );
    expect(await failure(respond('weak'))).toMatchObject(POLICY_ERROR);
    expect((await respond(GOOD_PASSWORD)).AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });
});

describe('migrated users (guide: "Migrate user Lambda trigger")', () => {
  it('gives a user migrated at sign-in a sub, which its tokens carry', async () => {
    const password = 'Old-Sub-Pass-42';
    const email = await legacyUser('sub', password);
    const { AuthenticationResult } = await signIn(idp, email, password);
    const { attributes } = await attributesOf(email);
    expect(attributes.sub).toMatch(UUID);
    const id = await jwtVerify(AuthenticationResult?.IdToken ?? '', jwks);
    const access = await jwtVerify(AuthenticationResult?.AccessToken ?? '', jwks);
    expect(id.payload.sub).toBe(attributes.sub);
    expect(access.payload.sub).toBe(attributes.sub);
  });

  it('does not hold a migrated password to the policy ("will not be enforced during migration")', async () => {
    // Meets the policy's classes but not its length: the user is still migrated (migrate-user then asks
    // for a reset, its own rule), never refused with InvalidPasswordException.
    const email = await legacyUser('short', 'Ab1-x');
    const refused = await failure(signIn(idp, email, 'Ab1-x'));
    expect(refused.name).toBe('PasswordResetRequiredException');
    expect((await attributesOf(email)).attributes.sub).toMatch(UUID);
  });

  it(
    'ForgotPassword for a legacy user not in the pool migrates them first (UserMigration_ForgotPassword), RESET_REQUIRED, and sends the code',
    async () => {
      const email = await legacyUser('forgot', 'Old-Forgot-Pass-42');
      const { CodeDeliveryDetails } = await idp.send(
        new ForgotPasswordCommand({ ClientId: clientId, Username: email }),
      );
      expect(CodeDeliveryDetails).toMatchObject({
        DeliveryMedium: 'EMAIL',
        AttributeName: 'email',
        Destination: email,
      });
      const { status, attributes } = await attributesOf(email);
      expect(status).toBe('RESET_REQUIRED');
      expect(attributes).toMatchObject({ email, email_verified: 'true', given_name: 'Legacy' });
      expect(attributes.sub).toMatch(UUID);
      // Now held RESET_REQUIRED, and the app client prevents user-existence errors: "Managing error
      // responses", Imported users: "a generic NotAuthorizedException ... instead of returning
      // PasswordResetRequiredException".
      expect((await failure(signIn(idp, email, 'Old-Forgot-Pass-42'))).name).toBe('NotAuthorizedException');
      expect((await loggedMessages(email)).join('\n')).toContain(`Code: ${confirmationCode}`);

      await idp.send(
        new ConfirmForgotPasswordCommand({
          ClientId: clientId,
          Username: email,
          ConfirmationCode: confirmationCode,
          Password: GOOD_PASSWORD,
        }),
      );
      const { AuthenticationResult } = await signIn(idp, email, GOOD_PASSWORD);
      expect((await jwtVerify(AuthenticationResult?.IdToken ?? '', jwks)).payload.sub).toBe(attributes.sub);
    },
    30_000 + LOG_WAIT_MS,
  );
});

describe("cognito-local's messages in .local/cognito-messages.log", () => {
  it(
    'holds the sign-up code and the custom message of each delivery',
    async () => {
      const email = uniqueEmail('logged');
      await idp.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: email,
          Password: GOOD_PASSWORD,
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      );
      const [message, ...more] = await loggedMessages(email);
      expect(more).toEqual([]);
      expect(message).toContain(`Code: ${confirmationCode}`);
      expect(message).toMatch(/^Email Subject: \S/mu);
      expect(message).toMatch(new RegExp(`^Email Message: [\\s\\S]*${confirmationCode}`, 'mu'));
      expect(COGNITO_MESSAGE_LOG).toBe(join(process.cwd(), '.local', 'cognito-messages.log'));
    },
    30_000 + LOG_WAIT_MS,
  );

  it(
    'holds every message when many sign-ups run at once',
    async () => {
      const emails = Array.from({ length: 24 }, (_, index) => uniqueEmail(`burst${index}`));
      await Promise.all(
        emails.map((email) =>
          idp.send(
            new SignUpCommand({
              ClientId: clientId,
              Username: email,
              Password: GOOD_PASSWORD,
              UserAttributes: [{ Name: 'email', Value: email }],
            }),
          ),
        ),
      );
      const logged = await Promise.all(emails.map(async (email) => (await loggedMessages(email)).length));
      expect(logged).toEqual(emails.map(() => 1));
    },
    60_000 + LOG_WAIT_MS,
  );
});
