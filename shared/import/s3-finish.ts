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
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deleteKeys, getTextIfExists, listKeys, objectStream } from '../aws/s3.ts';
import { BATCH_WRITE_LIMIT, backoffMs, DirectoryWriteError, type DirectoryWriter } from './directory.ts';
import type { ImportSummary } from './run.ts';
import { assembledSummary, assembleOutputs, dataRowLines, itemsToRepair } from './s3-assemble.ts';
import { finishedRun, uploadResults, type JobSummary } from './s3-job.ts';
import { manifestKey, type ExecutionInput, type PartEntry } from './s3-map.ts';

/** Deletes directory items by key: BatchWriteItem 25 at a time, unprocessed ones retried with backoff. */
export async function deleteDirectoryItems(
  client: DynamoDBDocumentClient,
  table: string,
  usernames: readonly string[],
  maxAttempts = 10,
): Promise<void> {
  for (let i = 0; i < usernames.length; i += BATCH_WRITE_LIMIT) {
    let requests = usernames
      .slice(i, i + BATCH_WRITE_LIMIT)
      .map((username) => ({ DeleteRequest: { Key: { username } } }));
    for (let attempt = 1; requests.length; attempt += 1) {
      const output = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (output.UnprocessedItems?.[table] ?? []) as typeof requests;
      if (requests.length && attempt >= maxAttempts)
        throw new DirectoryWriteError(`deleting from ${table}: ${requests.length} item(s) still unprocessed`);
      if (requests.length) await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, 50, 5_000)));
    }
  }
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
