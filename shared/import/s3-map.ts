/**
 * The Distributed Map's row-batch processor. The state machine's ItemReader reads the CSV from S3 (one
 * JSON object per row, keyed by the header), its ItemSelector adds each row's index (`$$.Map.Item.Index`,
 * 0 for the first row after the header), and its ItemBatcher hands this Lambda a batch:
 * `{BatchInput: {bucket, key, etag, header, importedAt, workPrefix}, Items: [{index, row}]}`.
 *
 * Rows are validated by the same processor as the CLI's, but uniqueness in the file cannot be decided
 * here: batches run in any order on many machines, and the CLI keeps the *first* row of a duplicate.
 * So each batch accepts every row valid on its own (a candidate), writes the candidates to the legacy
 * directory, and leaves one part object in S3 with its candidates and rejects by row index; the final
 * step (s3-assemble.ts) replays the candidates in file order with the CLI's uniqueness rule, gives each
 * row its line number, writes the outputs and repairs the directory where a later duplicate overwrote an
 * earlier row (rare, and only for rows the CLI would have rejected).
 *
 * A retried batch writes the same part object and the same items again: nothing is duplicated.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { putText } from '../aws/s3.ts';
import type { LegacyUserItem } from '../stores/legacy-user.ts';
import { resolveColumns, type ColumnMapping } from './columns.ts';
import type { DirectoryWriter } from './directory.ts';
import type { PoolSettings } from './pool.ts';
import { createRowProcessor, type RowInput, type SeenValues } from './processor.ts';

/** What the state machine is started with (and passes on to the batches and the final step). */
export interface ExecutionInput {
  bucket: string;
  key: string;
  etag: string;
  header: string[];
  importedAt: string;
  workPrefix: string;
  /** The pool settings batch-import decided (the pool's own CSV header when it answered): every step uses these. */
  settings: PoolSettings;
  /** For MaxItemsPerBatchPath, MaxConcurrencyPath and ToleratedFailurePercentagePath. */
  batchSize: number;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
}

export type BatchInput = Pick<
  ExecutionInput,
  'bucket' | 'key' | 'etag' | 'header' | 'importedAt' | 'workPrefix' | 'settings'
>;

export interface MapItem {
  index: number;
  row: Record<string, string>;
}

export interface BatchEvent {
  BatchInput: BatchInput;
  Items: MapItem[];
}

export interface BatchOutcome {
  first: number;
  rows: number;
  candidates: number;
  rejected: number;
}

/**
 * One line of a part object: a candidate (`c`: its Cognito line, `u`: its directory item, `m`: 1 when the
 * directory kept the row of a user who has already migrated) or a reject (`r`).
 */
export type PartEntry =
  | { i: number; c: string; u: LegacyUserItem; m?: 1 }
  | { i: number; r: [column: string, reason: string, username: string] };

/** Part objects sort by their first row index (zero-padded), which is file order. */
export const partKey = (prefix: string, first: number) => `${prefix}part-${String(first).padStart(12, '0')}.ndjson`;

/** Keeps nothing: uniqueness is decided by the final step, in file order. */
const NOTHING_SEEN: SeenValues = { has: () => false, add: () => undefined };

/**
 * A row object back into the row as the file had it. A row with exactly the header's fields is read by
 * name; any other (a field missing, extra fields under other keys) is taken in its own order, so the
 * validator sees the different count and rejects it as the CLI does (column-count).
 */
export function fieldsOf(row: Record<string, string>, header: readonly string[]): string[] {
  const keys = Object.keys(row);
  if (keys.length === header.length && header.every((name) => Object.hasOwn(row, name)))
    return header.map((name) => String(row[name]));
  return Object.values(row).map(String);
}

/** Checks what the state machine handed over: a malformed batch is a failed batch, not a wrong import. */
export function checkBatchEvent(event: unknown): BatchEvent {
  const e = event as Partial<BatchEvent> | null;
  const input = e?.BatchInput;
  const ok =
    typeof input === 'object' &&
    input !== null &&
    typeof input.bucket === 'string' &&
    typeof input.key === 'string' &&
    typeof input.etag === 'string' &&
    typeof input.importedAt === 'string' &&
    typeof input.workPrefix === 'string' &&
    typeof input.settings === 'object' &&
    input.settings !== null &&
    Array.isArray(input.settings.csvHeader) &&
    Array.isArray(input.header) &&
    input.header.every((name) => typeof name === 'string') &&
    Array.isArray(e?.Items) &&
    e.Items.length > 0 &&
    e.Items.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        Number.isInteger(item.index) &&
        item.index >= 0 &&
        typeof item.row === 'object' &&
        item.row !== null &&
        Object.values(item.row).every((value) => typeof value === 'string'),
    );
  if (!ok)
    throw new TypeError(
      'not a row batch: expected {BatchInput: {bucket, key, etag, header, ...}, Items: [{index, row}]}',
    );
  return e as BatchEvent;
}

export interface ProcessBatchOptions {
  mapping: ColumnMapping;
  directory: DirectoryWriter;
  s3: S3Client;
}

export async function processMapBatch(event: BatchEvent, options: ProcessBatchOptions): Promise<BatchOutcome> {
  const { BatchInput: input, Items: items } = event;
  const columns = resolveColumns(input.header, options.mapping, input.settings.requiredAttributes);
  const processor = createRowProcessor({
    columns,
    settings: input.settings,
    importedAt: input.importedAt,
    seen: NOTHING_SEEN,
  });
  // The row index stands in for the line: the final step knows the lines.
  const rows: RowInput[] = items.map((item) => ({ line: item.index, fields: fieldsOf(item.row, input.header) }));
  const { accepted, rejected } = processor.processBatch(rows);
  const migrated = new Set(
    accepted.length ? (await options.directory.write(accepted.map((row) => row.item))).alreadyMigrated : [],
  );

  const entries: PartEntry[] = [
    ...accepted.map((row): PartEntry => ({
      i: row.line,
      c: row.cognitoLine,
      u: row.item,
      ...(migrated.has(row.item.username) ? { m: 1 as const } : {}),
    })),
    ...rejected.map((row): PartEntry => ({ i: row.line, r: [row.column, row.reason, row.username] })),
  ].sort((a, b) => a.i - b.i);
  const first = entries[0]?.i ?? 0;
  const text = entries.map((entry) => JSON.stringify(entry)).join('\n');
  await putText(options.s3, input.bucket, partKey(input.workPrefix, first), `${text}\n`, 'application/x-ndjson');
  return { first, rows: items.length, candidates: accepted.length, rejected: rejected.length };
}

/** Checks the execution input the final step receives. */
export function checkExecutionInput(event: unknown): ExecutionInput {
  const e = event as Partial<ExecutionInput> | null;
  const ok =
    typeof e === 'object' &&
    e !== null &&
    ['bucket', 'key', 'etag', 'importedAt', 'workPrefix'].every(
      (name) => typeof (e as Record<string, unknown>)[name] === 'string',
    ) &&
    Array.isArray(e.header) &&
    typeof e.settings === 'object' &&
    e.settings !== null &&
    Array.isArray(e.settings.csvHeader);
  if (!ok) throw new TypeError('not an import execution input: expected {bucket, key, etag, header, settings, ...}');
  return e as ExecutionInput;
}
