/**
 * The built pre sign-up handler, called by cognito-local on SignUp and, for the federated source that
 * cognito-local cannot produce, through the same Lambda endpoint with the event Cognito would send.
 */
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { buildEvent } from '../../shared/events/index.ts';
import { DENIAL_MESSAGES } from '../../functions/pre-signup/policy.ts';
import { cognito, invokeFunction, links, stack, uniqueEmail } from '../helpers/stack.ts';

const PASSWORD = 'Correct-Horse-Battery-9';

async function signUp(email: string) {
  return cognito().send(
    new SignUpCommand({
      ClientId: stack.cognito.clientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'given_name', Value: 'Jane' },
      ],
    }),
  );
}

async function signUpError(email: string): Promise<Error> {
  try {
    await signUp(email);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`sign-up of ${email} was allowed`);
}

describe('pre sign-up through cognito-local', () => {
  it('lets an ordinary address sign up, unconfirmed', async () => {
    const result = await signUp(uniqueEmail('ordinary'));
    expect(result.UserConfirmed).toBe(false);
    expect(result.UserSub).toBeTruthy();
  });

  it('refuses a disposable address with the user-safe message', async () => {
    const error = await signUpError(uniqueEmail('throwaway', 'mailinator.com'));
    expect(error.name).toBe('UserLambdaValidationException');
    expect(error.message).toBe(`pre-signup failed with error ${DENIAL_MESSAGES['disposable-domain']}.`);
  });

  it('refuses a denied domain (SIGNUP_DENIED_DOMAINS), telling nothing about existing accounts', async () => {
    const error = await signUpError(uniqueEmail('someone', 'denied.example'));
    expect(error.message).toContain(DENIAL_MESSAGES['domain-denied']);
  });
});

describe('pre sign-up, federated, through the Lambda endpoint', () => {
  async function nativeUser(email: string): Promise<string> {
    const created = await cognito().send(
      new AdminCreateUserCommand({
        UserPoolId: stack.cognito.userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    const username = created.User?.Username ?? email;
    await cognito().send(
      new AdminSetUserPasswordCommand({
        UserPoolId: stack.cognito.userPoolId,
        Username: username,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    const user = await cognito().send(
      new AdminGetUserCommand({ UserPoolId: stack.cognito.userPoolId, Username: username }),
    );
    expect(user.UserStatus).toBe('CONFIRMED');
    return username;
  }

  const federatedEvent = (email: string, providerUserId: string) =>
    buildEvent('PreSignUp', {
      triggerSource: 'PreSignUp_ExternalProvider',
      userPoolId: stack.cognito.userPoolId,
      userName: `google_${providerUserId}`,
      callerContext: { clientId: stack.cognito.clientId },
      request: { userAttributes: { email, email_verified: 'true' } },
    });

  it('links a federated sign-up to the native account with the same verified address', async () => {
    const email = uniqueEmail('native');
    const username = await nativeUser(email);
    const providerUserId = `1170${Date.now()}`;
    const result = await invokeFunction('pre-signup', federatedEvent(email, providerUserId));
    expect(result.functionError).toBe('Unhandled');
    expect(result.payload).toMatchObject({
      errorMessage: 'Your sign-in method has been connected. Please sign in again.',
    });
    expect(await links()).toContainEqual({
      userPoolId: stack.cognito.userPoolId,
      destination: { ProviderName: 'Cognito', ProviderAttributeValue: username },
      source: {
        ProviderName: 'Google',
        ProviderAttributeName: 'Cognito_Subject',
        ProviderAttributeValue: providerUserId,
      },
    });
  });

  it('confirms and verifies a federated user with no native account, without linking', async () => {
    const before = (await links()).length;
    const result = await invokeFunction('pre-signup', federatedEvent(uniqueEmail('newcomer'), '999'));
    expect(result.functionError).toBeUndefined();
    expect(result.payload).toMatchObject({
      response: { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: false },
    });
    expect(await links()).toHaveLength(before);
  });
});
