/**
 * migrate-user's breached-password check against a Pwned Passwords API that fails: hangs, resets the
 * connection, answers 500, throttles (429) or answers what is no range answer. The check is an addition,
 * not a gate: the migration goes on as without it (CONFIRMED for a password that meets the policy),
 * within the budget, and the metric BreachCheckUnavailable says so. Healthy, the same password is known
 * breached and migrates the user as RESET_REQUIRED (the developer guide, "Checking for compromised
 * credentials": blocking "sets the user's UserStatus to RESET_REQUIRED").
 *
 * The handler runs in this process (functions/migrate-user/handler.ts) with its own stand-in API: a
 * fault stand-in (test/helpers/faults.ts) in front of the local Pwned Passwords stand-in
 * (local-cloud/password-range.ts), which records every request. DynamoDB is the test stack's.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { bcrypt } from 'hash-wasm';
import { buildEvent } from '../../shared/events/index.ts';
import { lambdaContext, type DeclaredTriggerHandler } from '../../shared/runtime/index.ts';
import { normaliseEmail, normaliseUsername } from '../../shared/stores/legacy-user.ts';
import { legacyUserStore } from '../../shared/stores/legacy-users.ts';
import { rangeQuery } from '../../shared/passwords/breached.ts';
import {
  LOCAL_BREACHED_PASSWORDS,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startPasswordRange,
  tableEnvironment,
  type LocalPasswordRange,
} from '../../local-cloud/index.ts';
import { captureOutput, type CapturedOutput } from '../helpers/capture-output.ts';
import { FAULTS, setEnvironment, startStandIn, type Behaviour, type StandIn } from '../helpers/faults.ts';
import { stack, tableName } from '../helpers/stack.ts';

/** Known breached to the stand-in, and meets a default pool policy: only the check can make it RESET_REQUIRED. */
const BREACHED = 'Passw0rd!';
/** Short, yet a healthy answer on a loaded 2-core machine (the first fetch also loads Node's HTTP client) comes in time. */
const TIMEOUT_MS = 1_000;

let range: LocalPasswordRange;
let api: StandIn;
let handler: DeclaredTriggerHandler;
let output: CapturedOutput;
const restores: Array<() => void> = [];

beforeAll(async () => {
  expect(LOCAL_BREACHED_PASSWORDS[BREACHED]).toBeGreaterThan(0);
  range = await startPasswordRange();
  api = await startStandIn('http', { target: range.endpoint });
  restores.push(
    setEnvironment({
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamodb.endpoint,
      ...tableEnvironment(stack.tables),
      POWERTOOLS_LOG_LEVEL: 'INFO',
      MIGRATION_BREACHED_PASSWORD_CHECK: 'true',
      MIGRATION_BREACHED_PASSWORD_URL: api.endpoint,
      MIGRATION_BREACHED_PASSWORD_TIMEOUT_MS: String(TIMEOUT_MS),
    }),
  );
  // Environment first: the handler reads its configuration once.
  handler = ((await import('../../functions/migrate-user/handler.ts')) as { handler: DeclaredTriggerHandler }).handler;
});

afterAll(async () => {
  for (const restore of restores.reverse()) restore();
  await api.stop();
  await range.stop();
});

beforeEach(() => {
  output = captureOutput();
  api.behaviour = 'healthy';
  api.requests = 0;
  range.requests.length = 0;
});
afterEach(() => output.restore());

/** A legacy user of its own whose password is `password` (bcrypt cost 4: the check is tested, not hashing). */
async function legacyUser(password: string): Promise<string> {
  const email = `breach.${randomUUID().slice(0, 8)}@example.com`;
  await legacyUserStore(tableName('legacyUsers')).putAll([
    {
      username: normaliseUsername(`legacy-${email}`),
      usernameAsGiven: `Legacy-${email}`,
      email: normaliseEmail(email),
      attributes: { email, email_verified: 'true' },
      passwordHash: await bcrypt({ password, salt: randomBytes(16), costFactor: 4, outputType: 'encoded' }),
      mfaEnabled: false,
      importedAt: '2026-01-01T00:00:00.000Z',
    },
  ]);
  return email;
}

const signIn = (userName: string, password: string) =>
  buildEvent('UserMigration', {
    triggerSource: 'UserMigration_Authentication',
    userName,
    request: { password, validationData: null },
  });

const run = (event: unknown) =>
  handler(event, lambdaContext('migrate-user', 6_000)) as Promise<{ response: Record<string, unknown> }>;

/** The names of the metrics the captured EMF records carry. */
const metricNames = () =>
  output
    .records()
    .flatMap(
      (record) =>
        (record._aws as { CloudWatchMetrics?: Array<{ Metrics: Array<{ Name: string }> }> })?.CloudWatchMetrics ?? [],
    )
    .flatMap((directive) => directive.Metrics.map((metric) => metric.Name));

it('healthy: a breached password migrates the user RESET_REQUIRED, and only the prefix was sent', async () => {
  const email = await legacyUser(BREACHED);
  const answer = await run(signIn(email, BREACHED));
  expect(answer.response).toMatchObject({ finalUserStatus: 'RESET_REQUIRED', messageAction: 'SUPPRESS' });
  expect(metricNames()).toEqual(expect.arrayContaining(['BreachedPasswordMigrated', 'MigratedResetRequired']));
  expect(range.requests.map((request) => request.url)).toEqual([`/range/${rangeQuery(BREACHED).prefix}`]);
  expect(output.text()).not.toContain(BREACHED);
});

const faults: Array<Exclude<Behaviour, 'healthy'> | 'malformed'> = [...FAULTS, 'malformed'];

it.each(faults)(
  '%s: the migration goes on as without the check (CONFIRMED), counted as BreachCheckUnavailable',
  async (fault) => {
    const email = await legacyUser(BREACHED);
    // Malformed: a 200 that is no range answer (a captive portal's page, a proxy's error).
    if (fault === 'malformed') range.replaceAnswer = '<html><body>Welcome</body></html>';
    else api.behaviour = fault;
    try {
      const started = Date.now();
      const answer = await run(signIn(email, BREACHED));
      expect(answer.response).toMatchObject({ finalUserStatus: 'CONFIRMED', messageAction: 'SUPPRESS' });
      // A hang costs the check's timeout, far inside Cognito's 5 s.
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(api.requests).toBeGreaterThan(0);
      expect(metricNames()).toContain('BreachCheckUnavailable');
      expect(metricNames()).not.toContain('BreachedPasswordMigrated');
      expect(output.records().some((record) => record.level === 'WARN')).toBe(true);
    } finally {
      range.replaceAnswer = undefined;
    }
  },
);

it('never asks for a wrong password, nor for an unknown user', async () => {
  const email = await legacyUser(BREACHED);
  await expect(run(signIn(email, 'Wrong-Password-42'))).rejects.toThrow('Incorrect username or password');
  await expect(run(signIn(`nobody.${randomUUID()}@example.com`, BREACHED))).rejects.toThrow(
    'Incorrect username or password',
  );
  expect(api.requests).toBe(0);
  expect(range.requests).toEqual([]);
});

it('never asks on the forgot-password path, which carries no password', async () => {
  const email = await legacyUser(BREACHED);
  const answer = await run(
    buildEvent('UserMigration', {
      triggerSource: 'UserMigration_ForgotPassword',
      userName: email,
      request: { validationData: null },
    }),
  );
  expect(answer.response).toMatchObject({ userAttributes: { email, email_verified: 'true' }, finalUserStatus: null });
  expect(api.requests).toBe(0);
});
