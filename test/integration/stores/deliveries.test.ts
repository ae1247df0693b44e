/**
 * The custom senders' delivery records against DynamoDB Local, in the notifications table: one message
 * per event, a failed send released for Lambda's retry, never a row the notifications retry would pick.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../shared/aws/dynamodb.ts';
import { deliveryStore, STALE_DELIVERY_MS } from '../../../shared/stores/deliveries.ts';
import { notificationStore } from '../../../shared/stores/notifications.ts';
import { tableName, useLocalEndpoints } from '../../helpers/stack.ts';

beforeAll(() => {
  useLocalEndpoints();
});

const store = () => deliveryStore(tableName('notifications'));
const meta = { source: 'CustomEmailSender_SignUp', channel: 'email' };
const id = () => `delivery#email#${randomUUID()}`;
const row = async (key: string) =>
  (
    await documentClient().send(
      new GetCommand({ TableName: tableName('notifications'), Key: { id: key }, ConsistentRead: true }),
    )
  ).Item;

describe('delivery store', () => {
  it('claims once; a second claim sees the send in progress, then delivered', async () => {
    const key = id();
    const now = Date.now();
    await expect(store().claim(key, meta, now)).resolves.toBe('claimed');
    await expect(store().claim(key, meta, now + 10)).resolves.toBe('in-progress');
    await store().markDelivered(key, now, now + 20);
    await expect(store().claim(key, meta, now + 30)).resolves.toBe('delivered');
    // Delivered is final: not even a claim long after takes it again.
    await expect(store().claim(key, meta, now + STALE_DELIVERY_MS * 10)).resolves.toBe('delivered');
    const item = await row(key);
    expect(item).toMatchObject({ id: key, state: 'delivered', source: meta.source, channel: 'email', attempts: 1 });
    expect(item?.expiresAt).toBeGreaterThan(now / 1000 + 86_400);
    expect(Object.keys(item ?? {}).sort()).toEqual([
      'attempts',
      'channel',
      'claimedAt',
      'deliveredAt',
      'expiresAt',
      'id',
      'leaseUntil',
      'source',
      'state',
    ]);
  });

  it('releases a failed send for the next delivery of the event, and only its own claim', async () => {
    const key = id();
    const now = Date.now();
    await store().claim(key, meta, now);
    await store().release(key, now - 1);
    await expect(store().claim(key, meta, now + 1)).resolves.toBe('in-progress');
    await store().release(key, now);
    expect(await row(key)).toBeUndefined();
    await expect(store().claim(key, meta, now + 2)).resolves.toBe('claimed');
  });

  it('takes over a claim whose invocation died mid-send, once it is stale', async () => {
    const key = id();
    const now = Date.now();
    await store().claim(key, meta, now);
    await expect(store().claim(key, meta, now + STALE_DELIVERY_MS - 1)).resolves.toBe('in-progress');
    await expect(store().claim(key, meta, now + STALE_DELIVERY_MS + 1)).resolves.toBe('claimed');
    // The dead invocation's late write cannot mark the new claim's send.
    await expect(store().markDelivered(key, now, now + STALE_DELIVERY_MS + 2)).rejects.toThrow(/conditional/iu);
    expect(await row(key)).toMatchObject({ state: 'sending', attempts: 2 });
  });

  it("takes over a claim past its claimer's lease (the invocation's remaining time): Lambda's retry a minute later sends", async () => {
    // The claimer had 30 s left; it was cut off before it could give the claim up. Lambda delivers the
    // event again about a minute later: that delivery must send, not see a send "in progress" and end.
    const key = id();
    const now = Date.now();
    await expect(store().claim(key, meta, now, undefined, 31_000)).resolves.toBe('claimed');
    await expect(store().claim(key, meta, now + 30_000)).resolves.toBe('in-progress');
    await expect(store().claim(key, meta, now + 60_000)).resolves.toBe('claimed');
    expect(await row(key)).toMatchObject({ state: 'sending', claimedAt: now + 60_000, attempts: 2 });
  });

  it('agrees under concurrency: one claim of many wins', async () => {
    const key = id();
    const now = Date.now();
    const claims = await Promise.all(Array.from({ length: 8 }, () => store().claim(key, meta, now)));
    expect(claims.filter((claim) => claim === 'claimed')).toHaveLength(1);
  });

  it('is never resent by notifications:retry (which cannot rebuild a code)', async () => {
    const key = id();
    const now = Date.now();
    await store().claim(key, meta, now);
    await store().release(key, now);
    await store().claim(key, meta, now);
    const failed = [];
    for await (const notification of notificationStore(tableName('notifications')).failed({ now }))
      failed.push(notification.id);
    expect(failed).not.toContain(key);
  });
});
