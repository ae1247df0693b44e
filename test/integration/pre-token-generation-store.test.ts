/** The entitlements store against DynamoDB Local: many keys in batches of 100, rows read defensively. */
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDbClientFor } from '../../local-cloud/index.ts';
import type { DocumentClient } from '../../shared/aws/dynamodb.ts';
import { entitlementStore, subjectKey, UnprocessedKeysError } from '../../shared/stores/entitlements.ts';
import { stack, tableName } from '../helpers/stack.ts';

const dynamoDb = dynamoDbClientFor(stack.dynamodb.endpoint);
const db = DynamoDBDocumentClient.from(dynamoDb);
const table = tableName('entitlements');
const store = entitlementStore(table, () => db);

afterAll(() => {
  db.destroy();
  dynamoDb.destroy();
});

describe('the entitlements store', () => {
  it('reads 150 rows and 10 missing keys in batches, each key answered', async () => {
    const run = randomUUID().slice(0, 8);
    const present = Array.from({ length: 150 }, (_, i) => ({ kind: 'group' as const, id: `${run}-g${i}` }));
    for (const subject of present) await store.put(subject, { roles: [subject.id] });
    const missing = Array.from({ length: 10 }, (_, i) => subjectKey({ kind: 'group', id: `${run}-missing${i}` }));
    const found = await store.getMany([...present.map(subjectKey), ...missing, subjectKey(present[0]!)]);
    expect(found.size).toBe(160);
    for (const subject of present) expect(found.get(subjectKey(subject))).toEqual({ roles: [subject.id] });
    for (const key of missing) expect(found.has(key) && found.get(key) === undefined).toBe(true);
  });

  it('ignores fields of the wrong type in a hand-written row', async () => {
    const id = randomUUID();
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { pk: `sub#${id}`, tenant: 7, roles: new Set(['a', 'b']), scopes: 'orders/admin', claims: { ok: 1 } },
      }),
    );
    expect(await store.get({ kind: 'sub', id })).toEqual({ roles: ['a', 'b'], claims: { ok: 1 } });
  });

  it('puts, gets and removes a row', async () => {
    const subject = { kind: 'client' as const, id: randomUUID() };
    await store.put(subject, { scopes: ['a/b'] });
    expect(await store.get(subject)).toEqual({ scopes: ['a/b'] });
    expect(await store.remove(subject)).toBe(true);
    expect(await store.remove(subject)).toBe(false);
    expect(await store.get(subject)).toBeUndefined();
  });

  it('asks again for keys DynamoDB leaves unprocessed, then gives up with an error', async () => {
    let calls = 0;
    const stubborn = {
      send: async (command: { input: { RequestItems: Record<string, { Keys: unknown[] }> } }) => {
        calls += 1;
        const keys = command.input.RequestItems.t?.Keys ?? [];
        return { Responses: { t: [] }, UnprocessedKeys: { t: { Keys: keys.slice(1) } } };
      },
    } as unknown as DocumentClient;
    const found = await entitlementStore('t', () => stubborn).getMany(['a', 'b']);
    expect(calls).toBe(2);
    expect([...found.keys()]).toEqual(['a', 'b']);
    calls = 0;
    await expect(entitlementStore('t', () => stubborn).getMany(['a', 'b', 'c', 'd'])).rejects.toThrow(
      UnprocessedKeysError,
    );
    expect(calls).toBe(3);
  });
});
