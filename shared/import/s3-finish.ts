/**
 * The final step with its I/O: reads the part objects the batches left (in row-index order) and the
 * source file (for line numbers), assembles the outputs (s3-assemble.ts), repairs the directory, runs
 * the Cognito import jobs when asked, uploads everything to results/<name>/ (the summary last) and
 * removes the part objects and the plan's manifest. Run twice for one object version (a retried step), it finds its summary and
 * does nothing more.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../aws/dynamodb.ts';
import { deleteKeys, getTextIfExists, listKeys, objectStream } from '../aws/s3.ts';
import {
  BATCH_WRITE_LIMIT,
  backoffMs,
  DirectoryWriteError,
  isRetryable,
  NOT_MIGRATED,
  type DirectoryWriter,
} from './directory.ts';
import type { ImportSummary } from './run.ts';
import { assembledSummary, assembleOutputs, dataRowLines, itemsToRepair } from './s3-assemble.ts';
import { finishedRun, uploadResults, type JobSummary } from './s3-job.ts';
import { manifestKey, type ExecutionInput, type PartEntry } from './s3-map.ts';

/**
 * Deletes the directory items of rows the replay rejected, one conditional DeleteItem each (25 in
 * flight), never the row of a user who has migrated meanwhile: that row carries `migratedAt` and the TTL
 * that removes its hash, and deleting it would also drop the record that the user has migrated. A key
 * with no item is left as it is (a delete never creates one). Returns the keys kept.
 */
export async function deleteDirectoryItems(
  client: DynamoDBDocumentClient,
  table: string,
  usernames: readonly string[],
  maxAttempts = 10,
): Promise<string[]> {
  const kept: string[] = [];
  const remove = async (username: string) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.send(
          new DeleteCommand({ TableName: table, Key: { username }, ConditionExpression: NOT_MIGRATED }),
        );
        return;
      } catch (error) {
        if (isConditionFailure(error)) return void kept.push(username);
        if (!isRetryable(error) || attempt >= maxAttempts)
          throw new DirectoryWriteError(`deleting from ${table} failed after ${attempt} attempt(s)`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, 50, 5_000)));
      }
    }
  };
  for (let i = 0; i < usernames.length; i += BATCH_WRITE_LIMIT)
    await Promise.all(usernames.slice(i, i + BATCH_WRITE_LIMIT).map(remove));
  return kept;
}

async function* partEntries(s3: S3Client, bucket: string, keys: readonly string[]): AsyncGenerator<PartEntry> {
  for (const key of keys) {
    const text = (await getTextIfExists(s3, bucket, key)) ?? '';
    for (const line of text.split('\n')) if (line) yield JSON.parse(line) as PartEntry;
  }
}

export interface FinishOptions {
  s3: S3Client;
  input: ExecutionInput;
  directory: DirectoryWriter;
  documentClient: DynamoDBDocumentClient;
  table: string;
  afterImport?: (out: string, summary: ImportSummary) => Promise<Record<string, unknown>>;
  tmp?: string;
  now?: () => number;
}

export async function finishImport(options: FinishOptions): Promise<JobSummary> {
  const { s3, input } = options;
  const source = { bucket: input.bucket, key: input.key, etag: input.etag };
  const done = await finishedRun(s3, source);
  if (done) return done;
  const startedAt = options.now?.() ?? Date.parse(input.importedAt);
  const parts = (await listKeys(s3, input.bucket, input.workPrefix)).filter((key) => key.endsWith('.ndjson')).sort();
  const work = mkdtempSync(join(options.tmp ?? tmpdir(), 'import-assemble-'));
  const sourceStream = await objectStream(s3, input.bucket, input.key);
  try {
    const out = join(work, 'out');
    const result = await assembleOutputs({
      entries: partEntries(s3, input.bucket, parts),
      lines: dataRowLines(sourceStream),
      settings: input.settings,
      out,
    });

    if (result.repairKeys.size)
      await options.directory.write(await itemsToRepair(partEntries(s3, input.bucket, parts), result));
    if (result.deleteKeys.size)
      await deleteDirectoryItems(options.documentClient, options.table, [...result.deleteKeys]);

    const seconds = Math.max(0, ((options.now?.() ?? Date.now()) - startedAt) / 1000);
    const summary = assembledSummary(`s3://${input.bucket}/${input.key}`, result, seconds);
    const extra = options.afterImport ? await options.afterImport(out, summary) : {};
    const jobSummary: JobSummary = {
      ...summary,
      source,
      mode: 'state-machine',
      batches: parts.length,
      ...(result.missing.length ? { rowsNotProcessed: result.missing } : {}),
      ...extra,
    };
    await uploadResults(s3, source, out, jobSummary);
    await deleteKeys(s3, input.bucket, [...parts, manifestKey(input.workPrefix)]);
    return jobSummary;
  } finally {
    sourceStream.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}
