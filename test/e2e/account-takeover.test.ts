/**
 * End to end: the account takeovers pre sign-up must not allow (README, pre-signup, "Security notes").
 *
 * The test stack runs with SIGNUP_AUTO_CONFIRM_DOMAINS=corp.example and the former
 * SIGNUP_AUTO_VERIFY_DOMAINS=corp.example (test/setup/global-setup.ts). The attacker signs up through
 * cognito-local, whose PreSignUp trigger calls the built handler; the real owner's later Google sign-in,
 * which cognito-local cannot produce, is the PreSignUp_ExternalProvider event Cognito would send,
 * delivered through the same Lambda endpoint. Linking goes to the stack's AdminLinkProviderForUser
 * stand-in, which records every link.
 */
import { randomInt } from 'node:crypto';
import { AdminGetUserCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { buildEvent } from '../../shared/events/index.ts';
import { cognito, createConfirmedUser, invokeFunction, links, stack, uniqueEmail } from '../helpers/stack.ts';

const ATTACKER_PASSWORD = 'Attacker-Knows-This-7';
const { userPoolId, clientId } = stack.cognito;
const idp = cognito();

afterAll(() => idp.destroy());

/** A provider user id no other test uses. */
const providerUserId = () => `1093${Date.now()}${randomInt(1_000_000)}`;

async function attributesOf(username: string): Promise<Record<string, string>> {
  const user = await idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  return Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));
}

/** The first sign-in of a federated user, as Cognito calls pre sign-up for it. */
const federatedSignUp = (provider: string, id: string, email: string) =>
  invokeFunction(
    'pre-signup',
    buildEvent('PreSignUp', {
      triggerSource: 'PreSignUp_ExternalProvider',
      userPoolId,
      userName: `${provider}_${id}`,
      callerContext: { clientId },
      request: { userAttributes: { email, email_verified: 'true' } },
    }),
  );

const linksOf = async (id: string) => (await links()).filter((link) => link.source.ProviderAttributeValue === id);

describe('account takeover through an auto-confirmed domain', () => {
  it("never links the owner's Google sign-in to an account someone else signed up with the address", async () => {
    // The attacker signs up as the CEO, on the domain whose sign-ups are confirmed without a code.
    const email = uniqueEmail('ceo', 'corp.example');
    const signUp = await idp.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: email,
        Password: ATTACKER_PASSWORD,
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    const attacker = signUp.UserSub ?? '';
    expect(signUp.UserConfirmed).toBe(true);
    // A working account with the attacker's password, but the address is not verified: nobody proved it.
    const auth = await idp.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: ATTACKER_PASSWORD },
      }),
    );
    expect(auth.AuthenticationResult?.IdToken).toBeTruthy();
    expect((await attributesOf(attacker)).email_verified).not.toBe('true');

    // The real owner signs in with Google for the first time.
    const google = providerUserId();
    const result = await federatedSignUp('google', google, email);

    // Not linked: Cognito creates the owner's own federated user, confirmed, with the address verified
    // (nobody else holds it verified).
    expect(result.functionError).toBeUndefined();
    expect(result.payload).toMatchObject({
      response: { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: false },
    });
    expect(await linksOf(google)).toEqual([]);
    expect((await links()).filter((link) => link.destination.ProviderAttributeValue === attacker)).toEqual([]);
  });
});

describe('alias takeover through a federated auto-verify', () => {
  it('never marks verified, for a newcomer, an address another user holds verified', async () => {
    const email = uniqueEmail('holder');
    const holder = await createConfirmedUser(idp, email, 'Holder-Password-42');

    // A provider not trusted for linking (anyone can run an OIDC provider that claims any address).
    const id = providerUserId();
    const result = await federatedSignUp('CorpOIDC', id, email);

    // Cognito creates the federated user, but auto-verifying would move the holder's alias to it.
    expect(result.functionError).toBeUndefined();
    expect(result.payload).toMatchObject({ response: { autoConfirmUser: true, autoVerifyEmail: false } });
    expect(await linksOf(id)).toEqual([]);
    expect((await attributesOf(holder)).email_verified).toBe('true');
  });
});
