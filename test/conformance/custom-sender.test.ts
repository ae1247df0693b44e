/**
 * The custom senders against the developer guide: user-pool-lambda-custom-sender-triggers.md,
 * user-pool-lambda-custom-email-sender.md and user-pool-lambda-custom-sms-sender.md, with the common
 * parameters of cognito-user-identity-pools-working-with-aws-lambda-triggers.md.
 *
 * The guide documents the request ("Custom email sender Lambda trigger parameters": `type`, `code`,
 * `clientMetadata`, `userAttributes`) and the trigger sources, but publishes no example event of the
 * account-takeover notification. Its shape is transcribed from the events captured from Cognito that
 * @types/aws-lambda's `CustomEmailSender_AccountTakeOverNotification_UserAttributes` was written from
 * (DefinitelyTyped#52111): no `email`, `code` and `clientMetadata` null, `callerContext.awsSdkVersion`
 * and `clientId` null, CITY, COUNTRY and DEVICE_NAME "string | null". Where those types say `string`
 * and Cognito sends null, Cognito wins (the exception is the library's, listed in ARCHITECTURE.md).
 *
 * Every event runs through the event library and through our function, in this process, against the
 * test stack's DynamoDB Local, SES and cognito-local (SMS go to an SNS stand-in): the message must reach
 * the user, once, or, where the guide's event cannot be delivered, the function must end normally.
 */
import { randomUUID } from 'node:crypto';
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { functionNames } from '../../scripts/build.ts';
import {
  LOCAL_CREDENTIALS,
  LOCAL_MAIL_ENVIRONMENT,
  LOCAL_REGION,
  tableEnvironment,
} from '../../local-cloud/index.ts';
import { encryptCode } from '../../shared/codes/encrypt.ts';
import { buildEvent, parseEvent, responseProblems, type TriggerEvents } from '../../shared/events/index.ts';
import {
  ACCOUNT_TAKE_OVER_SOURCE,
  CUSTOM_EMAIL_SENDER_SOURCES,
  CUSTOM_SMS_SENDER_SOURCES,
} from '../../shared/events/triggers/custom-sender.ts';
import { lambdaContext, type DeclaredTriggerHandler } from '../../shared/runtime/index.ts';
import { captureOutput, type CapturedOutput } from '../helpers/capture-output.ts';
import {
  setEnvironment,
  snsPublishResponder,
  startStandIn,
  type PublishedSms,
  type StandIn,
} from '../helpers/faults.ts';
import { cognito, mailTo, stack, uniqueEmail } from '../helpers/stack.ts';

type Json = Record<string, unknown>;
type SenderTrigger = 'CustomEmailSender' | 'CustomSMSSender';

const userPoolId = stack.cognito.userPoolId;
const idp = cognito();
const published: PublishedSms[] = [];
const handlers: Record<string, DeclaredTriggerHandler> = {};
let sns: StandIn;
let restore: () => void;
let output: CapturedOutput;

beforeAll(async () => {
  sns = await startStandIn('sns', { respond: snsPublishResponder(published) });
  restore = setEnvironment({
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamodb.endpoint,
    AWS_ENDPOINT_URL_SES: stack.ses.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.cognito.endpoint,
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
    ...tableEnvironment(stack.tables),
    ...LOCAL_MAIL_ENVIRONMENT,
    CODE_KEYRING: 'local',
    MAIL_OUTBOX_DIR: undefined,
    SMS_OUTBOX_DIR: undefined,
  });
  // Environment first: each handler reads its configuration and makes its clients once.
  for (const name of ['custom-email-sender', 'custom-sms-sender']) {
    handlers[name] = (
      (await import(`../../functions/${name}/handler.ts`)) as { handler: DeclaredTriggerHandler }
    ).handler;
  }
});
afterAll(async () => {
  restore();
  await sns.stop();
  idp.destroy();
});
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

/** The problems the event library finds in an event ([] when it accepts it). */
function eventProblems(trigger: SenderTrigger, event: unknown): string[] {
  try {
    parseEvent(trigger, event);
    return [];
  } catch (error) {
    return (error as { problems?: string[] }).problems ?? [String(error)];
  }
}

/** Our function, as Lambda runs it (the same event may come twice: Cognito invokes it asynchronously). */
async function run(name: 'custom-email-sender' | 'custom-sms-sender', event: Json): Promise<unknown> {
  const handler = handlers[name];
  if (!handler) throw new Error(`${name} was not loaded`);
  return handler(JSON.parse(JSON.stringify(event)), lambdaContext(name, 10_000));
}

/**
 * cognito-user-identity-pools-working-with-aws-lambda-triggers.md, "User pool Lambda trigger event": the
 * common parameters every event carries, as the guide writes them, around the sender's own request.
 */
const commonParameters = (triggerSource: string, userName: string): Json => ({
  version: '1',
  triggerSource,
  region: LOCAL_REGION,
  userPoolId,
  userName,
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: stack.cognito.clientId },
});

const outcomes = () =>
  output
    .records()
    .filter((record) => record.message === 'custom sender')
    .map((record) => record.outcome);

describe("user-pool-lambda-custom-email-sender.md, 'Custom email sender Lambda trigger parameters' and 'trigger sources'", () => {
  const CODE_SOURCES = CUSTOM_EMAIL_SENDER_SOURCES.filter((source) => source !== ACCOUNT_TAKE_OVER_SOURCE);

  it('the guide\'s table of trigger sources is the library\'s, "CustomEmailSender_Authentication" included', () => {
    expect([...CUSTOM_EMAIL_SENDER_SOURCES].sort()).toEqual(
      [
        'CustomEmailSender_SignUp',
        'CustomEmailSender_Authentication',
        'CustomEmailSender_ForgotPassword',
        'CustomEmailSender_ResendCode',
        'CustomEmailSender_UpdateUserAttribute',
        'CustomEmailSender_VerifyUserAttribute',
        'CustomEmailSender_AdminCreateUser',
        'CustomEmailSender_AccountTakeOverNotification',
      ].sort(),
    );
  });

  it.each(CODE_SOURCES)(
    '%s: "type" customEmailSenderRequestV1, "code" the base64 ciphertext: checked, decrypted, sent once',
    async (triggerSource) => {
      const email = uniqueEmail('guide-code');
      const code = String(100000 + Math.floor(Math.random() * 900000));
      const event = {
        ...commonParameters(triggerSource, randomUUID()),
        request: {
          type: 'customEmailSenderRequestV1',
          code: await encryptCode(code, userPoolId),
          clientMetadata: { locale: 'en' },
          userAttributes: { email, email_verified: 'true' },
        },
      };
      expect(eventProblems('CustomEmailSender', event)).toEqual([]);
      await expect(run('custom-email-sender', event)).resolves.toMatchObject(event);
      await expect(run('custom-email-sender', event)).resolves.toMatchObject(event);
      const mail = await mailTo(email);
      expect(mail).toHaveLength(1);
      expect(mail[0]?.body.text).toContain(code);
      expect(outcomes()).toEqual(['sent', 'already-delivered']);
    },
  );

  it('the parameters\' placeholder "code": "string" is no ciphertext: accepted, refused by the function, which ends normally', async () => {
    // "Amazon Cognito sends the base64 encoded ciphertext to your Lambda functions": anything else is
    // no code of Cognito's, and a retry would not make it one.
    const email = uniqueEmail('guide-placeholder');
    const event = {
      ...commonParameters('CustomEmailSender_SignUp', randomUUID()),
      request: {
        type: 'customEmailSenderRequestV1',
        code: 'string',
        clientMetadata: { string: 'string' },
        userAttributes: { email },
      },
    };
    expect(eventProblems('CustomEmailSender', event)).toEqual([]);
    await expect(run('custom-email-sender', event)).resolves.toMatchObject(event);
    expect(outcomes()).toEqual(['code-refused']);
    expect(await mailTo(email)).toEqual([]);
  });
});

describe('user-pool-lambda-custom-email-sender.md, \'CustomEmailSender_AccountTakeOverNotification\': "Amazon Cognito detects an attempt to take over a user account"', () => {
  /** The captured event (DefinitelyTyped#52111), with its placeholders filled in. */
  const captured = (
    userName: string,
    action: 'BLOCK' | 'NO_ACTION',
    place: { CITY: string | null; COUNTRY: string | null; DEVICE_NAME: string | null },
  ) => {
    const eventId = randomUUID();
    return {
      version: '1',
      triggerSource: 'CustomEmailSender_AccountTakeOverNotification',
      region: LOCAL_REGION,
      userPoolId,
      userName,
      callerContext: { awsSdkVersion: null, clientId: null },
      request: {
        type: 'customEmailSenderRequestV1',
        code: null,
        clientMetadata: null,
        userAttributes: {
          LOGIN_TIME: 'Friday, March 19, 2021 02:25 PM UTC',
          ...place,
          ACCOUNT_TAKE_OVER_ACTION: action,
          FEEDBACK_TOKEN: `feedback-${eventId}`,
          ONE_CLICK_LINK_VALID: `https://auth.example.com/confirm?valid=${eventId}`,
          EVENT_ID: eventId,
          IP_ADDRESS: '192.0.2.44',
          USER_NAME: userName,
          ONE_CLICK_LINK_INVALID: `https://auth.example.com/confirm?invalid=${eventId}`,
        },
      },
    };
  };

  async function poolUser(email: string): Promise<string> {
    const created = await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    return created.User?.Username ?? email;
  }

  it.each([
    ['BLOCK', { CITY: null, COUNTRY: null, DEVICE_NAME: null }],
    ['NO_ACTION', { CITY: 'Seattle', COUNTRY: 'United States', DEVICE_NAME: 'Opera 74, Linux' }],
  ] as const)(
    'the captured %s event (no email, nulls): checked, the user looked up, both one-click links sent once',
    async (action, place) => {
      const email = uniqueEmail('guide-notice');
      const event = captured(await poolUser(email), action, place);
      expect(eventProblems('CustomEmailSender', event)).toEqual([]);
      await expect(run('custom-email-sender', event)).resolves.toMatchObject(event);
      await expect(run('custom-email-sender', event)).resolves.toMatchObject(event);
      const mail = await mailTo(email);
      expect(mail).toHaveLength(1);
      const text = mail[0]?.body.text ?? '';
      expect(text).toContain(event.request.userAttributes.ONE_CLICK_LINK_VALID);
      expect(text).toContain(event.request.userAttributes.ONE_CLICK_LINK_INVALID);
      expect(text).toContain('192.0.2.44');
      expect(text).toContain('Friday, March 19, 2021 02:25 PM UTC');
      for (const detail of Object.values(place)) if (detail) expect(text).toContain(detail);
      expect(text).not.toContain('null');
      expect(text.includes('blocked')).toBe(action === 'BLOCK');
      // The secrets of the event act on it (UpdateAuthEventFeedback): never in the logs.
      const logs = output.text();
      for (const secret of [
        event.request.userAttributes.FEEDBACK_TOKEN,
        event.request.userAttributes.ONE_CLICK_LINK_VALID,
        email,
      ])
        expect(logs).not.toContain(secret);
    },
  );

  it('the guide\'s code sample decrypts only "if(event.request.code)": the notice\'s null code is accepted', () => {
    const event = captured('someone', 'BLOCK', { CITY: null, COUNTRY: null, DEVICE_NAME: null });
    expect(eventProblems('CustomEmailSender', event)).toEqual([]);
    expect(eventProblems('CustomEmailSender', { ...event, request: { ...event.request, code: undefined } })).toEqual(
      [],
    );
  });

  it('a notice for a user the pool no longer holds: nothing sent, the function ends normally', async () => {
    const event = captured(`gone-${randomUUID()}`, 'BLOCK', { CITY: null, COUNTRY: null, DEVICE_NAME: null });
    await expect(run('custom-email-sender', event)).resolves.toMatchObject(event);
    expect(outcomes()).toEqual(['user-not-found']);
  });

  it('the library requires only what the notice relies on: a notice without the details it shows when given passes', () => {
    const event = captured('someone', 'BLOCK', { CITY: null, COUNTRY: null, DEVICE_NAME: null });
    const { EVENT_ID, ONE_CLICK_LINK_VALID, ONE_CLICK_LINK_INVALID } = event.request.userAttributes;
    const bare = {
      ...event,
      request: { ...event.request, userAttributes: { EVENT_ID, ONE_CLICK_LINK_VALID, ONE_CLICK_LINK_INVALID } },
    };
    expect(eventProblems('CustomEmailSender', bare)).toEqual([]);
  });

  it('the library still refuses a notice without its one-click links, which it exists to deliver', () => {
    const event = captured('someone', 'BLOCK', { CITY: null, COUNTRY: null, DEVICE_NAME: null });
    const { ONE_CLICK_LINK_VALID: _valid, ...withoutLink } = event.request.userAttributes;
    expect(
      eventProblems('CustomEmailSender', { ...event, request: { ...event.request, userAttributes: withoutLink } }),
    ).not.toEqual([]);
  });

  it('a blank event id or one-click link is refused at the check, not found missing by the template after the claim (npm run fuzz, seed 1122755212)', () => {
    const event = captured('someone', 'BLOCK', { CITY: null, COUNTRY: null, DEVICE_NAME: null });
    for (const key of ['EVENT_ID', 'ONE_CLICK_LINK_VALID', 'ONE_CLICK_LINK_INVALID'] as const) {
      for (const blank of ['', '  ']) {
        const userAttributes = { ...event.request.userAttributes, [key]: blank };
        expect(
          eventProblems('CustomEmailSender', { ...event, request: { ...event.request, userAttributes } }),
        ).not.toEqual([]);
      }
    }
  });
});

describe("user-pool-lambda-custom-sms-sender.md, 'Custom SMS sender Lambda trigger parameters' and 'trigger sources'", () => {
  it("the guide's table of trigger sources is the library's", () => {
    expect([...CUSTOM_SMS_SENDER_SOURCES].sort()).toEqual(
      [
        'CustomSMSSender_SignUp',
        'CustomSMSSender_ForgotPassword',
        'CustomSMSSender_ResendCode',
        'CustomSMSSender_VerifyUserAttribute',
        'CustomSMSSender_UpdateUserAttribute',
        'CustomSMSSender_Authentication',
        'CustomSMSSender_AdminCreateUser',
      ].sort(),
    );
  });

  it.each(CUSTOM_SMS_SENDER_SOURCES)(
    '%s: "type" customSMSSenderRequestV1, "code" the base64 ciphertext: checked, decrypted, sent once',
    async (triggerSource) => {
      const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
      const code = String(100000 + Math.floor(Math.random() * 900000));
      const event = {
        ...commonParameters(triggerSource, randomUUID()),
        request: {
          type: 'customSMSSenderRequestV1',
          code: await encryptCode(code, userPoolId),
          clientMetadata: { locale: 'en' },
          userAttributes: { phone_number: phone, phone_number_verified: 'true' },
        },
      };
      expect(eventProblems('CustomSMSSender', event)).toEqual([]);
      await expect(run('custom-sms-sender', event)).resolves.toMatchObject(event);
      await expect(run('custom-sms-sender', event)).resolves.toMatchObject(event);
      const sent = published.filter((sms) => sms.phoneNumber === phone);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.message).toContain(code);
    },
  );

  it("the old guide's SMS code sample names CustomSMSSender_AccountTakeOverNotification, its trigger-source table does not: refused", () => {
    // Threat protection notifies by e-mail only (its NotifyConfiguration holds e-mail templates alone).
    const event = buildEvent('CustomSMSSender') as unknown as Json;
    expect(
      eventProblems('CustomSMSSender', { ...event, triggerSource: 'CustomSMSSender_AccountTakeOverNotification' }),
    ).not.toEqual([]);
  });
});

describe("user-pool-lambda-custom-sender-triggers.md and 'Important considerations': Cognito reads nothing back", () => {
  // "Except for Custom Sender Lambda triggers, Amazon Cognito invokes Lambda functions synchronously";
  // the guide's samples end in `return;`. The response check must accept whatever the function answers.
  it.each([
    ['CustomEmailSender', buildEvent('CustomEmailSender', { triggerSource: ACCOUNT_TAKE_OVER_SOURCE })],
    ['CustomEmailSender', buildEvent('CustomEmailSender')],
    ['CustomSMSSender', buildEvent('CustomSMSSender')],
  ] as const)('%s: the event returned as it came, with or without a response, passes', (trigger, event) => {
    const sent = event as TriggerEvents[typeof trigger];
    expect(responseProblems(trigger, sent as never, sent as never)).toEqual([]);
    expect(responseProblems(trigger, sent as never, { ...sent, response: {} } as never)).toEqual([]);
  });

  it('every custom sender function is in this suite', () => {
    expect(functionNames().filter((name) => name.startsWith('custom-') && name.endsWith('-sender'))).toEqual(
      Object.keys(handlers).sort(),
    );
  });
});
