/**
 * The passwordless sign-in's store against DynamoDB Local, on the table of infra/tables.yml as the local
 * stack created it: the per-user send limit and single-use magic links hold under concurrent requests.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../shared/aws/dynamodb.ts';
import { authChallengeStore, SendContentionError, sendKey } from '../../../shared/stores/auth-challenges.ts';
import { tableName, useLocalEndpoints } from '../../helpers/stack.ts';

beforeAll(() => {
  useLocalEndpoints();
});

const store = () => authChallengeStore(tableName('authChallenges'));
const rule = { limit: 5, windowMs: 15 * 60 * 1000 };
const now = Date.now();

async function row(id: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName('authChallenges'), Key: { id }, ConsistentRead: true }),
  );
  return Item;
}

describe('auth challenges store', () => {
  it('allows five sends in the window, one after another, then refuses', async () => {
    const key = sendKey('pool', `user-${randomUUID()}`);
    const verdicts = [];
    for (let i = 0; i < 7; i++) verdicts.push(await store().takeSend(key, now + i, rule));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(verdicts[5]).toMatchObject({ allowed: false, retryAfterMs: rule.windowMs - 5 });
    expect(await row(key)).toMatchObject({ sends: [now, now + 1, now + 2, now + 3, now + 4], version: 5 });
    // Once the first send leaves the window, one more is allowed.
    expect((await store().takeSend(key, now + rule.windowMs, rule)).allowed).toBe(true);
  });

  it('never lets concurrent sends past the limit', async () => {
    const key = sendKey('pool', `user-${randomUUID()}`);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store().takeSend(key, now + i, rule)),
    );
    const allowed = outcomes.filter((o) => o.status === 'fulfilled' && o.value.allowed).length;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(SendContentionError);
    }
    expect(allowed).toBeGreaterThan(0);
    expect(allowed).toBeLessThanOrEqual(rule.limit);
    expect((await row(key))?.sends).toHaveLength(allowed);
  });

  it('keys the limit per pool and case-insensitively per user name', () => {
    expect(sendKey('pool-a', 'Jane@Example.com')).toBe(sendKey('pool-a', 'jane@example.com'));
    expect(sendKey('pool-a', 'jane')).not.toBe(sendKey('pool-b', 'jane'));
  });

  it('uses a magic link once, also when the same link is answered concurrently', async () => {
    const nonce = randomUUID();
    const expiresAt = Math.floor(now / 1000) + 900;
    const uses = await Promise.all(Array.from({ length: 6 }, () => store().useLink(nonce, expiresAt)));
    expect(uses.filter(Boolean)).toHaveLength(1);
    expect(await store().useLink(nonce, expiresAt)).toBe(false);
    expect(await row(`link#${nonce}`)).toEqual({ id: `link#${nonce}`, expiresAt });
  });
});
