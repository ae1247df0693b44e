/**
 * The legacy users store against DynamoDB Local, on the table (and EmailIndex) of infra/tables.yml as the
 * local stack created it.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../shared/aws/dynamodb.ts';
import { normaliseEmail, normaliseUsername, type LegacyUserItem } from '../../../shared/stores/legacy-user.ts';
import { legacyUserStore } from '../../../shared/stores/legacy-users.ts';
import { tableName, useLocalEndpoints } from '../../helpers/stack.ts';

beforeAll(() => {
  useLocalEndpoints();
});

const store = () => legacyUserStore(tableName('legacyUsers'));

function legacyUser(name: string, email?: string): LegacyUserItem {
  return {
    username: normaliseUsername(name),
    usernameAsGiven: name,
    ...(email ? { email: normaliseEmail(email) } : {}),
    attributes: { ...(email ? { email, email_verified: 'true' } : {}), given_name: 'Jane' },
    passwordHash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
    mfaEnabled: false,
    importedAt: '2026-01-01T00:00:00.000Z',
  };
}

async function row(username: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName('legacyUsers'), Key: { username }, ConsistentRead: true }),
  );
  return Item;
}

const unique = (label: string) => `${label}.${randomUUID().slice(0, 8)}`;

describe('legacy users store', () => {
  it('reads a user by the normalised name, whatever the case and spacing typed', async () => {
    const name = unique('Jane.Doe');
    await store().putAll([legacyUser(name)]);
    expect(await store().get(` ${name.toUpperCase()} `)).toMatchObject({ usernameAsGiven: name });
    expect(await store().get(unique('nobody'))).toBeUndefined();
  });

  it('finds a user by e-mail through EmailIndex, only when exactly one row has it', async () => {
    const email = `${unique('jane')}@Example.com`;
    const name = unique('jane');
    await store().putAll([legacyUser(name, email)]);
    expect(await store().findByEmail(email.toUpperCase())).toMatchObject({ usernameAsGiven: name });
    expect(await store().findByEmail(`${unique('none')}@example.com`)).toBeUndefined();

    const shared = `${unique('shared')}@example.com`;
    await store().putAll([legacyUser(unique('a'), shared), legacyUser(unique('b'), shared)]);
    expect(await store().findByEmail(shared)).toBeUndefined();
  });

  it('marks a user migrated once, with a TTL; a retry succeeds and keeps the first mark', async () => {
    const name = unique('migrated');
    await store().putAll([legacyUser(name)]);
    expect(await store().markMigrated(name, '2026-11-30T08:00:00.000Z', 1_900_000_000)).toBe('marked');
    expect(await row(normaliseUsername(name))).toMatchObject({
      migratedAt: '2026-11-30T08:00:00.000Z',
      expiresAt: 1_900_000_000,
    });
    // Cognito retried the trigger: the second mark succeeds without moving the first one.
    expect(await store().markMigrated(name.toUpperCase(), '2026-11-30T08:00:01.000Z', 1_900_000_001)).toBe(
      'already-migrated',
    );
    expect(await row(normaliseUsername(name))).toMatchObject({
      migratedAt: '2026-11-30T08:00:00.000Z',
      expiresAt: 1_900_000_000,
    });
  });

  it('does not create a row when marking a user that is gone', async () => {
    const name = unique('gone');
    expect(await store().markMigrated(name, '2026-11-30T08:00:00.000Z', 1_900_000_000)).toBe('missing');
    expect(await row(normaliseUsername(name))).toBeUndefined();
  });

  it('lets concurrent marks of one user all succeed, with exactly one first mark', async () => {
    const name = unique('race');
    await store().putAll([legacyUser(name)]);
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store().markMigrated(name, `2026-11-30T08:00:0${i}.000Z`, 1_900_000_000 + i)),
    );
    expect(outcomes.filter((outcome) => outcome === 'marked')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'already-migrated')).toHaveLength(4);
  });

  it('writes more than one batch', async () => {
    const names = Array.from({ length: 30 }, () => unique('bulk'));
    await store().putAll(names.map((name) => legacyUser(name)));
    for (const name of [names[0], names[29]]) expect(await store().get(name ?? '')).toBeDefined();
  });
});
