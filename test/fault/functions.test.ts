/**
 * Every function against every fault of every service it calls: DynamoDB, SES or Cognito hangs, resets
 * the connection, answers 500 or throttles. Each function must answer by its declared failure mode
 * (open: the event as received; closed: the generic failure) within its budget (the SDK timeouts, the
 * budget's abort signal and, last, the wrapper's deadline end every wait: no test here measures time,
 * jest's timeout is the outer bound), and keep what it promised to keep (a notice SES did not take
 * stays in the notifications table as `failed`, for the retry).
 *
 * The handlers run in this process (functions/<fn>/handler.ts), their endpoints pointed at stand-ins
 * (test/helpers/faults.ts) that pass requests to the test stack's servers when healthy. Adding a
 * function: one entry in FUNCTIONS (the test fails until it has one).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { bcrypt } from 'hash-wasm';
import { buildEvent, SAMPLE } from '../../shared/events/index.ts';
import { signLinkToken } from '../../shared/passwordless/magic-link.ts';
import { GENERIC_FAILURE_MESSAGE, lambdaContext, type DeclaredTriggerHandler } from '../../shared/runtime/index.ts';
import { normaliseEmail, normaliseUsername } from '../../shared/stores/legacy-user.ts';
import { legacyUserStore } from '../../shared/stores/legacy-users.ts';
import { notificationStore, type FailedNotification } from '../../shared/stores/notifications.ts';
import { functionNames } from '../../scripts/build.ts';
import {
  dynamoDbClientFor,
  LOCAL_CREDENTIALS,
  LOCAL_MAIL_ENVIRONMENT,
  LOCAL_PASSWORDLESS_ENVIRONMENT,
  LOCAL_REGION,
  tableEnvironment,
} from '../../local-cloud/index.ts';
import { captureOutput, type CapturedOutput } from '../helpers/capture-output.ts';
import { encryptCode } from '../../shared/codes/encrypt.ts';
import {
  FAULTS,
  pointAt,
  snsPublishResponder,
  type PublishedSms,
  setEnvironment,
  startStandIn,
  type Fault,
  type Service,
  type StandIn,
} from '../helpers/faults.ts';
import { cognito, createConfirmedUser, mailTo, stack, tableName } from '../helpers/stack.ts';

interface Case {
  /** The function under test (functions/<handler>/), when the case's name is not the function's own. */
  handler?: string;
  /** Data the event needs in the test stack's tables, written before the event is sent. */
  prepare?(user: { sub: string; email: string }): Promise<void>;
  /** The event Cognito would send, for a user of its own, that makes the function call `services`. */
  event(user: { sub: string; email: string }): unknown;
  /** The services the function calls on that event; an empty list: it calls none, nothing to inject. */
  services: readonly Service[];
  /** What must survive the fault of `service` (the other services healthy). */
  kept?(user: { sub: string; email: string }, service: Service, fault: Fault): Promise<void>;
}

const db = DynamoDBDocumentClient.from(dynamoDbClientFor(stack.dynamodb.endpoint));

const failedNotices = async (sub: string): Promise<FailedNotification[]> => {
  const failed: FailedNotification[] = [];
  for await (const row of notificationStore(tableName('notifications'), () => db).failed({ now: Date.now(), sub }))
    failed.push(row);
  return failed;
};

/** When SES fails and DynamoDB works: the notice is recorded as failed, ready for notifications:retry. */
async function noticeStaysRetryable(user: { sub: string; email: string }, service: Service): Promise<void> {
  if (service !== 'ses') return;
  const failed = await failedNotices(user.sub);
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ status: 'failed', sub: user.sub, message: { to: user.email } });
}

/** The migrate-user case's legacy password, hashed cheaply (bcrypt cost 4): the faults, not hashing, are tested. */
const LEGACY_PASSWORD = 'Old-Fault-Pass-42';
const legacyHash = async (password: string) =>
  bcrypt({ password, salt: randomBytes(16), costFactor: 4, outputType: 'encoded' });

const FUNCTIONS: Readonly<Record<string, Case>> = {
  'pre-signup': {
    // A federated sign-up by a trusted provider with a verified address: the one that looks for a
    // native account to link to.
    event: ({ sub, email }) =>
      buildEvent('PreSignUp', {
        triggerSource: 'PreSignUp_ExternalProvider',
        userName: `Google_${sub.replace(/-/gu, '')}`,
        request: { userAttributes: { email, email_verified: 'true' } },
      }),
    services: ['cognito'],
  },
  'post-confirmation': {
    event: ({ sub, email }) =>
      buildEvent('PostConfirmation', {
        userName: sub,
        request: { userAttributes: { sub, email, email_verified: 'true' } },
      }),
    services: ['dynamodb', 'ses'],
    async kept(user, service) {
      if (service !== 'ses') return;
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName('profiles'), Key: { sub: user.sub }, ConsistentRead: true }),
      );
      expect(Item).toMatchObject({ sub: user.sub });
      await noticeStaysRetryable(user, service);
    },
  },
  'pre-authentication': {
    event: ({ sub, email }) =>
      buildEvent('PreAuthentication', { userName: sub, request: { userAttributes: { sub, email } } }),
    services: ['dynamodb'],
  },
  'post-authentication': {
    // A new device and a verified address: the function also sends the "new sign-in" notice.
    event: ({ sub, email }) =>
      buildEvent('PostAuthentication', {
        userName: sub,
        request: { userAttributes: { sub, email, email_verified: 'true' }, newDeviceUsed: true },
      }),
    services: ['dynamodb', 'ses'],
    kept: noticeStaysRetryable,
  },
  // A user of its own: no cached entitlements to serve, so a store failure must fail closed.
  'pre-token-generation': {
    event: ({ sub, email }) =>
      buildEvent('PreTokenGeneration', {
        version: '2',
        triggerSource: 'TokenGeneration_Authentication',
        userName: sub,
        request: { userAttributes: { sub, email }, groupConfiguration: { groupsToOverride: ['readers'] } },
      } as never),
    services: ['dynamodb'],
  },
  'migrate-user': {
    // A legacy user signing in with the right password, by e-mail (MIGRATION_LOOKUP both: a read by name
    // and a query of EmailIndex), counted in the attempts table: every DynamoDB call of a migration.
    prepare: async ({ sub, email }) =>
      legacyUserStore(tableName('legacyUsers'), () => db).putAll([
        {
          username: normaliseUsername(`legacy-${sub}`),
          usernameAsGiven: `Legacy-${sub}`,
          email: normaliseEmail(email),
          attributes: { email, email_verified: 'true', given_name: 'Legacy' },
          passwordHash: await legacyHash(LEGACY_PASSWORD),
          mfaEnabled: false,
          importedAt: '2026-01-01T00:00:00.000Z',
        },
      ]),
    event: ({ email }) =>
      buildEvent('UserMigration', {
        triggerSource: 'UserMigration_Authentication',
        userName: email,
        request: { password: LEGACY_PASSWORD, validationData: null },
      }),
    services: ['dynamodb'],
    // Cognito creates no user when the trigger fails. Nothing is lost if the legacy row is as it was (not
    // marked migrated: that would start the TTL that deletes the row and its hash, and the user, never
    // created in the pool, would be gone), and the same sign-in, once DynamoDB answers, migrates them.
    async kept(user) {
      const key = { username: normaliseUsername(`legacy-${user.sub}`) };
      const row = async () =>
        (await db.send(new GetCommand({ TableName: tableName('legacyUsers'), Key: key, ConsistentRead: true }))).Item;
      const before = await row();
      expect(before).toMatchObject({ passwordHash: expect.stringMatching(/^\$2.\$04\$/u) });
      expect(before).not.toHaveProperty('migratedAt');
      expect(before).not.toHaveProperty('expiresAt');

      const again = (await handlers['migrate-user']!(
        FUNCTIONS['migrate-user']!.event(user),
        lambdaContext('migrate-user', 6_000),
      )) as { response: Record<string, unknown> };
      expect(again.response).toMatchObject({ finalUserStatus: 'CONFIRMED', userAttributes: { email: user.email } });
      expect(await row()).toMatchObject({ migratedAt: expect.any(String), expiresAt: expect.any(Number) });
    },
  },
  // Define auth challenge decides from the session alone: no service, no fault to inject (the fuzz
  // harness covers events it cannot check).
  'define-auth-challenge': { event: () => buildEvent('DefineAuthChallenge'), services: [] },
  // A new e-mail code for a verified address: the send limit (DynamoDB), then the message (SES).
  'create-auth-challenge': {
    event: ({ sub, email }) =>
      buildEvent('CreateAuthChallenge', {
        userName: sub,
        request: {
          userAttributes: { sub, email, email_verified: 'true' },
          challengeName: 'CUSTOM_CHALLENGE',
          session: [],
        },
      }),
    services: ['dynamodb', 'ses'],
  },
  // A valid magic-link token: its single use is a conditional write (DynamoDB).
  'verify-auth-challenge': {
    event: ({ sub, email }) =>
      buildEvent('VerifyAuthChallengeResponse', {
        userName: sub,
        request: {
          userAttributes: { sub, email, email_verified: 'true' },
          privateChallengeParameters: { signInMethod: 'MAGIC_LINK' },
          challengeAnswer: signLinkToken(
            Buffer.from(LOCAL_PASSWORDLESS_ENVIRONMENT.MAGIC_LINK_SECRET, 'utf8'),
            { userPoolId: SAMPLE.userPoolId, clientId: SAMPLE.clientId, userName: sub },
            900,
            Date.now(),
          ).token,
        },
      }),
    services: ['dynamodb'],
  },
  // Inbound federation maps attributes from the event alone: it calls no service, so there is no fault
  // to inject (its failure mode is covered by the fuzz harness: events it cannot check).
  'inbound-federation': { event: () => buildEvent('InboundFederation'), services: [] },
  // Custom message composes from the event and the templates alone: no service to fail.
  'custom-message': { event: () => buildEvent('CustomMessage'), services: [] },
  // The senders fail closed (Lambda delivers the event again); what they keep: the message is not
  // lost, since the failed attempt gave its claim up, and the next delivery sends it exactly once.
  'custom-email-sender': {
    prepare: async ({ sub }) => void ciphertexts.set(sub, await encryptCode('135790', SENDER_POOL)),
    event: ({ sub, email }) => senderEvent('CustomEmailSender', sub, { sub, email }),
    services: ['dynamodb', 'ses'],
    async kept(user) {
      await sendAgain('custom-email-sender', user);
      const received = await mailTo(user.email);
      expect(received).toHaveLength(1);
      expect(received[0]?.body.text).toContain('135790');
    },
  },
  // The account-takeover notice carries no address: the user is looked up (Cognito) before the delivery
  // claim (DynamoDB) and the send (SES). What it keeps: nothing was claimed or half-sent, and the next
  // delivery sends the notice, both one-click links in it, exactly once.
  'custom-email-sender (account takeover)': {
    handler: 'custom-email-sender',
    prepare: async ({ sub, email }) => void poolUsers.set(sub, await createConfirmedUser(idp, email, 'Fault-Notice-Pass-42')),
    event: ({ sub }) =>
      buildEvent('CustomEmailSender', {
        triggerSource: 'CustomEmailSender_AccountTakeOverNotification',
        userPoolId: stack.cognito.userPoolId,
        userName: poolUsers.get(sub),
        request: {
          userAttributes: {
            EVENT_ID: `fault-${sub}`,
            ONE_CLICK_LINK_VALID: `https://auth.example.com/feedback?valid=${sub}`,
            ONE_CLICK_LINK_INVALID: `https://auth.example.com/feedback?invalid=${sub}`,
          },
        },
      }),
    services: ['cognito', 'dynamodb', 'ses'],
    async kept(user) {
      await sendAgain('custom-email-sender (account takeover)', user);
      const received = await mailTo(user.email);
      expect(received).toHaveLength(1);
      expect(received[0]?.body.text).toContain(`https://auth.example.com/feedback?valid=${user.sub}`);
      expect(received[0]?.body.text).toContain(`https://auth.example.com/feedback?invalid=${user.sub}`);
    },
  },
  'custom-sms-sender': {
    prepare: async ({ sub }) => void ciphertexts.set(sub, await encryptCode('246802', SENDER_POOL)),
    event: ({ sub }) => senderEvent('CustomSMSSender', sub, { sub, phone_number: phoneOf(sub) }),
    services: ['dynamodb', 'sns'],
    async kept(user) {
      await sendAgain('custom-sms-sender', user);
      const received = published.filter((sms) => sms.phoneNumber === phoneOf(user.sub));
      expect(received).toHaveLength(1);
      expect(received[0]?.message).toContain('246802');
      expect(received[0]?.attributes).toMatchObject({ 'AWS.SNS.SMS.SMSType': 'Transactional' });
    },
  },
};

const SENDER_POOL = 'eu-west-1_FaultTest';
/** The account-takeover case's users, created in the test stack's pool: the case's sub to its user name. */
const poolUsers = new Map<string, string>();
const idp = cognito();
/** Each case's code, encrypted as Cognito would (the local keyring) before its event is built. */
const ciphertexts = new Map<string, string>();
/** SMS the healthy SNS stand-in took (there is no local SNS server to pass requests to). */
const published: PublishedSms[] = [];
const phoneOf = (sub: string) => `+1555${sub.replace(/\D/gu, '').padEnd(7, '7').slice(0, 7)}`;

function senderEvent(trigger: 'CustomEmailSender' | 'CustomSMSSender', sub: string, userAttributes: Record<string, string>) {
  const triggerSource = trigger === 'CustomEmailSender' ? 'CustomEmailSender_ForgotPassword' : 'CustomSMSSender_ForgotPassword';
  const event = buildEvent(trigger, { triggerSource, userName: sub } as never) as { userPoolId: string; request: Record<string, unknown> };
  event.userPoolId = SENDER_POOL;
  event.request = { ...event.request, code: ciphertexts.get(sub), userAttributes };
  return event;
}

/** The function a case runs. */
const functionOf = (name: string) => FUNCTIONS[name]?.handler ?? name;

/** Lambda's next delivery of the same event, the services healthy: it must send. */
async function sendAgain(name: string, user: { sub: string; email: string }): Promise<void> {
  const event = FUNCTIONS[name]!.event(user);
  await expect(handlers[functionOf(name)]!(event, lambdaContext(functionOf(name), 6_000))).resolves.toEqual(event);
}

const standIns = {} as Record<Service, StandIn>;
const handlers: Record<string, DeclaredTriggerHandler> = {};
const restores: Array<() => void> = [];
let output: CapturedOutput;

beforeAll(async () => {
  const sns = await startStandIn('sns', { respond: snsPublishResponder(published) });
  restores.push(() => void sns.stop());
  const targets: Record<Service, string> = {
    dynamodb: stack.dynamodb.endpoint,
    ses: stack.ses.endpoint,
    cognito: stack.cognito.endpoint,
    sns: sns.endpoint,
  };
  for (const service of Object.keys(targets) as Service[]) {
    standIns[service] = await startStandIn(service, { target: targets[service] });
    restores.push(pointAt(service, standIns[service].endpoint));
  }
  const env: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    ...tableEnvironment(stack.tables),
    ...LOCAL_MAIL_ENVIRONMENT,
    ...LOCAL_PASSWORDLESS_ENVIRONMENT,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    CODE_KEYRING: 'local',
  };
  // Mail must go to SES and SMS to SNS (the stand-ins), not to files.
  restores.push(setEnvironment({ ...env, MAIL_OUTBOX_DIR: undefined, SMS_OUTBOX_DIR: undefined }));
  // Environment first, then the handlers: each makes its configuration and clients once.
  for (const name of new Set(Object.keys(FUNCTIONS).map(functionOf))) {
    const module = (await import(`../../functions/${name}/handler.ts`)) as { handler: DeclaredTriggerHandler };
    handlers[name] = module.handler;
  }
});

afterAll(async () => {
  for (const restore of restores.reverse()) restore();
  await Promise.all(Object.values(standIns).map((standIn) => standIn.stop()));
  db.destroy();
  idp.destroy();
});

beforeEach(() => {
  output = captureOutput();
  for (const standIn of Object.values(standIns)) {
    standIn.behaviour = 'healthy';
    standIn.requests = 0;
  }
});
afterEach(() => output.restore());

it('has a fault case for every function in functions/', () => {
  expect([...new Set(Object.keys(FUNCTIONS).map(functionOf))].sort()).toEqual(functionNames());
});

const cases = Object.entries(FUNCTIONS).flatMap(([name, fn]) =>
  fn.services.flatMap((service) => FAULTS.map((fault) => ({ name, fn, service, fault }))),
);

// A hang costs the whole 5-second budget; jest's timeout is only the outer bound.
it.each(cases)(
  '$name, $service $fault: answers by its failure mode and keeps what it promised',
  async (c) => {
    const handler = handlers[functionOf(c.name)];
    if (!handler) throw new Error(`no handler loaded for ${c.name}`);
    const user = { sub: randomUUID(), email: `fault.${randomUUID().slice(0, 8)}@example.com` };
    await c.fn.prepare?.(user);
    const event = c.fn.event(user);
    const asSent = structuredClone(event);
    standIns[c.service].behaviour = c.fault;

    const outcome = await handler(event, lambdaContext(functionOf(c.name), 6_000)).then(
      (answer) => ({ answer }),
      (error: unknown) => ({ error: error as Error }),
    );

    // The fault was met: the function did call the service under test.
    expect(standIns[c.service].requests).toBeGreaterThan(0);
    if (handler.failureMode === 'open') {
      expect(outcome).toEqual({ answer: asSent });
    } else {
      expect('error' in outcome && outcome.error.name).toBe('TriggerFailure');
      expect('error' in outcome && outcome.error.message).toBe(GENERIC_FAILURE_MESSAGE);
    }
    // The failure was noticed, not swallowed in silence.
    expect(output.records().some((record) => record.level === 'ERROR' || record.level === 'WARN')).toBe(true);

    standIns[c.service].behaviour = 'healthy';
    await c.fn.kept?.(user, c.service, c.fault);
  },
  30_000,
);
