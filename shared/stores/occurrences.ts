/**
 * One occurrence of something that recurs (a password reset, a sign-in), told apart from a Cognito retry
 * of the same trigger call.
 *
 * Nothing names a trigger call. A retry carries exactly the event of the first attempt, and Lambda gives
 * every invoke a new request id, so the request id differs between attempts of one call; and the event of
 * a second password reset (or sign-in) is the same as the first's too (user attributes, client; no id, no
 * time). Only time tells them apart: Cognito waits 5 s for an attempt and makes at most three, so every
 * attempt of one call reaches the function within about 15 s of the first.
 *
 * So the first call that finds no occurrence of its series opened within RETRY_SPAN_MS opens one, at its
 * own time, with a conditional write; every call within that span of the opening joins it and gets the
 * same opening time, which names the occurrence. A window anchored at the first attempt cannot be crossed
 * by its retries, unlike a window fixed to the clock (a retry at 10:00:03 of a call at 09:59:58). What it
 * leaves: two real occurrences within RETRY_SPAN_MS of each other are one.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient, isConditionFailure, type DocumentClient } from '../aws/dynamodb.ts';

/** Four times the span of Cognito's attempts (3 x 5 s), and well under "minutes apart". */
export const RETRY_SPAN_MS = 60_000;

/**
 * Whether a call at `now` opens a new occurrence, given when the last one opened. Pure; the store's
 * condition says the same.
 */
export function opensOccurrence(lastOpenedAt: number | undefined, now: number, spanMs = RETRY_SPAN_MS): boolean {
  return lastOpenedAt === undefined || now - lastOpenedAt >= spanMs;
}

/** The id of one occurrence of a series, the same for every call that joined it. */
export function occurrenceId(series: string, openedAt: number): string {
  return `${series}#${openedAt}`;
}

export interface OccurrenceStore {
  /**
   * Opens an occurrence of `series` at `now`, or joins the one opened less than `spanMs` before: resolves
   * to the opening time either way. Concurrent calls agree: one opens, the others join it.
   */
  occurrence(series: string, now: number, spanMs?: number, signal?: AbortSignal): Promise<number>;
}

/**
 * Occurrences kept in `tableName`, one row per series under the key `keyOf(series)` (a row apart from the
 * table's own rows), holding the last opening time; TTL removes it once its span is over.
 */
export function occurrenceStore(
  tableName: string,
  keyOf: (series: string) => Record<string, string>,
  client: () => DocumentClient = documentClient,
): OccurrenceStore {
  return {
    async occurrence(series, now, spanMs = RETRY_SPAN_MS, signal) {
      try {
        await client().send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(series),
            UpdateExpression: 'SET openedAt = :now, expiresAt = :expires',
            // opensOccurrence(openedAt, now, spanMs), decided by DynamoDB so that concurrent calls agree.
            ConditionExpression: 'attribute_not_exists(openedAt) OR openedAt <= :lastOpening',
            ExpressionAttributeValues: {
              ':now': now,
              ':lastOpening': now - spanMs,
              // TTL deletes late; the condition, not the row's presence, decides.
              ':expires': Math.ceil((now + spanMs) / 1000),
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
          { abortSignal: signal },
        );
        return now;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const stored = (error as { Item?: Record<string, AttributeValue> }).Item;
        const openedAt = stored ? unmarshall(stored).openedAt : undefined;
        if (typeof openedAt !== 'number') throw new Error('occurrence condition failed without an opening time');
        return openedAt;
      }
    },
  };
}
