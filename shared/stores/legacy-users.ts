/**
 * The legacy directory (see legacy-user.ts for the item): read by user name, found by e-mail through
 * EmailIndex, marked migrated once. The import writes it in bulk with its own writer; putAll here is for
 * tests and demo data.
 */
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient, isConditionFailure, type DocumentClient } from '../aws/dynamodb.ts';
import {
  migratedMarkerKey,
  normaliseEmail,
  normaliseUsername,
  type LegacyUserItem,
  type MigratedMarker,
} from './legacy-user.ts';

export const EMAIL_INDEX = 'EmailIndex';

/** What marking a user migrated found: the first mark, a repeat (Cognito retried), or no row any more. */
export type MarkOutcome = 'marked' | 'already-migrated' | 'missing';

export interface LegacyUserStore {
  /** The user whose normalised name is that of `username`. */
  get(username: string, signal?: AbortSignal): Promise<LegacyUserItem | undefined>;
  /**
   * The one user with this (normalised) e-mail. Several users sharing it are no match: an address that
   * does not name one person must not sign anyone in.
   */
  findByEmail(email: string, signal?: AbortSignal): Promise<LegacyUserItem | undefined>;
  /**
   * Records the migration (`migratedAt`) and starts the TTL (`expiresAt`, epoch seconds) that removes
   * the row and its hash. Conditional: only the first mark writes; a repeat keeps the first time and TTL
   * and still succeeds, because Cognito may call the trigger twice for one sign-in. The user's migrated
   * marker (no hash, no TTL) is written first, so that no moment exists when the row can expire without
   * one: the import refuses to write a user who has it.
   */
  markMigrated(username: string, at: string, expiresAt: number, signal?: AbortSignal): Promise<MarkOutcome>;
  /** Writes items as they are (BatchWriteItem, 25 at a time, unprocessed items retried): seeding only. */
  putAll(items: readonly LegacyUserItem[]): Promise<void>;
}

const BATCH_SIZE = 25;
const MAX_BATCH_ROUNDS = 8;

export function legacyUserStore(tableName: string, client: () => DocumentClient = documentClient): LegacyUserStore {
  /** The MIGRATED# marker; the first migration's time stays (a retried trigger writes nothing). */
  async function putMarker(marker: MigratedMarker, signal?: AbortSignal): Promise<void> {
    try {
      await client().send(
        new PutCommand({ TableName: tableName, Item: marker, ConditionExpression: 'attribute_not_exists(username)' }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** The row's migration time and expiry, once; what the row was when it had them already. */
  async function markRow(username: string, at: string, expiresAt: number, signal?: AbortSignal): Promise<MarkOutcome> {
    try {
      await client().send(
        new UpdateCommand({
          TableName: tableName,
          Key: { username: normaliseUsername(username) },
          UpdateExpression: 'SET migratedAt = :at, expiresAt = :expires',
          ConditionExpression: 'attribute_exists(username) AND attribute_not_exists(migratedAt)',
          ExpressionAttributeValues: { ':at': at, ':expires': expiresAt },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: signal },
      );
      return 'marked';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const old = (error as { Item?: Record<string, AttributeValue> }).Item;
      return old && unmarshall(old).migratedAt !== undefined ? 'already-migrated' : 'missing';
    }
  }

  return {
    async get(username, signal) {
      const { Item } = await client().send(
        new GetCommand({ TableName: tableName, Key: { username: normaliseUsername(username) } }),
        { abortSignal: signal },
      );
      return Item as LegacyUserItem | undefined;
    },
    async findByEmail(email, signal) {
      const { Items = [] } = await client().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: EMAIL_INDEX,
          KeyConditionExpression: 'email = :email',
          ExpressionAttributeValues: { ':email': normaliseEmail(email) },
          // Two are enough to know the address is not unambiguous.
          Limit: 2,
        }),
        { abortSignal: signal },
      );
      return Items.length === 1 ? (Items[0] as LegacyUserItem) : undefined;
    },
    async markMigrated(username, at, expiresAt, signal) {
      const marker: MigratedMarker = { username: migratedMarkerKey(username), migratedAt: at };
      // The marker and the row's mark side by side: a migration answers one write later than a refusal,
      // not two. Each write is conditional and a failure of either fails the sign-in, so whichever lands
      // alone is completed by the user's next sign-in (the marker is written again, the row found marked).
      const [, outcome] = await Promise.all([putMarker(marker, signal), markRow(username, at, expiresAt, signal)]);
      return outcome;
    },
    async putAll(items) {
      for (let start = 0; start < items.length; start += BATCH_SIZE) {
        let requests: Array<{ PutRequest: { Item: Record<string, unknown> } }> = items
          .slice(start, start + BATCH_SIZE)
          .map((item) => ({ PutRequest: { Item: { ...item } } }));
        for (let round = 0; requests.length > 0; round++) {
          if (round === MAX_BATCH_ROUNDS) throw new Error(`${requests.length} legacy users left unwritten`);
          if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
          const { UnprocessedItems } = await client().send(
            new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
          );
          requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
        }
      }
    },
  };
}
