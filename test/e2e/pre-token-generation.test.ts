/**
 * End to end: sign in through the local stack (InitiateAuth USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH
 * against cognito-local, whose tokens the token-generation stand-in completes as Cognito does: groups,
 * IAM roles, and the built PreTokenGeneration handler's whole V1 answer); the tokens' signatures are
 * verified against the local pool's JWKS, and their claims are checked. Entitlements are set with
 * `npm run entitlements`, as an administrator would.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminRemoveUserFromGroupCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { DEMO_ENTITLEMENTS, DEMO_USER, DEMO_USER_SUB, dynamoDbClientFor } from '../../local-cloud/index.ts';
import { entitlementStore } from '../../shared/stores/entitlements.ts';
import { cognito, stack, tableName, uniqueEmail } from '../helpers/stack.ts';
import { STACK_FILE_VARIABLE } from '../setup/stack-file.ts';

const { userPoolId, clientId } = stack.cognito;
const idp = cognito();
const dynamoDb = dynamoDbClientFor(stack.dynamodb.endpoint);
const db = DynamoDBDocumentClient.from(dynamoDb);
const store = entitlementStore(tableName('entitlements'), () => db);
const jwks = createRemoteJWKSet(new URL(`${stack.cognito.endpoint}/${userPoolId}/.well-known/jwks.json`));
const PASSWORD = 'Correct-Horse-Battery-9';

afterAll(() => {
  idp.destroy();
  db.destroy();
  dynamoDb.destroy();
});

async function signIn(username: string, password: string) {
  const { AuthenticationResult } = await idp.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  if (!AuthenticationResult?.IdToken || !AuthenticationResult.AccessToken) throw new Error('no tokens');
  return AuthenticationResult as { IdToken: string; AccessToken: string };
}

/** The ID token's claims, after its signature was verified against the pool's JWKS. */
async function verifiedIdToken(token: string): Promise<JWTPayload> {
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { audience: clientId, algorithms: ['RS256'] });
  expect(protectedHeader.alg).toBe('RS256');
  expect(String(payload.iss)).toMatch(new RegExp(`/${userPoolId}$`, 'u'));
  return payload;
}

async function createUser(attributes: Record<string, string> = {}) {
  const email = uniqueEmail('pretoken');
  const sub = randomUUID();
  await idp.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: Object.entries({ email, email_verified: 'true', sub, ...attributes }).map(([Name, Value]) => ({
        Name,
        Value,
      })),
    }),
  );
  await idp.send(
    new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: email, Password: PASSWORD, Permanent: true }),
  );
  return { email, sub };
}

describe('pre token generation through cognito-local', () => {
  it("puts the demo user's entitlements into a validly signed ID token", async () => {
    const { IdToken } = await signIn(DEMO_USER.email, DEMO_USER.password);
    const claims = await verifiedIdToken(IdToken);
    const { user } = DEMO_ENTITLEMENTS;
    expect(claims).toMatchObject({ sub: DEMO_USER_SUB, email: DEMO_USER.email, tenant: user.tenant });
    // V1 carries strings only: lists arrive as their JSON text.
    expect(JSON.parse(String(claims.roles))).toEqual(user.roles);
    expect(JSON.parse(String(claims.permissions))).toEqual(user.permissions);
  });

  it('rejects a token whose claims were changed after signing', async () => {
    const { IdToken } = await signIn(DEMO_USER.email, DEMO_USER.password);
    const [header, body, signature] = IdToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: '["admin"]' })).toString('base64url');
    await expect(verifiedIdToken(`${header}.${forged}.${signature}`)).rejects.toThrow(/signature/u);
  });

  it('gives a user nothing for attributes they can write, however they are named', async () => {
    const user = await createUser({ 'custom:tenant': 'someone-elses-tenant', 'custom:plan': '["admin"]' });
    const { IdToken, AccessToken } = await signIn(user.email, PASSWORD);
    // The user now sets their own attribute, as UpdateUserAttributes allows.
    await idp.send(
      new UpdateUserAttributesCommand({
        AccessToken,
        UserAttributes: [{ Name: 'custom:tenant', Value: 'admin' }],
      }),
    );
    for (const token of [IdToken, (await signIn(user.email, PASSWORD)).IdToken]) {
      const claims = await verifiedIdToken(token);
      expect(claims.sub).toBe(user.sub);
      expect(claims).not.toHaveProperty('tenant');
      expect(claims).not.toHaveProperty('roles');
      expect(claims).not.toHaveProperty('permissions');
    }
  });

  it('takes the tenant from the store, not from the attribute, and leaves reserved claims alone', async () => {
    const user = await createUser({ 'custom:tenant': 'attribute-tenant' });
    await store.put(
      { kind: 'sub', id: user.sub },
      { tenant: 'store-tenant', roles: ['auditor'], claims: { sub: 'someone-else', email_verified: false, level: 2 } },
    );
    const claims = await verifiedIdToken((await signIn(user.email, PASSWORD)).IdToken);
    expect(claims).toMatchObject({ sub: user.sub, email: user.email, tenant: 'store-tenant', level: '2' });
    expect(JSON.parse(String(claims.roles))).toEqual(['auditor']);
  });
});

describe('groups and IAM roles in the ID token (identity pools: "Choose role from token")', () => {
  const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
  const POOL_GROUP = 'demo-pool-readers';
  /**
   * `npm run entitlements`, as an administrator runs it. Asynchronously: a test process blocked for the
   * seconds the command takes would find its kept-alive sockets closed under it (socket hang up).
   */
  const entitlements = (...args: string[]) =>
    new Promise<{ status: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          '--no-warnings',
          '--import',
          'tsx',
          join(process.cwd(), 'scripts', 'entitlements.ts'),
          ...args,
          '--stack-file',
          String(process.env[STACK_FILE_VARIABLE]),
        ],
        { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });
  const setDemo = async (...args: string[]) => {
    const run = await entitlements('set', '--sub', DEMO_USER_SUB, ...args);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  };
  const accessClaims = async (token: string) => (await jwtVerify(token, jwks, { algorithms: ['RS256'] })).payload;

  beforeAll(async () => {
    // A pool group with a role, as an administrator maps groups to least-privilege roles.
    await idp.send(
      new CreateGroupCommand({
        UserPoolId: userPoolId,
        GroupName: POOL_GROUP,
        RoleArn: ROLE('pool-reader'),
        Precedence: 1,
      }),
    );
    await idp.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: DEMO_USER.email, GroupName: POOL_GROUP }),
    );
  });

  afterAll(async () => {
    await store.put({ kind: 'sub', id: DEMO_USER_SUB }, DEMO_ENTITLEMENTS.user);
    await idp.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: DEMO_USER.email, GroupName: POOL_GROUP }),
    );
    await idp.send(new DeleteGroupCommand({ UserPoolId: userPoolId, GroupName: POOL_GROUP }));
  });

  it("carries the pool group's roles, as Cognito writes them, when no entitlement names any", async () => {
    const { IdToken, AccessToken } = await signIn(DEMO_USER.email, DEMO_USER.password);
    expect(await verifiedIdToken(IdToken)).toMatchObject({
      'cognito:groups': [POOL_GROUP],
      'cognito:roles': [ROLE('pool-reader')],
      'cognito:preferred_role': ROLE('pool-reader'),
    });
    expect((await accessClaims(AccessToken))['cognito:groups']).toEqual([POOL_GROUP]);
  });

  it("keeps the pool group's roles when the entitlement sets only groups", async () => {
    await setDemo('--groups', 'demo-auditors', '--clear', 'iamRoles', '--clear', 'preferredRole');
    const { IdToken, AccessToken } = await signIn(DEMO_USER.email, DEMO_USER.password);
    const claims = await verifiedIdToken(IdToken);
    expect(claims).toMatchObject({
      'cognito:groups': ['demo-auditors'],
      'cognito:roles': [ROLE('pool-reader')],
      'cognito:preferred_role': ROLE('pool-reader'),
      tenant: DEMO_ENTITLEMENTS.user.tenant,
    });
    // Cognito's groups override reaches the access token too.
    expect((await accessClaims(AccessToken))['cognito:groups']).toEqual(['demo-auditors']);
  });

  it('carries the groups, roles and preferred role the entitlement sets, at sign-in and at refresh', async () => {
    await setDemo('--groups', 'demo-auditors', '--iam-roles', `${ROLE('orders-reader')},${ROLE('orders-writer')}`);
    await setDemo('--preferred-role', ROLE('orders-writer'));
    const expected = {
      'cognito:groups': ['demo-auditors'],
      'cognito:roles': [ROLE('orders-reader'), ROLE('orders-writer')],
      'cognito:preferred_role': ROLE('orders-writer'),
    };
    const { AuthenticationResult } = await idp.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: DEMO_USER.email, PASSWORD: DEMO_USER.password },
      }),
    );
    expect(await verifiedIdToken(AuthenticationResult?.IdToken ?? '')).toMatchObject(expected);
    const refreshed = await idp.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: AuthenticationResult?.RefreshToken ?? '' },
      }),
    );
    expect(await verifiedIdToken(refreshed.AuthenticationResult?.IdToken ?? '')).toMatchObject(expected);
  });

  it('refuses what is no IAM role, a preferred role outside the roles, and roles for an app client', async () => {
    const notArn = await entitlements('set', '--sub', DEMO_USER_SUB, '--iam-roles', 'admin');
    expect(notArn.status).not.toBe(0);
    expect(notArn.stderr).toMatch(/not IAM role ARNs/u);
    const outside = await entitlements('set', '--sub', DEMO_USER_SUB, '--preferred-role', ROLE('elsewhere'));
    expect(outside.status).not.toBe(0);
    expect(outside.stderr).toMatch(/one of the IAM roles/u);
    const client = await entitlements('set', '--client', 'some-client', '--iam-roles', ROLE('svc'));
    expect(client.status).not.toBe(0);
    expect(client.stderr).toMatch(/only with --sub or --group/u);
  });
});
