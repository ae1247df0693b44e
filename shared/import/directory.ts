/**
 * Loads the legacy directory with BatchWriteItem: 25 puts a request, a bounded number of requests in
 * flight, unprocessed items and throttling retried with exponential backoff and full jitter. Puts are
 * keyed by the normalised user name, so writing a row twice (a resumed run) leaves one item.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { clientConfig, clientSettings } from '../aws/client-config.ts';
import type { LegacyUserItem } from '../stores/legacy-user.ts';

/** BatchWriteItem's limit. */
export const BATCH_WRITE_LIMIT = 25;

export interface DirectoryWriter {
  /** Writes every item or throws DirectoryWriteError; answers how many were written. */
  write(items: readonly LegacyUserItem[]): Promise<number>;
}

export class DirectoryWriteError extends Error {
  override readonly name = 'DirectoryWriteError';
}

export interface BatchWriterOptions {
  client: DynamoDBDocumentClient;
  table: string;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Attempts per request of 25, the first included, before the run stops. */
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

export function batchWriter(options: BatchWriterOptions): DirectoryWriter {
  const {
    client,
    table,
    concurrency = 4,
    maxAttempts = 10,
    baseDelayMs = 50,
    maxDelayMs = 5_000,
    sleep = pause,
    random = Math.random,
  } = options;

  type Put = { PutRequest: { Item: Record<string, unknown> } };

  async function writeChunk(chunk: readonly LegacyUserItem[]): Promise<void> {
    let requests: Put[] = chunk.map((item) => ({ PutRequest: { Item: { ...item } } }));
    for (let attempt = 1; ; attempt += 1) {
      let output: BatchWriteCommandOutput | undefined;
      try {
        output = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      } catch (error) {
        if (!isRetryable(error) || attempt >= maxAttempts) {
          const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          throw new DirectoryWriteError(`writing to ${table} failed after ${attempt} attempt(s): ${message}`, {
            cause: error,
          });
        }
        await sleep(backoffMs(attempt, baseDelayMs, maxDelayMs, random));
        continue;
      }
      const unprocessed = (output.UnprocessedItems?.[table] ?? []) as Put[];
      if (unprocessed.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new DirectoryWriteError(
          `writing to ${table} failed: ${unprocessed.length} item(s) still unprocessed after ${attempt} attempts`,
        );
      }
      requests = unprocessed;
      await sleep(backoffMs(attempt, baseDelayMs, maxDelayMs, random));
    }
  }

  return {
    async write(items) {
      const chunks: LegacyUserItem[][] = [];
      for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) chunks.push(items.slice(i, i + BATCH_WRITE_LIMIT));
      let next = 0;
      let failed: unknown;
      const worker = async () => {
        // A failed request stops the others from starting more: the run ends at its checkpoint.
        while (next < chunks.length && failed === undefined) {
          const chunk = chunks[next] as LegacyUserItem[];
          next += 1;
          try {
            await writeChunk(chunk);
          } catch (error) {
            failed ??= error;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
      if (failed !== undefined) throw failed;
      return items.length;
    },
  };
}

/**
 * A document client for a long-running load: the region and endpoint as every client here finds them
 * (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB), but the patience of a batch job rather than a trigger's 5 s.
 */
export function importDocumentClient(env: NodeJS.ProcessEnv = process.env): DynamoDBDocumentClient {
  const settings = { ...clientSettings(env), maxAttempts: 3, connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 };
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(settings)), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
