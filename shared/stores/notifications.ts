/**
 * Notifications the suite sends (welcome, password changed, new sign-in), one row per message. A row is
 * claimed before sending so that a retried trigger sends nothing twice, and keeps the outcome so that a
 * failed message can be found and sent again.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { occurrenceStore, type OccurrenceStore } from './occurrences.ts';
import type { MessageKind, MessageParams } from '../mail/templates.ts';

/** The kinds and their parameters are the templates' (types only: the store renders nothing). */
export type NotificationKind = MessageKind;
export type NotificationStatus = 'sending' | 'sent' | 'failed';

/** What it takes to send the message again: kept with the claim so that a retry needs nothing else. */
export interface StoredMessage {
  to: string;
  from: string;
  params: MessageParams;
}

export interface NotificationClaim {
  id: string;
  sub: string;
  kind: NotificationKind;
  locale: string;
  /** Epoch seconds at which DynamoDB deletes the row. */
  expiresAt: number;
  message: StoredMessage;
}

export interface FailedNotification extends NotificationClaim {
  failureReason?: string;
  attempts: number;
}

/**
 * Also the occurrences of notices that recur (a password changed, a new sign-in): a row per series, keyed
 * by the series itself (`<sub>#password-changed`), apart from the messages (`<series>#<opening time>`).
 */
export interface NotificationStore extends OccurrenceStore {
  /**
   * Claims the right to send. False when the message was sent, or is being sent by a live invocation;
   * a claim older than `staleAfterMs`, or a failed one, may be taken again.
   */
  claim(claim: NotificationClaim, now: number, staleAfterMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Records the outcome of this invocation's claim; fails if the claim is no longer this invocation's. */
  markSent(id: string, messageId: string, now: number, signal?: AbortSignal): Promise<void>;
  markFailed(id: string, reason: string, now: number, signal?: AbortSignal): Promise<void>;
  /**
   * The messages whose last send failed and that have not expired (TTL deletes late), optionally of one
   * user only; a whole-table scan, for operators. A claim still `sending` after STALE_CLAIM_MS counts as
   * failed: its invocation ended (the functions time out after 5 s) before it could record the outcome.
   */
  failed(options: { now: number; sub?: string }): AsyncGenerator<FailedNotification>;
}

/**
 * How long a claim by an invocation that then vanished blocks others from sending; past it the claim is
 * taken over by a retry and listed as failed. Far beyond the functions' timeout (5 s).
 */
export const STALE_CLAIM_MS = 60_000;

export function notificationStore(tableName: string, client: () => DocumentClient = documentClient): NotificationStore {
  const update = (id: string, expression: string, values: Record<string, unknown>, signal?: AbortSignal) =>
    client().send(
      new UpdateCommand({
        TableName: tableName,
        Key: { id },
        UpdateExpression: expression,
        // Never over a row the TTL removed or another invocation finished: only over a live claim.
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...values, ':sending': 'sending' },
      }),
      { abortSignal: signal },
    );
  return {
    ...occurrenceStore(tableName, (series) => ({ id: series }), client),
    async claim(claim, now, staleAfterMs, signal) {
      return conditionHeld(
        client().send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: claim.id },
            UpdateExpression:
              'SET #status = :sending, claimedAt = :now, #sub = :sub, kind = :kind, locale = :locale, ' +
              'expiresAt = :expires, message = :message ADD attempts :one',
            ConditionExpression:
              'attribute_not_exists(#status) OR #status = :failed OR (#status = :sending AND claimedAt < :stale)',
            ExpressionAttributeNames: { '#status': 'status', '#sub': 'sub' },
            ExpressionAttributeValues: {
              ':sending': 'sending',
              ':failed': 'failed',
              ':now': now,
              ':stale': now - staleAfterMs,
              ':sub': claim.sub,
              ':kind': claim.kind,
              ':locale': claim.locale,
              ':expires': claim.expiresAt,
              ':message': claim.message,
              ':one': 1,
            },
          }),
          { abortSignal: signal },
        ),
      );
    },
    async markSent(id, messageId, now, signal) {
      await update(
        id,
        // Once sent, the recipient and the template parameters are no longer needed: personal data goes.
        'SET #status = :sent, messageId = :messageId, sentAt = :now REMOVE failureReason, message',
        { ':sent': 'sent', ':messageId': messageId, ':now': now },
        signal,
      );
    },
    async markFailed(id, reason, now, signal) {
      await update(
        id,
        'SET #status = :failed, failureReason = :reason, failedAt = :now',
        { ':failed': 'failed', ':reason': reason, ':now': now },
        signal,
      );
    },
    async *failed(options) {
      const filter = '(#status = :failed OR (#status = :sending AND claimedAt < :stale)) AND expiresAt > :nowSeconds';
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client().send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: options.sub ? `${filter} AND #sub = :sub` : filter,
            ExpressionAttributeNames: { '#status': 'status', ...(options.sub ? { '#sub': 'sub' } : {}) },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':sending': 'sending',
              ':stale': options.now - STALE_CLAIM_MS,
              ':nowSeconds': Math.floor(options.now / 1000),
              ...(options.sub ? { ':sub': options.sub } : {}),
            },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) yield item as FailedNotification;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    },
  };
}
