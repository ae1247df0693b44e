/**
 * What batch-import does with one S3 record: nothing for what is not a new CSV under imports/ or was
 * imported already (same key and ETag); the file itself when it fits one invocation; else a state
 * machine execution named after key and ETag, after the header is checked (a file the CLI would refuse
 * is refused here, with results/<name>/error.json, before any batch runs).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '@aws-lambda-powertools/logger';
import { headObject } from '../../shared/aws/s3.ts';
import type { DirectoryWriter } from '../../shared/import/directory.ts';
import type { PoolSettings } from '../../shared/import/pool.ts';
import { ImportInputError, type ImportSummary } from '../../shared/import/run.ts';
import {
  checkHeader,
  executionName,
  finishedRun,
  importInline,
  isImportKey,
  readHeader,
  workPrefix,
  writeImportError,
  type ImportJobConfig,
  type ImportSource,
} from '../../shared/import/s3-job.ts';
import type { ExecutionInput } from '../../shared/import/s3-map.ts';

export interface S3Record {
  eventName: string;
  bucket: string;
  key: string;
  etag: string;
}

/** The records of an S3 notification, keys decoded (S3 sends them URL-encoded, spaces as +). */
export function s3Records(event: unknown): S3Record[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) throw new TypeError('not an S3 event: no Records');
  return records.map((record: unknown) => {
    const r = record as {
      eventName?: unknown;
      s3?: { bucket?: { name?: unknown }; object?: { key?: unknown; eTag?: unknown } };
    };
    const bucket = r.s3?.bucket?.name;
    const key = r.s3?.object?.key;
    if (typeof r.eventName !== 'string' || typeof bucket !== 'string' || typeof key !== 'string')
      throw new TypeError('not an S3 event record: eventName, s3.bucket.name and s3.object.key are required');
    const etag = typeof r.s3?.object?.eTag === 'string' ? r.s3.object.eTag : '';
    return { eventName: r.eventName, bucket, key: decodeURIComponent(key.replace(/\+/g, ' ')), etag };
  });
}

export type RecordOutcome =
  | { outcome: 'ignored' | 'already-imported' | 'superseded' | 'already-started' }
  | { outcome: 'imported'; summary: ImportSummary }
  | { outcome: 'started'; executionName: string }
  | { outcome: 'refused'; error: string };

export interface ImportObjectDeps {
  s3: S3Client;
  config: ImportJobConfig;
  settings: PoolSettings;
  directory: DirectoryWriter;
  startExecution: (name: string, input: ExecutionInput) => Promise<boolean>;
  afterImport?: (out: string, summary: ImportSummary) => Promise<Record<string, unknown>>;
  log: Logger;
  now?: () => Date;
}

export async function importObject(record: S3Record, deps: ImportObjectDeps): Promise<RecordOutcome> {
  if (!record.eventName.startsWith('ObjectCreated:') || !isImportKey(record.key)) return { outcome: 'ignored' };
  const { s3, config } = deps;
  const head = await headObject(s3, record.bucket, record.key);
  // A newer version replaced this one: its own event imports it.
  if (record.etag && head.etag !== record.etag) return { outcome: 'superseded' };
  const source: ImportSource = { bucket: record.bucket, key: record.key, etag: head.etag };
  if (await finishedRun(s3, source)) return { outcome: 'already-imported' };

  try {
    if (config.stateMachineArn && head.size > config.inlineMaxBytes) {
      const header = await readHeader(s3, source);
      checkHeader(header, { mapping: config.mapping, settings: deps.settings });
      const name = executionName(source.key, source.etag);
      const started = await deps.startExecution(name, {
        ...source,
        header,
        settings: deps.settings,
        importedAt: (deps.now?.() ?? new Date()).toISOString(),
        workPrefix: workPrefix(source.key, source.etag),
        batchSize: config.map.batchSize,
        maxConcurrency: config.map.concurrency,
        toleratedFailurePercentage: config.map.toleratedFailurePercentage,
      });
      return started ? { outcome: 'started', executionName: name } : { outcome: 'already-started' };
    }
    const summary = await importInline({
      s3,
      source,
      settings: deps.settings,
      mapping: config.mapping,
      directory: deps.directory,
      table: config.table,
      batchSize: config.batchSize,
      afterImport: deps.afterImport,
    });
    return { outcome: 'imported', summary };
  } catch (error) {
    // A file that cannot be imported stays refused (retrying would not change it); anything else is retried.
    if (!(error instanceof ImportInputError)) throw error;
    await writeImportError(s3, source, error.message);
    return { outcome: 'refused', error: error.message };
  }
}
