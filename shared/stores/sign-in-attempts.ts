/**
 * Sign-in attempts without a success, per user, counted atomically. Pre authentication counts, post
 * authentication resets; the lock-out decision itself is the caller's (pure) business.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient, isConditionFailure, type DocumentClient } from '../aws/dynamodb.ts';

export interface AttemptRecord {
  /** Attempts since the last success or the end of the last lock. */
  attempts: number;
  /** Epoch milliseconds until which sign-in is refused, if locked. */
  lockedUntil?: number;
}

export interface SignInAttemptStore {
  /** Counts one more attempt and returns the record after it. */
  countAttempt(key: string, now: number, expiresAtSeconds: number, signal?: AbortSignal): Promise<AttemptRecord>;
  /** Locks until `until`, unless a lock was set meanwhile; returns the lock in force. */
  lock(key: string, until: number, signal?: AbortSignal): Promise<number>;
  /** Starts counting afresh after a lock ran out: this attempt is the first. */
  restartAfterLock(key: string, expiredLock: number, signal?: AbortSignal): Promise<void>;
  /** Forgets the attempts, after a successful sign-in. */
  reset(key: string, signal?: AbortSignal): Promise<void>;
}

export function signInAttemptStore(
  tableName: string,
  client: () => DocumentClient = documentClient,
): SignInAttemptStore {
  return {
    async countAttempt(key, now, expiresAtSeconds, signal) {
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
    },
    async lock(key, until, signal) {
      try {
        await client().send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: key },
            UpdateExpression: 'SET lockedUntil = :until',
            ConditionExpression: 'attribute_not_exists(lockedUntil)',
            ExpressionAttributeValues: { ':until': until },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
          { abortSignal: signal },
        );
        return until;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Another attempt locked first; its lock stands.
        const stored = (error as { Item?: Record<string, AttributeValue> }).Item;
        return stored ? Number(unmarshall(stored).lockedUntil) : until;
      }
    },
    async restartAfterLock(key, expiredLock, signal) {
      try {
        await client().send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: key },
            UpdateExpression: 'SET attempts = :one REMOVE lockedUntil',
            ConditionExpression: 'lockedUntil = :expired',
            ExpressionAttributeValues: { ':one': 1, ':expired': expiredLock },
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
    async reset(key, signal) {
      await client().send(new DeleteCommand({ TableName: tableName, Key: { id: key } }), { abortSignal: signal });
    },
  };
}
