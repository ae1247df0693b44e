/**
 * A migrated user's hash never comes back, against DynamoDB Local on the legacy directory of
 * infra/tables.yml. The developer guide ("Import users with a user migration Lambda trigger") moves a
 * user into the pool at their first sign-in; from then on the pool holds the password and the legacy
 * row only waits for its TTL. Neither a re-import of an old export (also after that TTL removed the
 * row) nor the state machine's final step may put the hash back or drop the migration's record.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriter, importDocumentClient } from '../../../shared/import/directory.ts';
import { deleteDirectoryItems } from '../../../shared/import/s3-finish.ts';
import { migratedMarkerKey, normaliseUsername, type LegacyUserItem } from '../../../shared/stores/legacy-user.ts';
import { legacyUserStore } from '../../../shared/stores/legacy-users.ts';
import { tableName, useLocalEndpoints } from '../../helpers/stack.ts';

let client: ReturnType<typeof importDocumentClient> | undefined;
beforeAll(() => {
  useLocalEndpoints();
});
afterAll(() => client?.destroy());

const table = () => tableName('legacyUsers');
const db = () => (client ??= importDocumentClient());
const HASH = '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';

function exported(name: string): LegacyUserItem {
  return {
    username: normaliseUsername(name),
    usernameAsGiven: name,
    attributes: { given_name: 'Jane' },
    passwordHash: HASH,
    mfaEnabled: false,
    importedAt: '2026-01-01T00:00:00.000Z',
  };
}

async function row(username: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { username }, ConsistentRead: true }));
  return Item;
}

/** What DynamoDB's TTL does once `expiresAt` has passed: the whole row goes, `migratedAt` with it. */
const expire = (username: string) => db().send(new DeleteCommand({ TableName: table(), Key: { username } }));

const unique = (label: string) => `${label}.${randomUUID().slice(0, 8)}`;

describe('the migrated marker', () => {
  it('is written when a user migrates: the key and the first time, no hash, no attributes, no TTL', async () => {
    const name = unique('Marked.User');
    const store = legacyUserStore(table(), db);
    await store.putAll([exported(name)]);
    expect(await store.markMigrated(name, '2026-11-30T08:00:00.000Z', 1_900_000_000)).toBe('marked');
    // Cognito may call the trigger again for the same sign-in: the first time stays.
    expect(await store.markMigrated(name, '2026-11-30T08:00:05.000Z', 1_900_000_005)).toBe('already-migrated');
    expect(await row(migratedMarkerKey(name))).toEqual({
      username: `MIGRATED#${normaliseUsername(name)}`,
      migratedAt: '2026-11-30T08:00:00.000Z',
    });
    // No lookup finds it: a typed name is normalised to lower case, the marker's prefix is upper case.
    expect(await store.get(`MIGRATED#${name}`)).toBeUndefined();
  });

  it('keeps a re-import from writing a migrated user whose row the TTL has removed', async () => {
    const name = unique('Expired.User');
    const store = legacyUserStore(table(), db);
    await store.putAll([exported(name)]);
    await store.markMigrated(name, '2026-11-30T08:00:00.000Z', 1_900_000_000);
    await expire(normaliseUsername(name));

    const other = unique('never.migrated');
    const result = await batchWriter({ client: db(), table: table() }).write([exported(name), exported(other)]);
    expect(result).toEqual({ written: 1, alreadyMigrated: [normaliseUsername(name)] });
    expect(await row(normaliseUsername(name))).toBeUndefined();
    expect(await row(normaliseUsername(other))).toMatchObject({ passwordHash: HASH });
  });

  it('keeps a re-import from replacing the row of a user migrated but not yet expired', async () => {
    const name = unique('Migrated.User');
    const store = legacyUserStore(table(), db);
    await store.putAll([exported(name)]);
    await store.markMigrated(name, '2026-11-30T08:00:00.000Z', 1_900_000_000);
    const result = await batchWriter({ client: db(), table: table() }).write([exported(name)]);
    expect(result.alreadyMigrated).toEqual([normaliseUsername(name)]);
    expect(await row(normaliseUsername(name))).toMatchObject({
      migratedAt: '2026-11-30T08:00:00.000Z',
      expiresAt: 1_900_000_000,
    });
  });
});

describe("the final step's deletes", () => {
  it('delete the item of a rejected row, but never the row of a user who has migrated meanwhile', async () => {
    const rejected = unique('rejected.row');
    const migrated = unique('migrated.meanwhile');
    const store = legacyUserStore(table(), db);
    await store.putAll([exported(rejected), exported(migrated)]);
    await store.markMigrated(migrated, '2026-11-30T08:00:00.000Z', 1_900_000_000);

    const kept = await deleteDirectoryItems(db(), table(), [normaliseUsername(rejected), normaliseUsername(migrated)]);
    expect(kept).toEqual([normaliseUsername(migrated)]);
    expect(await row(normaliseUsername(rejected))).toBeUndefined();
    expect(await row(normaliseUsername(migrated))).toMatchObject({
      migratedAt: '2026-11-30T08:00:00.000Z',
      expiresAt: 1_900_000_000,
    });
  });

  it('create nothing for a key whose row is gone', async () => {
    const gone = normaliseUsername(unique('gone'));
    expect(await deleteDirectoryItems(db(), table(), [gone])).toEqual([]);
    expect(await row(gone)).toBeUndefined();
  });
});
