/**
 * The user-existence stand-in's rule (local-cloud/user-existence.ts), on its own: which of
 * cognito-local's errors Cognito answers otherwise with PreventUserExistenceErrors ENABLED (developer
 * guide, "Managing error responses"), and which it must leave alone, since a false mapping would hide a
 * real answer (a password that breaks the policy at sign-up or at a new-password challenge).
 */
import { INCORRECT_CREDENTIALS } from '../../local-cloud/custom-auth.ts';
import { CODE_MISMATCH, preventedAnswer, simulatedDelivery } from '../../local-cloud/user-existence.ts';

const signIn = { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'a@example.com', PASSWORD: 'x' } };
const adminSignIn = { ...signIn, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH' };
const generic = { status: 400, body: { __type: 'NotAuthorizedException', message: INCORRECT_CREDENTIALS } };

describe('preventedAnswer', () => {
  it.each([
    ['InvalidPasswordException', 'Invalid password'],
    ['NotAuthorizedException', 'User not authorized'],
    ['UserNotFoundException', 'User not found.'],
    ['UserLambdaValidationException', 'UserMigration failed with error Incorrect username or password.'],
  ])('"User name password based authentication": %s "%s" becomes the generic answer', (type, message) => {
    expect(preventedAnswer('InitiateAuth', signIn, { type, message })).toEqual(generic);
    expect(preventedAnswer('AdminInitiateAuth', adminSignIn, { type, message })).toEqual(generic);
  });

  it('"Imported users": PasswordResetRequiredException only for a user the sign-in\'s migration created', () => {
    const error = { type: 'PasswordResetRequiredException', message: 'Password reset required' };
    expect(preventedAnswer('InitiateAuth', signIn, error, { heldBefore: true })).toEqual(generic);
    expect(preventedAnswer('InitiateAuth', signIn, error, { heldBefore: false })).toBeUndefined();
  });

  it('leaves what tells the user something true about their own input', () => {
    const policy = { type: 'InvalidPasswordException', message: 'Password does not conform to policy' };
    expect(preventedAnswer('SignUp', {}, policy)).toBeUndefined();
    expect(
      preventedAnswer('RespondToAuthChallenge', { ChallengeName: 'NEW_PASSWORD_REQUIRED' }, policy),
    ).toBeUndefined();
    expect(preventedAnswer('ChangePassword', {}, policy)).toBeUndefined();
    // A trigger's own refusal (pre authentication) and a disabled user keep their words.
    const refused = { type: 'UserLambdaValidationException', message: 'PreAuthentication failed with error No.' };
    expect(preventedAnswer('InitiateAuth', signIn, refused)).toBeUndefined();
    expect(
      preventedAnswer('InitiateAuth', signIn, { type: 'NotAuthorizedException', message: 'User is disabled.' }),
    ).toBeUndefined();
    // A refresh token that is not valid is no question of the user's existence.
    expect(
      preventedAnswer(
        'InitiateAuth',
        { AuthFlow: 'REFRESH_TOKEN_AUTH' },
        { type: 'NotAuthorizedException', message: 'User not authorized' },
      ),
    ).toBeUndefined();
  });

  it('"ForgotPassword": a simulated delivery by the name\'s format; "ConfirmForgotPassword": CodeMismatchException', () => {
    const notFound = { type: 'UserNotFoundException', message: 'User not found.' };
    expect(preventedAnswer('ForgotPassword', { Username: 'b@example.com' }, notFound)).toEqual({
      status: 200,
      body: { CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'b@example.com' } },
    });
    expect(simulatedDelivery('+15555550100')).toMatchObject({ DeliveryMedium: 'SMS', AttributeName: 'phone_number' });
    expect(preventedAnswer('ConfirmForgotPassword', { Username: 'b@example.com' }, notFound)).toEqual({
      status: 400,
      body: { __type: 'CodeMismatchException', message: CODE_MISMATCH },
    });
  });
});
