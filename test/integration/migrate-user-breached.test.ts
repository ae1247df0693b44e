/**
 * migrate-user's breached-password check in the test stack (the built bundle behind the Lambda endpoint,
 * MIGRATION_BREACHED_PASSWORD_CHECK on, asking the stack's Pwned Passwords stand-in, whose recorded
 * requests are read back from it).
 *
 * The developer guide: user-pool-lambda-migrate-user.md, finalUserStatus: "If this attribute is set to
 * RESET_REQUIRED, the user is required to change his or her password immediately after migration at the
 * time of sign-in, and your client app needs to handle the PasswordResetRequiredException"; and
 * "Checking for compromised credentials": when Cognito blocks compromised credentials "it sets the
 * user's UserStatus to RESET_REQUIRED". A breached password is answered so.
 */
import { randomBytes } from 'node:crypto';
import {
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { bcrypt } from 'hash-wasm';
import { buildEvent } from '../../shared/events/index.ts';
import { rangeQuery } from '../../shared/passwords/breached.ts';
import { normaliseEmail, normaliseUsername } from '../../shared/stores/legacy-user.ts';
import { legacyUserStore } from '../../shared/stores/legacy-users.ts';
import { INVALID_CREDENTIALS_MESSAGE } from '../../functions/migrate-user/answer.ts';
import { LOCAL_BREACHED_PASSWORDS, passwordRangeRequests, type RangeRequest } from '../../local-cloud/index.ts';
import {
  cognito,
  invokeFunction,
  signIn,
  signInError,
  stack,
  tableName,
  uniqueEmail,
  useLocalEndpoints,
} from '../helpers/stack.ts';

/** Breached to the stand-in, and meets the default pool policy: only the check can make it RESET_REQUIRED. */
const BREACHED = 'Passw0rd!';
const { userPoolId, clientId } = stack.cognito;
const idp = cognito();
const rangeEndpoint = () => {
  const endpoint = stack.passwordRange?.endpoint;
  if (!endpoint) throw new Error('the stack file names no Pwned Passwords stand-in');
  return endpoint;
};

beforeAll(() => useLocalEndpoints());
afterAll(() => idp.destroy());

async function legacyUser(password: string): Promise<string> {
  const email = uniqueEmail('breach');
  await legacyUserStore(tableName('legacyUsers')).putAll([
    {
      username: normaliseUsername(`legacy-${email.split('@')[0]}`),
      usernameAsGiven: `Legacy-${email.split('@')[0]}`,
      email: normaliseEmail(email),
      attributes: { email, email_verified: 'true', given_name: 'Breached' },
      passwordHash: await bcrypt({ password, salt: randomBytes(16), costFactor: 4, outputType: 'encoded' }),
      mfaEnabled: false,
      importedAt: '2026-01-01T00:00:00.000Z',
    },
  ]);
  return email;
}

const signInEvent = (userName: string, password: string) =>
  buildEvent('UserMigration', {
    triggerSource: 'UserMigration_Authentication',
    userPoolId,
    userName,
    callerContext: { clientId },
    request: { password, validationData: null },
  });

/** The recorded requests for `password`'s prefix (other test files' migrations run alongside). */
const requestsFor = (all: RangeRequest[], password: string) =>
  all.filter((request) => request.url.includes(rangeQuery(password).prefix));

/** A password no breach list holds and the default policy accepts, different each run. */
const freshPassword = () => `Fresh-${randomBytes(9).toString('base64url')}-42`;

describe('migrate-user with the breached-password check on', () => {
  it('answers RESET_REQUIRED (with SUPPRESS) for a breached password that meets the policy', async () => {
    expect(LOCAL_BREACHED_PASSWORDS[BREACHED]).toBeGreaterThan(0);
    const email = await legacyUser(BREACHED);
    const result = await invokeFunction('migrate-user', signInEvent(email, BREACHED));
    expect(result.functionError).toBeUndefined();
    expect((result.payload as { response: unknown }).response).toEqual({
      userAttributes: { email, email_verified: 'true', given_name: 'Breached' },
      finalUserStatus: 'RESET_REQUIRED',
      messageAction: 'SUPPRESS',
      desiredDeliveryMediums: null,
      forceAliasCreation: null,
      enableSMSMFA: null,
    });
  });

  it('answers CONFIRMED for a password in no breach, after asking', async () => {
    const password = freshPassword();
    const email = await legacyUser(password);
    const result = await invokeFunction('migrate-user', signInEvent(email, password));
    expect((result.payload as { response: unknown }).response).toMatchObject({ finalUserStatus: 'CONFIRMED' });
    expect(requestsFor(await passwordRangeRequests(rangeEndpoint()), password)).toHaveLength(1);
  });

  it('sends only the 5-character SHA-1 prefix: no password, no rest of the hash, no user', async () => {
    const password = freshPassword();
    const email = await legacyUser(password);
    await invokeFunction('migrate-user', signInEvent(email, password));
    const all = await passwordRangeRequests(rangeEndpoint());
    const { prefix, suffix } = rangeQuery(password);
    expect(requestsFor(all, password)).toEqual([
      expect.objectContaining({ method: 'GET', url: `/range/${prefix}`, body: '' }),
    ]);
    // Every request the stand-in ever got, from any test: a GET of /range/<5 upper-case hex>, padded.
    for (const request of all) {
      expect(request).toMatchObject({ method: 'GET', body: '' });
      expect(request.url).toMatch(/^\/range\/[0-9A-F]{5}$/u);
      expect(request.headers['add-padding']).toBe('true');
    }
    const sent = JSON.stringify(all);
    for (const secret of [password, suffix, suffix.slice(0, 10), email, email.split('@')[0] ?? email])
      expect(sent).not.toContain(secret);
  });

  it('never asks for a wrong password', async () => {
    const password = freshPassword();
    const wrong = freshPassword();
    const email = await legacyUser(password);
    const result = await invokeFunction('migrate-user', signInEvent(email, wrong));
    expect(result.functionError).toBe('Unhandled');
    expect((result.payload as { errorMessage: string }).errorMessage).toBe(INVALID_CREDENTIALS_MESSAGE);
    const all = await passwordRangeRequests(rangeEndpoint());
    expect(requestsFor(all, wrong)).toEqual([]);
    expect(requestsFor(all, password)).toEqual([]);
  });

  it('through the pool: the sign-in ends in PasswordResetRequiredException, the user RESET_REQUIRED', async () => {
    const email = await legacyUser(BREACHED);
    expect((await signInError(idp, email, BREACHED)).name).toBe('PasswordResetRequiredException');
    const created = await idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
    expect(created.UserStatus).toBe('RESET_REQUIRED');
    // "Blocking requires users to choose another password": the reset code goes to the verified address.
    await idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: email }));
    const chosen = freshPassword();
    await idp.send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: email,
        ConfirmationCode: stack.cognito.confirmationCode,
        Password: chosen,
      }),
    );
    expect((await signIn(idp, email, chosen)).AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });
});
