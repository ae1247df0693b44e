/**
 * End to end: the account takeovers pre sign-up must not allow (docs/pre-signup.md, "Security notes"),
 * and the notice Cognito's threat protection sends when it detects one (docs/messages.md).
 *
 * The test stack runs with SIGNUP_AUTO_CONFIRM_DOMAINS=corp.example and the former
 * SIGNUP_AUTO_VERIFY_DOMAINS=corp.example (test/setup/global-setup.ts). The attacker signs up through
 * cognito-local, whose PreSignUp trigger calls the built handler; the real owner's later Google sign-in,
 * which cognito-local cannot produce, is the PreSignUp_ExternalProvider event Cognito would send,
 * delivered through the same Lambda endpoint. Linking goes to the stack's AdminLinkProviderForUser
 * stand-in, which records every link.
 */
import { randomInt, randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { buildEvent } from '../../shared/events/index.ts';
import { cognito, createConfirmedUser, invokeFunction, links, mailTo, stack, uniqueEmail } from '../helpers/stack.ts';

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

describe('the account-takeover notice (custom e-mail sender)', () => {
  /**
   * The notice as Cognito sends it for a sign-in it rated risky: no e-mail address, the caller's SDK
   * version and client id null (no app call caused it), no code. Cognito delivers it to the function
   * asynchronously; here through the Lambda endpoint, as cognito-local cannot raise it.
   */
  const notice = (userName: string, eventId = randomUUID()) =>
    buildEvent('CustomEmailSender', {
      triggerSource: 'CustomEmailSender_AccountTakeOverNotification',
      userPoolId,
      userName,
      request: {
        userAttributes: {
          EVENT_ID: eventId,
          IP_ADDRESS: '198.51.100.23',
          CITY: 'Dublin',
          COUNTRY: 'Ireland',
          DEVICE_NAME: null,
          ONE_CLICK_LINK_VALID: `https://auth.example.com/feedback?valid=${eventId}`,
          ONE_CLICK_LINK_INVALID: `https://auth.example.com/feedback?invalid=${eventId}`,
        },
      },
    });

  /** A user of the pool who reads German; returns the user name the pool gave them. */
  async function germanUser(email: string): Promise<string> {
    const created = await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'locale', Value: 'de' },
        ],
      }),
    );
    return created.User?.Username ?? email;
  }

  it("reaches the user at the pool's address, in the user's language, with both one-click links, once", async () => {
    const email = uniqueEmail('notice');
    const username = await germanUser(email);
    const event = notice(username);
    expect(event.request.userAttributes).not.toHaveProperty('email');
    expect(event.callerContext).toEqual({ awsSdkVersion: null, clientId: null });

    const first = await invokeFunction('custom-email-sender', event);
    // Lambda's second delivery of the same event (the function is invoked asynchronously).
    const second = await invokeFunction('custom-email-sender', event);

    expect(first.functionError).toBeUndefined();
    expect(second.functionError).toBeUndefined();
    const mail = await mailTo(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.subject).toContain('Ungewöhnliche Anmeldung');
    const { valid, invalid } = {
      valid: event.request.userAttributes.ONE_CLICK_LINK_VALID,
      invalid: event.request.userAttributes.ONE_CLICK_LINK_INVALID,
    };
    for (const body of [mail[0]?.body.text, mail[0]?.body.html]) {
      expect(body).toContain(valid);
      expect(body).toContain(invalid);
      expect(body).toContain('198.51.100.23');
      expect(body).toContain('Dublin');
      expect(body).not.toContain('null');
    }
  });

  it('sends nothing, and ends normally, for a user the pool no longer holds', async () => {
    const email = uniqueEmail('gone');
    const username = await germanUser(email);
    await idp.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));

    const result = await invokeFunction('custom-email-sender', notice(username));

    expect(result.functionError).toBeUndefined();
    expect(await mailTo(email)).toEqual([]);
  });
});
