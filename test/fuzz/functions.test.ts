/**
 * The fuzz harness inside npm test: a few hundred events per function (npm run fuzz runs 10,000), and
 * the harness's own properties shown to catch what they claim to catch.
 */
import { functionNames } from '../../scripts/build.ts';
import { buildEvent, TRIGGERS } from '../../shared/events/index.ts';
import { cognitoTrigger, lambdaContext, type DeclaredTriggerHandler } from '../../shared/runtime/index.ts';
import { captureOutput } from '../helpers/capture-output.ts';
import { seedLegacyDirectory } from './legacy-directory.ts';
import {
  buildCase,
  checkCase,
  fuzzFunction,
  loadHandler,
  startFuzzEnvironment,
  type FuzzCase,
  type FuzzEnvironment,
} from './harness.ts';

const RUNS = 300;

let environment: FuzzEnvironment;
const handlers: Record<string, DeclaredTriggerHandler> = {};

beforeAll(async () => {
  environment = await startFuzzEnvironment();
  for (const name of functionNames()) handlers[name] = await loadHandler(name);
});
afterAll(() => environment.stop());

it.each(functionNames())(
  `%s: ${RUNS} fuzzed events, every outcome checked, no secret logged`,
  async (name) => {
    const handler = handlers[name];
    if (!handler) throw new Error(`no handler for ${name}`);
    const figures = await fuzzFunction(name, handler, environment, { runs: RUNS });
    expect(figures.failure).toBeUndefined();
    expect(figures.events).toBe(RUNS);
    // Both kinds of event were met: ones the function checks and decides, ones it cannot check.
    expect(figures.invalid).toBeGreaterThan(0);
    expect(figures.invalid).toBeLessThan(RUNS);
  },
  180_000,
);

describe('migrate-user in the fuzz world', () => {
  // Salt 1: a user found by name, the event's own password, a verified address, a fresh attempts row.
  const signIn = () =>
    buildEvent('UserMigration', {
      triggerSource: 'UserMigration_Authentication',
      userName: 'fuzz.world@example.com',
      request: { password: 'S3cr3t-world-pass', validationData: null },
    });

  it('migrates a user the directory holds, and answers a fresh response whatever the event carried', async () => {
    const event = signIn();
    // Found by the fuzzer: a response field the event arrived with (Cognito sends null) was answered back.
    Object.assign(event.response, { desiredDeliveryMediums: '', forceAliasCreation: 'yes' });
    const seeded = await seedLegacyDirectory(environment.world.dynamodb, environment.world.tables, event, 1);
    expect(seeded.state).toBe('right-password');
    const answer = (await handlers['migrate-user']!(event, lambdaContext('migrate-user'))) as typeof event;
    expect(answer.response).toEqual({
      userAttributes: expect.objectContaining({ email: 'fuzz.world@example.com', email_verified: 'true' }),
      finalUserStatus: 'CONFIRMED',
      messageAction: 'SUPPRESS',
      desiredDeliveryMediums: null,
      forceAliasCreation: null,
      enableSMSMFA: null,
    });
  });

  it('refuses the same sign-in with another password, after verifying the hash', async () => {
    const event = signIn();
    await seedLegacyDirectory(environment.world.dynamodb, environment.world.tables, event, 2);
    await expect(handlers['migrate-user']!(event, lambdaContext('migrate-user'))).rejects.toThrow(
      'Incorrect username or password',
    );
  });
});

describe('custom-email-sender in the fuzz world', () => {
  // The fake pool (fake-aws.ts) holds users whose names have an even length, and no others.
  const notice = (userName: string) =>
    buildEvent('CustomEmailSender', { triggerSource: 'CustomEmailSender_AccountTakeOverNotification', userName });

  it.each([
    ['a user the pool holds', 'even-user-01', 'sent'],
    ['a user it no longer holds', 'odd-user-01', 'user-not-found'],
  ])('sends the account-takeover notice to %s as the pool answers (%s: %s)', async (_label, userName, outcome) => {
    const output = captureOutput();
    try {
      await expect(
        handlers['custom-email-sender']!(notice(userName), lambdaContext('custom-email-sender')),
      ).resolves.toBeDefined();
    } finally {
      output.restore();
    }
    expect(output.records()).toContainEqual(
      expect.objectContaining({ source: 'CustomEmailSender_AccountTakeOverNotification', outcome }),
    );
  });
});

describe('the harness catches', () => {
  const intact = (overrides: Partial<FuzzCase> = {}): FuzzCase => ({
    kind: { trigger: 'PostAuthentication', triggerSource: 'PostAuthentication_Authentication', version: '1' },
    salt: 12345,
    emailUserName: false,
    mutations: [],
    fault: null,
    ...overrides,
  });

  it('plants recognisable secrets in every personal field of the event', () => {
    const { json, secrets } = buildCase(intact({ emailUserName: true }));
    const event = JSON.parse(json) as ReturnType<typeof buildEvent<'PostAuthentication'>>;
    for (const name of ['email', 'phone_number', 'given_name', 'family_name'])
      expect(secrets).toContain(event.request.userAttributes[name]);
    expect(secrets).toContain(event.userName);
  });

  it('a name logged in free text', async () => {
    const careless = cognitoTrigger(
      TRIGGERS.PostAuthentication,
      (event, { log }) => {
        log.info(`welcome back, ${event.request.userAttributes.given_name}`);
        return event;
      },
      { failureMode: 'open' },
    );
    await expect(checkCase(careless, 'careless', environment.standIns, intact())).rejects.toThrow(
      'a secret of the event is in the logs',
    );
  });

  it("a legacy user's password hash printed (migration: the directory's hashes are secrets of the case)", async () => {
    const careless = cognitoTrigger(
      TRIGGERS.UserMigration,
      async (event) => {
        const { legacyUserStore } = await import('../../shared/stores/legacy-users.ts');
        const user = await legacyUserStore(process.env.LEGACY_USERS_TABLE ?? '').get(event.userName);
        // Past the logger's redaction, as a stray print would be (process.stdout: jest's console may not be).
        process.stdout.write(`checking against ${user?.passwordHash?.slice(7)}\n`);
        throw new (await import('../../shared/runtime/index.ts')).UserFacingError('Incorrect username or password');
      },
      { failureMode: 'closed' },
    );
    const migration = intact({
      kind: { trigger: 'UserMigration', triggerSource: 'UserMigration_Authentication', version: '1' },
      salt: 1,
    });
    await expect(checkCase(careless, 'careless', environment.standIns, migration, environment.world)).rejects.toThrow(
      'a secret of the event is in the logs',
    );
  });

  it('a refusal that shows a secret to the user', async () => {
    const careless = cognitoTrigger(
      TRIGGERS.PostAuthentication,
      async (event) => {
        const { UserFacingError } = await import('../../shared/runtime/index.ts');
        throw new UserFacingError(`no entry for ${event.request.userAttributes.family_name}`);
      },
      { failureMode: 'closed' },
    );
    await expect(checkCase(careless, 'careless', environment.standIns, intact())).rejects.toThrow(
      'a refusal shows a secret',
    );
  });

  it('an untyped failure, from a handler that is not wrapped', async () => {
    const raw = Object.assign(
      async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'email')");
      },
      { trigger: 'PostAuthentication' as const, failureMode: 'closed' as const },
    );
    await expect(checkCase(raw, 'raw', environment.standIns, intact())).rejects.toThrow('an untyped failure');
  });

  it('an answer that breaks the response rules', async () => {
    const wrong = Object.assign(async (event: unknown) => ({ ...(event as object), response: 'yes' }), {
      trigger: 'PostAuthentication' as const,
      failureMode: 'closed' as const,
    });
    await expect(checkCase(wrong, 'wrong', environment.standIns, intact())).rejects.toThrow('response rules');
  });

  it('a fail-open function that fails closed on an event it cannot check', async () => {
    const closedOnParse = Object.assign(
      async () => {
        const { TriggerFailure } = await import('../../shared/runtime/index.ts');
        throw new TriggerFailure();
      },
      { trigger: 'PostAuthentication' as const, failureMode: 'open' as const },
    );
    const nullFlag = intact({ mutations: [{ op: 'add', pick: 0, key: 'newDeviceUsed', value: 'yes' }] });
    await expect(checkCase(closedOnParse, 'closed-on-parse', environment.standIns, nullFlag)).rejects.toThrow(
      'failed closed',
    );
  });

  it('an intact event with healthy services that ends in the generic failure', async () => {
    const broken = cognitoTrigger(
      TRIGGERS.PostAuthentication,
      () => {
        throw new Error('bug');
      },
      { failureMode: 'closed' },
    );
    await expect(checkCase(broken, 'broken', environment.standIns, intact())).rejects.toThrow('an intact event');
  });
});
