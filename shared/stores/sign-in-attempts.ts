/**
 * Sign-in attempts without a success, per user, counted atomically. Pre authentication counts, post
 * authentication resets; the lock-out decision itself is the caller's (pure) business.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { conditionHeld, documentClient, isConditionFailure, type DocumentClient } from '../aws/dynamodb.ts';

export interface AttemptRecord {
  /** Attempts since the last success or the end of the last lock. */
  attempts: number;
  /** Epoch milliseconds until which sign-in is refused; never a lock that has run out. */
  lockedUntil?: number;
}

/** Thrown when concurrent attempts kept restarting the count under each other: fail closed. */
export class AttemptContentionError extends Error {
  override readonly name = 'AttemptContentionError';
}

/** Rounds of "lock ran out, another attempt restarted the count first" before giving up. */
const MAX_RESTART_ROUNDS = 3;

export interface SignInAttemptStore {
  /**
   * Counts one more attempt and returns the record after it. When the stored lock has run out, exactly
   * one attempt restarts the count at 1; every other attempt of that moment is counted after it.
   */
  countAttempt(key: string, now: number, expiresAtSeconds: number, signal?: AbortSignal): Promise<AttemptRecord>;
  /**
   * Locks until `until`, unless a lock was set meanwhile (returns the lock in force) or a success reset
   * the count meanwhile (locks nothing, returns `until` for this attempt's answer).
   */
  lock(key: string, until: number, signal?: AbortSignal): Promise<number>;
  /** Forgets the attempts, after a successful sign-in. */
  reset(key: string, signal?: AbortSignal): Promise<void>;
}

export function signInAttemptStore(
  tableName: string,
  client: () => DocumentClient = documentClient,
): SignInAttemptStore {
  return {
    async countAttempt(key, now, expiresAtSeconds, signal) {
      const add = async (): Promise<AttemptRecord> => {
        const { Attributes } = await client().send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: key },
            UpdateExpression: 'ADD attempts :one SET lastAttemptAt = :now, expiresAt = :expires',
            ExpressionAttributeValues: { ':one': 1, ':now': now, ':expires': expiresAtSeconds },
            ReturnValues: 'ALL_NEW',
          }),
          { abortSignal: signal },
        );
        return {
          attempts: Number(Attributes?.attempts ?? 1),
          lockedUntil: Attributes?.lockedUntil as number | undefined,
        };
      };
      // Only the attempt whose condition still sees the expired lock restarts the count; the others'
      // increments were wiped by that restart, so they count again, on top of it.
      const restart = async (expiredLock: number): Promise<boolean> =>
        conditionHeld(
          client().send(
            new UpdateCommand({
              TableName: tableName,
              Key: { id: key },
              UpdateExpression: 'SET attempts = :one REMOVE lockedUntil',
              ConditionExpression: 'lockedUntil = :expired',
              ExpressionAttributeValues: { ':one': 1, ':expired': expiredLock },
            }),
            { abortSignal: signal },
          ),
        );
      for (let round = 0; round < MAX_RESTART_ROUNDS; round++) {
        const record = await add();
        if (record.lockedUntil === undefined || record.lockedUntil > now) return record;
        if (await restart(record.lockedUntil)) return { attempts: 1 };
      }
      throw new AttemptContentionError(`sign-in attempts kept restarting after ${MAX_RESTART_ROUNDS} rounds`);
    },
    async lock(key, until, signal) {
      try {
        await client().send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: key },
            UpdateExpression: 'SET lockedUntil = :until',
            // A row reset by a success meanwhile stays reset: no lock, and no row without a TTL.
            ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(lockedUntil)',
            ExpressionAttributeValues: { ':until': until },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
          { abortSignal: signal },
        );
        return until;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Another attempt locked first, and its lock stands; or a success reset the row, and this
        // attempt alone is refused.
        const stored = (error as { Item?: Record<string, AttributeValue> }).Item;
        const lockedUntil = stored ? unmarshall(stored).lockedUntil : undefined;
        return typeof lockedUntil === 'number' ? lockedUntil : until;
      }
    },
    async reset(key, signal) {
      await client().send(new DeleteCommand({ TableName: tableName, Key: { id: key } }), { abortSignal: signal });
    },
  };
}
