/**
 * The Distributed Map's steps over rows. No row ever passes through Step Functions: a Standard
 * execution keeps every state's input and output for 90 days, readable with states:GetExecutionHistory,
 * and rows hold password hashes and personal data. So the state machine hands out references only:
 *
 * - the plan (the first step) reads the object once with the CLI's parser and writes a manifest of byte
 *   ranges to S3, each range whole rows (`importMapBatchSize` of them) of this object version: the row
 *   index of its first row, its row count, and where its bytes start and end;
 * - the map's ItemReader reads that manifest, and each child gets one range and the run's settings;
 * - each batch (import-batch) reads its range itself (refused if the object changed since the plan),
 *   parses it with the same options, and gives each row its index in the file.
 *
 * Rows are validated by the same processor as the CLI's, but uniqueness in the file cannot be decided
 * here: batches run in any order on many machines, and the CLI keeps the *first* row of a duplicate.
 * So each batch accepts every row valid on its own (a candidate), writes the candidates to the legacy
 * directory, and leaves one part object in S3 with its candidates and rejects by row index; the final
 * step (s3-assemble.ts) replays the candidates in file order with the CLI's uniqueness rule, gives each
 * row its line number (reading the source once more), writes the outputs and repairs the directory where
 * a later duplicate overwrote an earlier row (rare, and only for rows the CLI would have rejected).
 *
 * Resumable: the plan is the same for the same object version, a retried or redriven batch writes the
 * same part object and the same items again, and the final step finds its summary: nothing is duplicated.
 */
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { CsvError, parse } from 'csv-parse';
import { objectVersionStream, putText } from '../aws/s3.ts';
import type { LegacyUserItem } from '../stores/legacy-user.ts';
import { resolveColumns, type ColumnMapping } from './columns.ts';
import type { DirectoryWriter } from './directory.ts';
import type { PoolSettings } from './pool.ts';
import { createRowProcessor, type RowInput, type SeenValues } from './processor.ts';
import { CSV_PARSE_OPTIONS, ImportInputError } from './run.ts';

/** What the state machine is started with (and passes on to the plan, the batches and the final step). */
export interface ExecutionInput {
  bucket: string;
  key: string;
  etag: string;
  header: string[];
  importedAt: string;
  workPrefix: string;
  /** The pool settings batch-import decided (the pool's own CSV header when it answered): every step uses these. */
  settings: PoolSettings;
  /** Rows per range (the plan), and for MaxConcurrencyPath and ToleratedFailurePercentagePath. */
  batchSize: number;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
}

/** Whole rows of one object version: bytes [start, end), `rows` data rows, the first of them row `first`. */
export interface RowRange {
  first: number;
  rows: number;
  start: number;
  end: number;
}

/** The plan step's input (the state's Payload template). */
export interface PlanEvent extends Pick<ExecutionInput, 'bucket' | 'key' | 'etag' | 'workPrefix' | 'batchSize'> {
  step: 'plan';
}

/** What the plan answers (the execution keeps it under `$.plan`): where the manifest is, and counts. */
export interface PlanOutcome {
  manifest: string;
  ranges: number;
  rows: number;
}

/** One Map child's input (the ItemSelector): a range and the run's settings, no row. */
export interface RangeEvent extends Pick<
  ExecutionInput,
  'bucket' | 'key' | 'etag' | 'header' | 'importedAt' | 'workPrefix' | 'settings'
> {
  step: 'batch';
  range: RowRange;
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

/** The plan's manifest: beside the parts, not one of them (the final step reads `*.ndjson`). */
export const manifestKey = (prefix: string) => `${prefix}ranges.json`;

/** Keeps nothing: uniqueness is decided by the final step, in file order. */
const NOTHING_SEEN: SeenValues = { has: () => false, add: () => undefined };

/** An empty line is no row (as in the CLI), though the parser keeps it as a record of one empty field. */
const isBlank = (record: readonly string[]) => record.length === 1 && record[0] === '';

/** csv-parse quotes the field it chokes on, which may be a hash: the message is redacted (ImportInputError). */
function notCsv(error: unknown): unknown {
  return error instanceof CsvError ? new ImportInputError(`the source is not CSV: ${error.message}`) : error;
}

const isString = (value: unknown): value is string => typeof value === 'string';
// Safe integers only: a byte offset goes into a Range header as written (1e21 would be "1e+21").
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function isRange(value: unknown): value is RowRange {
  const r = value as Partial<RowRange> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    isCount(r.first) &&
    isCount(r.rows) &&
    r.rows > 0 &&
    isCount(r.start) &&
    isCount(r.end) &&
    r.end > r.start
  );
}

/** Checks what the state machine handed over: a malformed step input is a failed step, not a wrong import. */
export function checkStepEvent(event: unknown): PlanEvent | RangeEvent {
  const e = event as (Partial<Omit<PlanEvent, 'step'>> & Partial<Omit<RangeEvent, 'step'>> & { step?: unknown }) | null;
  const common =
    typeof e === 'object' &&
    e !== null &&
    isString(e.bucket) &&
    isString(e.key) &&
    isString(e.etag) &&
    isString(e.workPrefix);
  if (common && e.step === 'plan' && Number.isSafeInteger(e.batchSize) && (e.batchSize as number) > 0)
    return e as PlanEvent;
  if (
    common &&
    e.step === 'batch' &&
    isString(e.importedAt) &&
    Array.isArray(e.header) &&
    e.header.every(isString) &&
    typeof e.settings === 'object' &&
    e.settings !== null &&
    Array.isArray(e.settings.csvHeader) &&
    isRange(e.range)
  )
    return e as RangeEvent;
  throw new TypeError(
    'not an import step: expected {step: "plan", bucket, key, etag, workPrefix, batchSize} or {step: "batch", ..., range: {first, rows, start, end}}',
  );
}

/**
 * The ranges of `batchSize` data rows each, read with the CLI's parser (a quoted field may hold line
 * breaks: a range ends where a record ends, never at a line break inside one). Empty lines between
 * ranges belong to none; the header to none.
 */
export async function* rowRanges(source: Readable, batchSize: number): AsyncGenerator<RowRange> {
  // info.bytes: the bytes parsed when a record is emitted, its delimiter (and a leading BOM) included.
  const parser = source.pipe(parse({ ...CSV_PARSE_OPTIONS, info: true }));
  source.on('error', (error) => parser.destroy(error));
  let header = true;
  let previousEnd = 0;
  let row = 0;
  let current: RowRange | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { bytes: number } }>) {
      const end = info.bytes;
      if (header || isBlank(record)) {
        header = false;
        previousEnd = end;
        continue;
      }
      current ??= { first: row, rows: 0, start: previousEnd, end };
      current.rows += 1;
      current.end = end;
      row += 1;
      previousEnd = end;
      if (current.rows >= batchSize) {
        yield current;
        current = undefined;
      }
    }
  } catch (error) {
    throw notCsv(error);
  }
  if (current) yield current;
}

/** The plan step: the object's ranges into the manifest the Map's ItemReader reads. */
export async function planRanges(event: PlanEvent, s3: S3Client): Promise<PlanOutcome> {
  const source = await objectVersionStream(s3, event.bucket, event.key, event.etag);
  const ranges: RowRange[] = [];
  try {
    for await (const range of rowRanges(source, event.batchSize)) ranges.push(range);
  } finally {
    source.destroy();
  }
  const manifest = manifestKey(event.workPrefix);
  await putText(s3, event.bucket, manifest, `${JSON.stringify(ranges)}\n`, 'application/json');
  const last = ranges.at(-1);
  return { manifest, ranges: ranges.length, rows: last ? last.first + last.rows : 0 };
}

/** The rows of one range, each with its row index in the file. */
export async function rangeRows(source: Readable, range: RowRange): Promise<RowInput[]> {
  // No BOM handling: a range never starts the file, and a first field that begins with U+FEFF is data.
  const parser = source.pipe(parse({ ...CSV_PARSE_OPTIONS, bom: false }));
  source.on('error', (error) => parser.destroy(error));
  const rows: RowInput[] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>)
      if (!isBlank(record)) rows.push({ line: range.first + rows.length, fields: record });
  } catch (error) {
    throw notCsv(error);
  }
  return rows;
}

export interface ProcessBatchOptions {
  mapping: ColumnMapping;
  directory: DirectoryWriter;
  s3: S3Client;
}

/** A Map child: reads its range, validates its rows, writes the candidates and its part object. */
export async function processRange(event: RangeEvent, options: ProcessBatchOptions): Promise<BatchOutcome> {
  const { range } = event;
  const source = await objectVersionStream(
    options.s3,
    event.bucket,
    event.key,
    event.etag,
    `bytes=${range.start}-${range.end - 1}`,
  );
  let rows: RowInput[];
  try {
    rows = await rangeRows(source, range);
  } finally {
    source.destroy();
  }
  if (rows.length !== range.rows)
    throw new Error(`bytes ${range.start}-${range.end - 1} hold ${rows.length} rows, the plan found ${range.rows}`);
  const columns = resolveColumns(event.header, options.mapping, event.settings.requiredAttributes);
  const processor = createRowProcessor({
    columns,
    settings: event.settings,
    importedAt: event.importedAt,
    seen: NOTHING_SEEN,
  });
  // The row index stands in for the line: the final step knows the lines.
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
  const text = entries.map((entry) => JSON.stringify(entry)).join('\n');
  await putText(options.s3, event.bucket, partKey(event.workPrefix, range.first), `${text}\n`, 'application/x-ndjson');
  return { first: range.first, rows: rows.length, candidates: accepted.length, rejected: rejected.length };
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
