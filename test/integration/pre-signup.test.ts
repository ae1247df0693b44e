/**
 * The built pre sign-up handler for the federated source, which cognito-local cannot produce: invoked
 * through the stack's Lambda endpoint with the event Cognito would send, against cognito-local's pool.
 */
import { randomInt } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { buildEvent } from '../../shared/events/index.ts';
import { ALREADY_LINKED_MESSAGE } from '../../local-cloud/link-shim.ts';
import { cognito, createConfirmedUser, invokeFunction, links, stack, uniqueEmail } from '../helpers/stack.ts';

const PASSWORD = 'Correct-Horse-Battery-9';
const LINKED_MESSAGE = 'Your sign-in method has been connected. Please sign in again';
/** A provider user id no other test uses (the link stand-in refuses a second link of one, as Cognito does). */
const freshProviderUserId = () => `1170${Date.now()}${randomInt(1_000_000)}`;

// SignUp through cognito-local (allowed, disposable and denied domains) is covered by test/e2e.

describe('pre sign-up, federated, through the Lambda endpoint', () => {
  async function nativeUser(email: string): Promise<string> {
    const username = await createConfirmedUser(cognito(), email, PASSWORD);
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

  /** The link the stand-in records for a Google identity linked to a native user. */
  const googleLink = (username: string, providerUserId: string) => ({
    userPoolId: stack.cognito.userPoolId,
    destination: { ProviderName: 'Cognito', ProviderAttributeValue: username },
    source: {
      ProviderName: 'Google',
      ProviderAttributeName: 'Cognito_Subject',
      ProviderAttributeValue: providerUserId,
    },
  });

  it('links a federated sign-up to the native account with the same verified address', async () => {
    const email = uniqueEmail('native');
    const username = await nativeUser(email);
    const providerUserId = freshProviderUserId();
    const result = await invokeFunction('pre-signup', federatedEvent(email, providerUserId));
    expect(result.functionError).toBe('Unhandled');
    expect(result.payload).toMatchObject({ errorMessage: LINKED_MESSAGE });
    expect(await links()).toContainEqual(googleLink(username, providerUserId));
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

  it('ends a delivery Cognito retries after a successful link like the first one, linking once', async () => {
    const email = uniqueEmail('retried');
    const username = await nativeUser(email);
    const providerUserId = freshProviderUserId();
    const event = federatedEvent(email, providerUserId);

    for (let delivery = 1; delivery <= 2; delivery++) {
      const result = await invokeFunction('pre-signup', event);
      expect(result.functionError).toBe('Unhandled');
      expect(result.payload).toMatchObject({ errorMessage: LINKED_MESSAGE });
    }
    const recorded = (await links()).filter((link) => link.source.ProviderAttributeValue === providerUserId);
    expect(recorded).toEqual([googleLink(username, providerUserId)]);
  });
});

describe('the local AdminLinkProviderForUser stand-in', () => {
  it("answers a repeated link as Cognito does, and lists the link in the user's identities", async () => {
    const email = uniqueEmail('stand-in');
    const created = await cognito().send(
      new AdminCreateUserCommand({
        UserPoolId: stack.cognito.userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    const username = created.User?.Username ?? email;
    const providerUserId = freshProviderUserId();
    const link = new AdminLinkProviderForUserCommand({
      UserPoolId: stack.cognito.userPoolId,
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
      SourceUser: {
        ProviderName: 'Google',
        ProviderAttributeName: 'Cognito_Subject',
        ProviderAttributeValue: providerUserId,
      },
    });

    await cognito().send(link);
    await expect(cognito().send(link)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: ALREADY_LINKED_MESSAGE,
    });

    const user = await cognito().send(
      new AdminGetUserCommand({ UserPoolId: stack.cognito.userPoolId, Username: username }),
    );
    const identities = user.UserAttributes?.find((attribute) => attribute.Name === 'identities')?.Value;
    expect(JSON.parse(identities ?? '[]')).toEqual([
      expect.objectContaining({ providerName: 'Google', userId: providerUserId }),
    ]);
  });
});
