/**
 * Demo data for the local stack and local invoke: a native user to sign in with, profiles that the
 * sample events in events/ refer to (the sample user, and a blocked one), and a legacy user to migrate.
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SAMPLE } from '../shared/events/index.ts';
import { normaliseEmail, normaliseUsername, type LegacyUserItem } from '../shared/stores/legacy-user.ts';
import { legacyUserStore } from '../shared/stores/legacy-users.ts';
import { entitlementStore, type EntitlementStore, type Entitlements } from '../shared/stores/entitlements.ts';
import { dynamoDbClientFor } from './dynamodb.ts';

export const DEMO_USER = { email: 'demo.user@example.com', password: 'Demo-Password-42', givenName: 'Demo' } as const;
/**
 * The demo user's sub. Cognito chooses subs itself; cognito-local takes one given to AdminCreateUser,
 * which lets the demo entitlements below be seeded before the user exists.
 */
export const DEMO_USER_SUB = 'de300000-0000-4000-8000-00000000d3e0';

/** What pre token generation puts into the demo user's tokens (docs/pre-token-generation.md). */
export const DEMO_ENTITLEMENTS: {
  user: Entitlements;
  group: { name: string; entitlements: Entitlements };
  client: Entitlements;
} = {
  user: {
    tenant: 'demo-tenant',
    roles: ['editor'],
    permissions: ['orders:read', 'orders:write'],
    scopes: ['orders/write'],
  },
  /** The group of the sample events (events/pre-token-generation): its members may read orders. */
  group: { name: 'readers', entitlements: { roles: ['reader'], scopes: ['orders/read'] } },
  /** The app client of the sample client-credentials event: a machine client that reads orders. */
  client: { tenant: 'demo-tenant', roles: ['service'], scopes: ['orders/read'] },
};

export const BLOCKED_SUB = '0b10c4ed-0000-4000-8000-000000000000';

/**
 * A user of the legacy directory, not yet in any pool: the user of the migrate-user sample events
 * (events/migrate-user, user name = the sample e-mail), whose old password is `password`.
 * The hash is bcrypt cost 10 of that password, as a legacy system stored it.
 */
export const DEMO_LEGACY_USER = {
  username: 'jane.doe',
  email: SAMPLE.email,
  password: 'Correct-Horse-42',
  passwordHash: '$2a$10$f5fMeYtRVTCTNnXvUI4wnO0.B6HeuBIHQU3rps2Xk8VKuWK5VN8iy',
} as const;

export function demoLegacyUserItem(): LegacyUserItem {
  return {
    username: normaliseUsername(DEMO_LEGACY_USER.username),
    usernameAsGiven: DEMO_LEGACY_USER.username,
    email: normaliseEmail(DEMO_LEGACY_USER.email),
    attributes: {
      email: DEMO_LEGACY_USER.email,
      email_verified: 'true',
      phone_number: SAMPLE.phoneNumber,
      phone_number_verified: 'false',
      given_name: SAMPLE.givenName,
      family_name: SAMPLE.familyName,
      locale: SAMPLE.locale,
    },
    passwordHash: DEMO_LEGACY_USER.passwordHash,
    mfaEnabled: false,
    importedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Profiles: the user of the sample events, and a blocked account. */
export async function seedTables(endpoint: string, tables: Record<string, string>): Promise<void> {
  const client = DynamoDBDocumentClient.from(dynamoDbClientFor(endpoint));
  const createdAt = '2026-01-01T00:00:00.000Z';
  const profiles = [
    {
      sub: SAMPLE.sub,
      userPoolId: SAMPLE.userPoolId,
      clientId: SAMPLE.clientId,
      attributes: {
        email: SAMPLE.email,
        email_verified: 'true',
        given_name: SAMPLE.givenName,
        family_name: SAMPLE.familyName,
        locale: SAMPLE.locale,
      },
      createdAt,
    },
    {
      sub: BLOCKED_SUB,
      userPoolId: SAMPLE.userPoolId,
      clientId: SAMPLE.clientId,
      attributes: { email: 'blocked.user@example.com', email_verified: 'true', given_name: 'Blocked' },
      createdAt,
      blocked: true,
    },
  ];
  for (const profile of profiles) await client.send(new PutCommand({ TableName: tables.profiles, Item: profile }));
  if (tables.legacyUsers) await legacyUserStore(tables.legacyUsers, () => client).putAll([demoLegacyUserItem()]);
  if (tables.entitlements) await seedEntitlements(entitlementStore(tables.entitlements, () => client));
}

/** The demo user's entitlements (and the sample events' user's, so that `npm run invoke` shows them). */
export async function seedEntitlements(store: EntitlementStore): Promise<void> {
  const { user, group, client } = DEMO_ENTITLEMENTS;
  await store.put({ kind: 'sub', id: DEMO_USER_SUB }, user);
  await store.put({ kind: 'sub', id: SAMPLE.sub }, user);
  await store.put({ kind: 'group', id: group.name }, group.entitlements);
  await store.put({ kind: 'client', id: SAMPLE.clientId }, client);
}

/** A confirmed native user with a verified e-mail, to sign in with or to link a federated identity to. */
export async function seedUserPool(client: CognitoIdentityProviderClient, userPoolId: string): Promise<void> {
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: DEMO_USER.email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: DEMO_USER.email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'given_name', Value: DEMO_USER.givenName },
        { Name: 'sub', Value: DEMO_USER_SUB },
      ],
    }),
  );
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: DEMO_USER.email,
      Password: DEMO_USER.password,
      Permanent: true,
    }),
  );
}
