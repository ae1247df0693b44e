/**
 * Messages the custom senders deliver, once per Cognito event. Lambda may run an asynchronous event
 * twice; the row, keyed by a hash of what identifies the event (its ciphertext, never the code), is
 * claimed with a conditional write before sending, marked delivered after, and released when the send
 * fails so that Lambda's own retry of the event can send it.
 *
 * The rows live in the notifications table (its TTL, its key `id`): they are messages sent, like the
 * notices', and a table of their own would add a table to every stage for rows that live a week. They
 * hold no address, no code and no `status`, so `npm run notifications:retry` (which resends rows whose
 * status is failed, from what the row keeps) never picks one up: a code cannot be resent from storage.
 */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, documentClient, type DocumentClient } from '../aws/dynamodb.ts';

/** A claim older than this is an invocation that died mid-send (senders time out well before). */
export const STALE_DELIVERY_MS = 120_000;

/** How long a row stays: Lambda keeps retrying an asynchronous event for up to six hours. */
export const DELIVERY_RECORD_SECONDS = 7 * 86_400;

export type DeliveryClaim = 'claimed' | 'delivered' | 'in-progress';

export interface DeliveryStore {
  /**
   * `claimed`: this invocation sends; `delivered`: sent before; `in-progress`: a live invocation is
   * sending. `leaseMs`: how long the claimer can still be running (its remaining time); a `sending` row
   * past its lease, or older than STALE_DELIVERY_MS, belongs to an invocation that ended without
   * recording its outcome, and is taken over.
   */
  claim(
    id: string,
    meta: { source: string; channel: string },
    now: number,
    signal?: AbortSignal,
    leaseMs?: number,
  ): Promise<DeliveryClaim>;
  markDelivered(id: string, claimedAt: number, now: number, signal?: AbortSignal): Promise<void>;
  /** Gives the claim up (the send failed): the next delivery of the event sends. */
  release(id: string, claimedAt: number, signal?: AbortSignal): Promise<void>;
}

export function deliveryStore(tableName: string, client: () => DocumentClient = documentClient): DeliveryStore {
  return {
    async claim(id, meta, now, signal, leaseMs = STALE_DELIVERY_MS) {
      const claimed = await conditionHeld(
        client().send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression:
              'SET #state = :sending, claimedAt = :now, leaseUntil = :lease, #source = :source, channel = :channel, ' +
              'expiresAt = :expires ADD attempts :one',
            ConditionExpression:
              'attribute_not_exists(#state) OR (#state = :sending AND (claimedAt < :stale OR leaseUntil < :now))',
            ExpressionAttributeNames: { '#state': 'state', '#source': 'source' },
            ExpressionAttributeValues: {
              ':sending': 'sending',
              ':now': now,
              ':stale': now - STALE_DELIVERY_MS,
              ':lease': now + leaseMs,
              ':source': meta.source,
              ':channel': meta.channel,
              ':expires': Math.floor(now / 1000) + DELIVERY_RECORD_SECONDS,
              ':one': 1,
            },
          }),
          { abortSignal: signal },
        ),
      );
      if (claimed) return 'claimed';
      // Lost the condition: tell "sent" from "being sent" (a consistent read of the row).
      const { Item } = await client().send(
        new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
        {
          abortSignal: signal,
        },
      );
      return Item?.state === 'delivered' ? 'delivered' : 'in-progress';
    },
    async markDelivered(id, claimedAt, now, signal) {
      await client().send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id },
          UpdateExpression: 'SET #state = :delivered, deliveredAt = :now',
          ConditionExpression: '#state = :sending AND claimedAt = :claimedAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':delivered': 'delivered',
            ':sending': 'sending',
            ':now': now,
            ':claimedAt': claimedAt,
          },
        }),
        { abortSignal: signal },
      );
    },
    async release(id, claimedAt, signal) {
      await conditionHeld(
        client().send(
          new DeleteCommand({
            TableName: tableName,
            Key: { id },
            ConditionExpression: '#state = :sending AND claimedAt = :claimedAt',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':sending': 'sending', ':claimedAt': claimedAt },
          }),
          { abortSignal: signal },
        ),
      );
    },
  };
}
