/**
 * Loads the legacy directory with conditional PutItem: one request per item, a bounded number in flight,
 * throttling retried with exponential backoff and full jitter. Puts are keyed by the normalised user
 * name, so writing a row twice (a resumed run) leaves one item.
 *
 * Conditional, because re-importing an export must not bring a hash back: once migrate-user has set
 * `migratedAt` (and the TTL `expiresAt`), an unconditional put would replace the row with one holding
 * the hash and no expiry. BatchWriteItem takes no conditions, so each item is its own PutItem with
 * `attribute_not_exists(migratedAt)`; a failed condition is counted as "already migrated", not an error.
 * What it costs: the same write capacity as BatchWriteItem (1 WCU per KB, a failed condition included),
 * but 25 times the requests, hence more of them in flight. TransactWriteItems would take 100 conditioned
 * puts a request but costs twice the capacity and fails all 100 on one migrated user.
 *
 * The condition alone is not enough once the TTL has removed a migrated user's row (and `migratedAt`
 * with it): migrate-user leaves a marker under `MIGRATED#<name>` (shared/stores/legacy-user.ts), and the
 * writer reads the markers of its items first (BatchGetItem, 100 keys a request, strongly consistent)
 * and writes none of those users. A marker is written before the row is marked, days before its TTL.
 */
import { DynamoDBClient, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { clientConfig, jobClientSettings } from '../aws/client-config.ts';
import { MIGRATED_MARKER_PREFIX, migratedMarkerKey, type LegacyUserItem } from '../stores/legacy-user.ts';

/** BatchWriteItem's limit (deletes still go 25 a request). */
export const BATCH_WRITE_LIMIT = 25;
/** BatchGetItem's limit. */
const BATCH_GET_LIMIT = 100;

/** The condition every directory put carries: never over a user migrate-user has already migrated. */
export const NOT_MIGRATED = 'attribute_not_exists(migratedAt)';

export interface DirectoryWriteResult {
  /** Items put. */
  written: number;
  /** Keys (normalised user names) left alone because the user has already migrated (or migrated and expired). */
  alreadyMigrated: string[];
}

export interface DirectoryWriter {
  /** Writes every item not yet migrated, or throws DirectoryWriteError. */
  write(items: readonly LegacyUserItem[]): Promise<DirectoryWriteResult>;
}

export class DirectoryWriteError extends Error {
  override readonly name = 'DirectoryWriteError';
}

export interface BatchWriterOptions {
  client: DynamoDBDocumentClient;
  table: string;
  /** Requests (one item each) in flight at once. */
  concurrency?: number;
  /** Attempts per item, the first included, before the run stops. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Errors worth another attempt: throttling, DynamoDB's own 5xx, a dropped connection. */
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata } = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    RETRYABLE.has(error.name) || (code !== undefined && RETRYABLE.has(code)) || ($metadata?.httpStatusCode ?? 0) >= 500
  );
}

/** Full jitter: uniformly 0 .. min(max, base · 2^attempt). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

export function batchWriter(options: BatchWriterOptions): DirectoryWriter {
  const {
    client,
    table,
    concurrency = 16,
    maxAttempts = 10,
    baseDelayMs = 50,
    maxDelayMs = 5_000,
    sleep = pause,
    random = Math.random,
  } = options;

  /** True when written, false when the user has already migrated. */
  async function put(item: LegacyUserItem): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.send(new PutCommand({ TableName: table, Item: { ...item }, ConditionExpression: NOT_MIGRATED }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        if (!isRetryable(error) || attempt >= maxAttempts) {
          const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          throw new DirectoryWriteError(`writing to ${table} failed after ${attempt} attempt(s): ${message}`, {
            cause: error,
          });
        }
        await sleep(backoffMs(attempt, baseDelayMs, maxDelayMs, random));
      }
    }
  }

  /** The user names (keys) among `usernames` that have a migrated marker. */
  async function migrated(usernames: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const keys = [...new Set(usernames.map(migratedMarkerKey))];
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let request: Array<Record<string, unknown>> = keys
        .slice(i, i + BATCH_GET_LIMIT)
        .map((username) => ({ username }));
      for (let attempt = 1; request.length; attempt += 1) {
        let output;
        try {
          output = await client.send(
            new BatchGetCommand({
              RequestItems: {
                [table]: { Keys: request, ConsistentRead: true, ProjectionExpression: 'username' },
              },
            }),
          );
        } catch (error) {
          if (!isRetryable(error) || attempt >= maxAttempts) {
            const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            throw new DirectoryWriteError(`reading ${table} failed after ${attempt} attempt(s): ${message}`, {
              cause: error,
            });
          }
          await sleep(backoffMs(attempt, baseDelayMs, maxDelayMs, random));
          continue;
        }
        for (const marker of output.Responses?.[table] ?? [])
          found.add(String(marker.username).slice(MIGRATED_MARKER_PREFIX.length));
        request = output.UnprocessedKeys?.[table]?.Keys ?? [];
        if (request.length && attempt >= maxAttempts)
          throw new DirectoryWriteError(`reading ${table}: ${request.length} key(s) still unprocessed`);
        if (request.length) await sleep(backoffMs(attempt, baseDelayMs, maxDelayMs, random));
      }
    }
    return found;
  }

  return {
    async write(all) {
      const result: DirectoryWriteResult = { written: 0, alreadyMigrated: [] };
      const markers = await migrated(all.map((item) => item.username));
      const items = all.filter((item) => {
        if (!markers.has(item.username)) return true;
        result.alreadyMigrated.push(item.username);
        return false;
      });
      let next = 0;
      let failed: unknown;
      const worker = async () => {
        // A failed put stops the others from starting more: the run ends at its checkpoint.
        while (next < items.length && failed === undefined) {
          const item = items[next] as LegacyUserItem;
          next += 1;
          try {
            if (await put(item)) result.written += 1;
            else result.alreadyMigrated.push(item.username);
          } catch (error) {
            failed ??= error;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
      if (failed !== undefined) throw failed;
      return result;
    },
  };
}

/**
 * A document client for a long-running load: the region and endpoint as every client here finds them
 * (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB), but the patience of a batch job rather than a trigger's 5 s.
 */
export function importDocumentClient(env: NodeJS.ProcessEnv = process.env): DynamoDBDocumentClient {
  const settings = jobClientSettings(30_000, env);
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(settings)), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
