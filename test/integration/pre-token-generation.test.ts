/**
 * Pre token generation V1, V2 and V3 with the events Cognito sends, through the stack's Lambda endpoint
 * (the built handler, DynamoDB Local holding the entitlements) and through `npm run invoke`; escalation
 * attempts, oversized entitlements, and a failing store (the handler in process, its DynamoDB behind a
 * stand-in that fails on demand).
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CLIENT_REFUSED_MESSAGE, TOKEN_REFUSED_MESSAGE } from '../../functions/pre-token-generation/handler.ts';
import { DEMO_ENTITLEMENTS, dynamoDbClientFor, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local-cloud/index.ts';
import { USER_TOKEN_SOURCES } from '../../shared/events/triggers/pre-token-generation.ts';
import { buildEvent, checkResponse, SAMPLE, type PreTokenGenerationEvent } from '../../shared/events/index.ts';
import { GENERIC_FAILURE_MESSAGE, lambdaContext, type DeclaredTriggerHandler } from '../../shared/runtime/index.ts';
import { entitlementStore, type Entitlements } from '../../shared/stores/entitlements.ts';
import { pointAt, setEnvironment, startStandIn, type StandIn } from '../helpers/faults.ts';
import { invokeFunction, stack, tableName } from '../helpers/stack.ts';

const ROOT = process.cwd();
const FUNCTION = 'pre-token-generation';
const dynamoDb = dynamoDbClientFor(stack.dynamodb.endpoint);
const db = DynamoDBDocumentClient.from(dynamoDb);
const store = entitlementStore(tableName('entitlements'), () => db);

afterAll(() => {
  db.destroy();
  dynamoDb.destroy();
});

type Version = '1' | '2' | '3';
function event(
  version: Version,
  triggerSource: string,
  overrides: Record<string, unknown> = {},
): PreTokenGenerationEvent {
  return buildEvent('PreTokenGeneration', { version, triggerSource, ...overrides } as never) as PreTokenGenerationEvent;
}

/** A user of their own, with entitlements (or none). */
async function userWith(entitlements?: Entitlements): Promise<string> {
  const sub = randomUUID();
  if (entitlements) await store.put({ kind: 'sub', id: sub }, entitlements);
  return sub;
}

const forUser = (sub: string, attributes: Record<string, string> = {}, groups: string[] = []) => ({
  userName: sub,
  request: { userAttributes: { sub, ...attributes }, groupConfiguration: { groupsToOverride: groups } },
});

async function answerOf(evt: PreTokenGenerationEvent): Promise<PreTokenGenerationEvent> {
  const { payload, functionError } = await invokeFunction(FUNCTION, evt);
  expect(functionError).toBeUndefined();
  const answered = payload as PreTokenGenerationEvent;
  // The answer passes Cognito's rules as the library states them.
  checkResponse('PreTokenGeneration', evt, answered);
  return answered;
}

const { user: demo, group, client } = DEMO_ENTITLEMENTS;

describe('every trigger source through the Lambda endpoint', () => {
  const cases = [
    ...USER_TOKEN_SOURCES.flatMap((source) => (['1', '2', '3'] as const).map((version) => ({ version, source }))),
  ];

  it.each(cases)("V$version $source: the sample user gets their and their groups' entitlements", async (c) => {
    const { response } = await answerOf(event(c.version, c.source));
    const roles = [...(demo.roles ?? []), ...(group.entitlements.roles ?? [])];
    if (c.version === '1') {
      expect(response).toEqual({
        claimsOverrideDetails: {
          claimsToAddOrOverride: {
            tenant: demo.tenant,
            roles: JSON.stringify(roles),
            permissions: JSON.stringify(demo.permissions),
          },
        },
      });
    } else {
      const claims = { tenant: demo.tenant, roles, permissions: demo.permissions };
      expect(response).toEqual({
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: claims },
          accessTokenGeneration: {
            claimsToAddOrOverride: claims,
            scopesToAdd: [...(demo.scopes ?? []), ...(group.entitlements.scopes ?? [])],
          },
        },
      });
    }
  });

  it('V3 client credentials for a client with a row: its claims and scopes, requested scopes it lacks suppressed', async () => {
    const evt = event('3', 'TokenGeneration_ClientCredentials', {
      request: { scopes: ['orders/read', 'orders/admin'] },
    });
    expect(evt.callerContext.clientId).toBe(SAMPLE.clientId);
    const { response } = await answerOf(evt);
    expect(response).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: {
          claimsToAddOrOverride: { tenant: client.tenant, roles: client.roles },
          scopesToAdd: client.scopes,
          scopesToSuppress: ['orders/admin'],
        },
      },
    });
  });

  it('V3 client credentials for a client without a row: the token as Cognito issues it', async () => {
    const evt = event('3', 'TokenGeneration_ClientCredentials', {
      callerContext: { clientId: `noentry${randomUUID().replace(/-/gu, '').slice(0, 19)}` },
    });
    const { response } = await answerOf(evt);
    expect(response).toEqual({});
  });
});

describe('no escalation', () => {
  it('ignores attributes named like roles, groups, scopes and claims, and JSON in their values', async () => {
    const sub = await userWith();
    const attributes = {
      'custom:role': 'admin',
      'custom:roles': '["admin"]',
      'custom:groups': 'admins',
      'custom:scope': 'orders/admin',
      'custom:scopes': '["orders/admin"]',
      'custom:tenant': '{"tenant":"other"}',
      'custom:permissions': 'orders:*',
      'custom:claims': '{"roles":["admin"]}',
    };
    for (const version of ['1', '2', '3'] as const) {
      const { response } = await answerOf(event(version, 'TokenGeneration_Authentication', forUser(sub, attributes)));
      expect(response).toEqual({});
    }
  });

  it('leaves out reserved and identity claim names a row holds, and keeps the rest', async () => {
    const sub = await userWith({
      roles: ['auditor'],
      groups: ['auditors'],
      claims: {
        sub: 'someone-else',
        'cognito:groups': ['admins'],
        'cognito:preferred_role': 'arn:aws:iam::1:role/admin',
        scope: 'orders/admin',
        email: 'ceo@example.com',
        aud: 'another-client',
        department: 'audit',
      },
    });
    const { response } = await answerOf(event('2', 'TokenGeneration_RefreshTokens', forUser(sub, {}, ['readers'])));
    // The row's groups replace the user's: the token carries the auditors' entitlements, not the readers'.
    const claims = { roles: ['auditor'], department: 'audit' };
    expect(response).toEqual({
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: claims },
        accessTokenGeneration: { claimsToAddOrOverride: claims },
        groupOverrideDetails: { groupsToOverride: ['auditors'], iamRolesToOverride: [] },
      },
    });
  });
});

describe('groups and IAM roles: an override replaces the whole group configuration (developer guide)', () => {
  const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
  const withRoles = (sub: string) => ({
    userName: sub,
    request: {
      userAttributes: { sub },
      groupConfiguration: {
        groupsToOverride: ['readers'],
        iamRolesToOverride: [ROLE('pool-reader')],
        preferredRole: ROLE('pool-reader'),
      },
    },
  });
  const detailsOf = (version: Version, response: PreTokenGenerationEvent['response']) =>
    version === '1'
      ? (response as { claimsOverrideDetails?: { groupOverrideDetails?: unknown } }).claimsOverrideDetails
          ?.groupOverrideDetails
      : (response as { claimsAndScopeOverrideDetails?: { groupOverrideDetails?: unknown } })
          .claimsAndScopeOverrideDetails?.groupOverrideDetails;

  it.each(['1', '2', '3'] as const)(
    "V%s: a groups-only row keeps the pool's roles and preferred role",
    async (version) => {
      const sub = await userWith({ groups: ['auditors'] });
      const { response } = await answerOf(event(version, 'TokenGeneration_Authentication', withRoles(sub)));
      expect(detailsOf(version, response)).toEqual({
        groupsToOverride: ['auditors'],
        iamRolesToOverride: [ROLE('pool-reader')],
        preferredRole: ROLE('pool-reader'),
      });
    },
  );

  it.each(['1', '2', '3'] as const)("V%s: a row's IAM roles replace the pool's, its groups stay", async (version) => {
    const sub = await userWith({
      iamRoles: [ROLE('orders-reader'), ROLE('orders-writer')],
      preferredRole: ROLE('orders-reader'),
    });
    const { response } = await answerOf(event(version, 'TokenGeneration_RefreshTokens', withRoles(sub)));
    expect(detailsOf(version, response)).toEqual({
      groupsToOverride: ['readers'],
      iamRolesToOverride: [ROLE('orders-reader'), ROLE('orders-writer')],
      preferredRole: ROLE('orders-reader'),
    });
  });

  it('V3 client credentials: no group override at all', async () => {
    const clientId = `roles-client-${randomUUID()}`;
    await store.put({ kind: 'client', id: clientId }, { tenant: 't', iamRoles: [ROLE('svc')] });
    const { response } = await answerOf(
      event('3', 'TokenGeneration_ClientCredentials', { callerContext: { clientId }, userName: clientId }),
    );
    expect(detailsOf('3', response)).toBeUndefined();
  });
});

describe('the size budget (4 KiB)', () => {
  it('leaves out the largest optional claims to fit', async () => {
    const sub = await userWith({
      tenant: 't',
      permissions: Array.from({ length: 40 }, (_, i) => `orders:permission-${i}`),
      claims: { profile_blob: 'x'.repeat(1500), small: 's' },
    });
    const { response } = await answerOf(event('2', 'TokenGeneration_Authentication', forUser(sub)));
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(4096);
    expect(response).toMatchObject({
      claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { tenant: 't', small: 's' } } },
    });
    expect(JSON.stringify(response)).not.toContain('profile_blob');
  });

  it('refuses the token when the essentials alone do not fit', async () => {
    const sub = await userWith({ roles: Array.from({ length: 200 }, (_, i) => `role-with-a-long-name-${i}`) });
    const { payload, functionError } = await invokeFunction(
      FUNCTION,
      event('2', 'TokenGeneration_Authentication', forUser(sub)),
    );
    expect(functionError).toBe('Unhandled');
    expect(payload).toMatchObject({ errorMessage: TOKEN_REFUSED_MESSAGE });
  });
});

describe('npm run invoke', () => {
  function invoke(file: string) {
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('AWS_ENDPOINT_URL')) delete env[key];
    return spawnSync(
      process.execPath,
      ['--no-warnings', '--import', 'tsx', join(ROOT, 'scripts', 'invoke.ts'), FUNCTION, file],
      {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 90_000,
      },
    );
  }

  it('answers the V3 client-credentials sample with the client row', () => {
    const run = invoke('events/pre-token-generation/TokenGeneration_ClientCredentials.json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      version: '3',
      response: {
        claimsAndScopeOverrideDetails: {
          accessTokenGeneration: { claimsToAddOrOverride: { tenant: client.tenant }, scopesToAdd: client.scopes },
        },
      },
    });
  }, 90_000);
});

describe('npm run entitlements', () => {
  const stackFile = process.env.COGNITO_TRIGGERS_TEST_STACK ?? '';
  // Asynchronously: a test process blocked for the seconds a command takes finds its kept-alive
  // sockets to DynamoDB Local closed under it (socket hang up on the next read).
  const cli = (...args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          '--no-warnings',
          '--import',
          'tsx',
          join(ROOT, 'scripts', 'entitlements.ts'),
          ...args,
          '--stack-file',
          stackFile,
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
        (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('sets, merges, gets and removes a row, and refuses what a token may not carry', async () => {
    const sub = randomUUID();
    const set = await cli(
      'set',
      '--sub',
      sub,
      '--tenant',
      'acme',
      '--roles',
      'a,b',
      '--scopes',
      'orders/read',
      '--claim',
      'level=3',
    );
    expect(set.stderr).toBe('');
    expect(set.status).toBe(0);
    expect((await cli('set', '--sub', sub, '--permissions', 'x', '--claim', 'team=blue')).status).toBe(0);
    expect(await store.get({ kind: 'sub', id: sub })).toEqual({
      tenant: 'acme',
      roles: ['a', 'b'],
      permissions: ['x'],
      scopes: ['orders/read'],
      claims: { level: 3, team: 'blue' },
    });
    expect(JSON.parse((await cli('get', '--sub', sub)).stdout)).toMatchObject({ tenant: 'acme' });

    expect(await cli('set', '--sub', sub, '--claim', 'cognito:groups=["admins"]')).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('may not carry'),
    });
    expect(await cli('set', '--group', 'g', '--scopes', 'two words')).toMatchObject({ status: 1 });
    expect(await cli('get', '--sub', sub, '--group', 'g')).toMatchObject({ status: 1 });

    expect(await cli('remove', '--sub', sub)).toMatchObject({ status: 0, stderr: `removed sub ${sub}\n` });
    expect(await cli('get', '--sub', sub)).toMatchObject({ status: 1, stderr: `no entitlements for sub ${sub}\n` });
  }, 60_000);
});

describe('with settings, and when the store fails (the handler in process)', () => {
  let standIn: StandIn;
  let handler: DeclaredTriggerHandler;
  const restores: Array<() => void> = [];

  beforeAll(async () => {
    standIn = await startStandIn('dynamodb', { target: stack.dynamodb.endpoint });
    restores.push(pointAt('dynamodb', standIn.endpoint));
    restores.push(
      setEnvironment({
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        ENTITLEMENTS_TABLE: tableName('entitlements'),
        // Expired at once: every call reads, so a failure meets the stale path.
        ENTITLEMENTS_CACHE_SECONDS: '0',
        PRETOKEN_TRUSTED_ATTRIBUTES: 'custom:tenant=org',
        PRETOKEN_MANAGED_SCOPE_PREFIXES: 'orders/',
        PRETOKEN_REQUIRE_CLIENT_ENTRY: 'true',
        PRETOKEN_CLAIM_TOKENS: 'access',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      }),
    );
    ({ handler } = (await import('../../functions/pre-token-generation/handler.ts')) as {
      handler: DeclaredTriggerHandler;
    });
  });
  afterAll(async () => {
    for (const restore of restores.reverse()) restore();
    await standIn.stop();
  });

  it('takes a trusted attribute as a string claim, suppresses unentitled managed scopes, claims in the access token only', async () => {
    const sub = await userWith({ scopes: ['orders/read'] });
    const evt = event('2', 'TokenGeneration_HostedAuth', {
      ...forUser(sub, { 'custom:tenant': '["admin"]', 'custom:plan': 'gold' }),
    });
    (evt.request as { scopes?: string[] }).scopes = ['openid', 'orders/admin', 'orders/read'];
    const answered = (await handler(evt, lambdaContext(FUNCTION))) as PreTokenGenerationEvent;
    expect(answered.response).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: {
          claimsToAddOrOverride: { org: '["admin"]' },
          scopesToAdd: ['orders/read'],
          scopesToSuppress: ['orders/admin'],
        },
      },
    });
  });

  it('refuses client credentials for a client without a row when a row is required', async () => {
    const evt = event('3', 'TokenGeneration_ClientCredentials', {
      callerContext: { clientId: `noentry${randomUUID().replace(/-/gu, '').slice(0, 19)}` },
    });
    await expect(handler(evt, lambdaContext(FUNCTION))).rejects.toThrow(CLIENT_REFUSED_MESSAGE);
  });

  it('serves the entitlements read a moment ago, and fails closed for a user it has none for', async () => {
    const sub = await userWith({ tenant: 'cached', roles: ['r'] });
    const evt = () => event('2', 'TokenGeneration_RefreshTokens', forUser(sub));
    const healthy = (await handler(evt(), lambdaContext(FUNCTION))) as PreTokenGenerationEvent;
    expect(healthy.response).toMatchObject({
      claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: { tenant: 'cached' } } },
    });

    standIn.behaviour = 'server-error';
    standIn.requests = 0;
    const served = (await handler(evt(), lambdaContext(FUNCTION))) as PreTokenGenerationEvent;
    expect(standIn.requests).toBeGreaterThan(0);
    expect(served.response).toEqual(healthy.response);

    const stranger = event('2', 'TokenGeneration_RefreshTokens', forUser(randomUUID()));
    await expect(handler(stranger, lambdaContext(FUNCTION))).rejects.toThrow(GENERIC_FAILURE_MESSAGE);
    standIn.behaviour = 'healthy';
  });
});
