/**
 * The local app client prevents user-existence errors (PreventUserExistenceErrors ENABLED, as production
 * pools should), and the local pool answers as Cognito then does. The developer guide, "Managing error
 * responses" (cognito-user-pool-managing-errors): for USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH
 * "Amazon Cognito returns a generic NotAuthorizedException error indicating either the user name or
 * password is incorrect"; for the migrate user trigger it "returns a simulated response for users that
 * don't exist"; ForgotPassword "returns CodeDeliveryDetails with a simulated delivery medium" when the user
 * isn't found; ConfirmForgotPassword "returns the CodeMismatchException error for users that don't exist".
 * Pre authentication runs before the password is checked, and its error reaches the client as
 * "PreAuthentication failed with error <message>." (UserLambdaValidationException), for a right and a
 * wrong password alike.
 */
import {
  AdminInitiateAuthCommand,
  ConfirmForgotPasswordCommand,
  DescribeUserPoolClientCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { bcrypt } from 'hash-wasm';
import { randomBytes } from 'node:crypto';
import { normaliseEmail, normaliseUsername } from '../../shared/stores/legacy-user.ts';
import { legacyUserStore } from '../../shared/stores/legacy-users.ts';
import { SIGN_IN_REFUSED_MESSAGE } from '../../shared/stores/lockout.ts';
import {
  cognito,
  createConfirmedUser,
  failure,
  signIn,
  signInError,
  stack,
  tableName,
  uniqueEmail,
  useLocalEndpoints,
} from '../helpers/stack.ts';

const { userPoolId, clientId } = stack.cognito;
const idp = cognito();
const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };

beforeAll(() => {
  useLocalEndpoints();
});
afterAll(() => idp.destroy());

const adminSignIn = (username: string, password: string) =>
  idp.send(
    new AdminInitiateAuthCommand({
      UserPoolId: userPoolId,
      ClientId: clientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );

/** A user of the legacy directory, not in the pool, with a bcrypt hash of `password`. */
async function legacyUser(password: string): Promise<string> {
  const email = uniqueEmail('legacy-existence');
  const local = email.split('@')[0] ?? email;
  await legacyUserStore(tableName('legacyUsers')).putAll([
    {
      username: normaliseUsername(`legacy-${local}`),
      usernameAsGiven: `legacy-${local}`,
      email: normaliseEmail(email),
      attributes: { email, email_verified: 'true' },
      passwordHash: await bcrypt({ password, salt: randomBytes(16), costFactor: 5, outputType: 'encoded' }),
      mfaEnabled: false,
      importedAt: '2026-01-01T00:00:00.000Z',
    },
  ]);
  return email;
}

describe('PreventUserExistenceErrors ENABLED on the local app client', () => {
  it('the client says so (DescribeUserPoolClient)', async () => {
    const { UserPoolClient } = await idp.send(
      new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
    );
    expect(UserPoolClient?.PreventUserExistenceErrors).toBe('ENABLED');
  });

  it('"User name password based authentication": a wrong password and an unknown user get one generic NotAuthorizedException', async () => {
    const email = uniqueEmail('existence-wrong');
    await createConfirmedUser(idp, email, 'Right-Password-42');
    expect(await signInError(idp, email, 'Wrong-Password-42')).toEqual(INCORRECT);
    expect(await signInError(idp, uniqueEmail('existence-nobody'), 'Wrong-Password-42')).toEqual(INCORRECT);
    expect(await failure(adminSignIn(email, 'Wrong-Password-42'))).toEqual(INCORRECT);
    expect(await failure(adminSignIn(uniqueEmail('existence-nobody'), 'Wrong-Password-42'))).toEqual(INCORRECT);
  });

  it('"Migrate user Lambda trigger": a legacy user the migration refuses gets the unknown user\'s answer', async () => {
    const email = await legacyUser('Old-Legacy-Pass-42');
    expect(await signInError(idp, email, 'Not-The-Password-42')).toEqual(INCORRECT);
    // The right password still migrates the user: the mapping hides the refusal, not the trigger.
    expect((await signIn(idp, email, 'Old-Legacy-Pass-42')).AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });

  it('"Imported users": a RESET_REQUIRED user the pool holds gets the generic answer, not PasswordResetRequiredException', async () => {
    // A legacy password that fails the pool's policy: the migration creates the user RESET_REQUIRED, and
    // that sign-in is told so (migrate user: "your client app needs to handle the
    // PasswordResetRequiredException"); from then on the pool holds a RESET_REQUIRED user.
    const email = await legacyUser('weakpass');
    expect((await signInError(idp, email, 'weakpass')).name).toBe('PasswordResetRequiredException');
    expect(await signInError(idp, email, 'weakpass')).toEqual(INCORRECT);
    expect(await signInError(idp, email, 'Wrong-Password-42')).toEqual(INCORRECT);
  });

  it('a user locked by pre authentication: its message, with the period Cognito adds, for a right and a wrong password', async () => {
    const email = uniqueEmail('existence-locked');
    await createConfirmedUser(idp, email, 'Right-Password-42');
    // The test stack locks after 3 attempts without a success (LOCKOUT_MAX_ATTEMPTS).
    for (let i = 0; i < 3; i++) expect(await signInError(idp, email, 'Wrong-Password-42')).toEqual(INCORRECT);
    const locked = {
      name: 'UserLambdaValidationException',
      message: `PreAuthentication failed with error ${SIGN_IN_REFUSED_MESSAGE}.`,
    };
    expect(await signInError(idp, email, 'Right-Password-42')).toEqual(locked);
    expect(await signInError(idp, email, 'Wrong-Password-42')).toEqual(locked);
    expect(locked.message).not.toMatch(/\.\.$/u);
  });

  it('a successful sign-in is counted by pre authentication and reset by post authentication', async () => {
    const email = uniqueEmail('existence-reset');
    await createConfirmedUser(idp, email, 'Right-Password-42');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) expect(await signInError(idp, email, 'Wrong-Password-42')).toEqual(INCORRECT);
      expect((await signIn(idp, email, 'Right-Password-42')).AuthenticationResult?.IdToken).toEqual(expect.any(String));
    }
  });

  it('"ForgotPassword": an unknown user gets a simulated code delivery, shaped as a real one', async () => {
    const email = uniqueEmail('existence-reset-known');
    await createConfirmedUser(idp, email, 'Right-Password-42');
    const known = await idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: email }));
    const unknownName = uniqueEmail('existence-reset-nobody');
    const unknown = await idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: unknownName }));
    expect(unknown.CodeDeliveryDetails).toEqual({
      AttributeName: 'email',
      DeliveryMedium: 'EMAIL',
      Destination: unknownName,
    });
    expect(Object.keys(unknown.CodeDeliveryDetails ?? {}).sort()).toEqual(
      Object.keys(known.CodeDeliveryDetails ?? {}).sort(),
    );
  });

  it('"ConfirmForgotPassword": an unknown user gets CodeMismatchException', async () => {
    const error = await failure(
      idp.send(
        new ConfirmForgotPasswordCommand({
          ClientId: clientId,
          Username: uniqueEmail('existence-confirm-nobody'),
          ConfirmationCode: '123456',
          Password: 'New-Password-42',
        }),
      ),
    );
    expect(error.name).toBe('CodeMismatchException');
  });
});
