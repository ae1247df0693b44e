/**
 * End to end: sign in through cognito-local (InitiateAuth USER_PASSWORD_AUTH), whose PreTokenGeneration
 * trigger (V1 events, version "0", ID token claims only) calls the built handler; the ID token's
 * signature is verified against the local pool's JWKS, and its claims are checked.
 */
import { randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { DEMO_ENTITLEMENTS, DEMO_USER, DEMO_USER_SUB, dynamoDbClientFor } from '../../scripts/local/index.ts';
import { entitlementStore } from '../../shared/stores/entitlements.ts';
import { cognito, stack, tableName, uniqueEmail } from '../helpers/stack.ts';

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
