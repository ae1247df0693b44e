/**
 * The import as a resumable, streamed run over one file: csv-parse → the row-batch processor → the
 * legacy directory, the Cognito import files and rejects.csv → a checkpoint → summary.json.
 *
 * Crash safety. After each batch the directory items are written (awaited), then the batch's lines are
 * appended to the import file and rejects.csv (synchronous writes: in the kernel before we go on), then
 * the checkpoint is replaced atomically (write + rename) with the record count and every file's byte
 * offset. A kill -9 anywhere leaves outputs at or beyond the last checkpoint; --resume cuts them back to
 * it, deletes import files begun after it, re-reads the input up to it to rebuild the "seen" sets
 * (replay: validation only, no output), and carries on. Directory puts are idempotent by key, so a batch
 * written twice is one set of items. Memory is flat: one batch, csv-parse's buffer, the hash sets.
 */
import { CsvError } from 'csv-parse';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  COGNITO_FILE_LIMITS,
  cognitoFileName,
  cognitoHeaderLine,
  fitsInFile,
  type CognitoFileLimits,
} from './cognito-csv.ts';
import { HeaderError, resolveColumns, type ColumnMapping, type ResolvedColumns } from './columns.ts';
import type { DirectoryWriter } from './directory.ts';
import { LineCounter } from './lines.ts';
import type { PoolSettings } from './pool.ts';
import { createRowProcessor, type RejectedRow, type RowInput, type RowProcessor } from './processor.ts';
import { recordsOf, type ParseIn } from './records.ts';
import { REJECTS_HEADER, rejectsText } from './outputs.ts';
import { redactText } from '../runtime/redact.ts';

export { CSV_PARSE_OPTIONS } from './records.ts';

export const REJECTS_FILE = 'rejects.csv';
export const SUMMARY_FILE = 'summary.json';
export const CHECKPOINT_FILE = 'checkpoint.json';
/** How often the checkpoint is replaced during a run. */
const CHECKPOINT_MS = 250;
/** The input cannot be read, is not CSV, or lacks a required column (the CLI's exit 1). */
export class ImportInputError extends Error {
  override readonly name = 'ImportInputError';
  /** Redacted here, once: the text reaches stderr, error.json and logs, and csv-parse quotes fields. */
  constructor(message: string) {
    super(redactText(message));
  }
}

/** The output folder does not fit the request: an unfinished run without --resume, or a resume that does not match. */
export class ImportStateError extends Error {
  override readonly name = 'ImportStateError';
  constructor(message: string) {
    super(redactText(message));
  }
}

export interface ImportProgress {
  rowsRead: number;
  /** Rows a resumed run found done at its checkpoint (0 for a fresh run). */
  rowsBefore: number;
  accepted: number;
  rejected: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportRunOptions {
  input: string;
  out: string;
  settings: PoolSettings;
  mapping?: ColumnMapping;
  /** Absent: a dry run (no directory writes; files are still written). */
  directory?: DirectoryWriter;
  /** The directory's name (table), part of what a resume must match. */
  directoryName?: string;
  resume?: boolean;
  /** Rows per batch: one directory load, one append per file, one checkpoint. */
  batchSize?: number;
  limits?: CognitoFileLimits;
  onProgress?: (progress: ImportProgress) => void;
  onWarning?: (message: string) => void;
  now?: () => Date;
  /** Where csv-parse runs (default: a worker thread when there is a second core, see records.ts). */
  parseIn?: ParseIn;
}

export interface ImportSummary {
  input: string;
  dryRun: boolean;
  rowsRead: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  directoryItemsWritten: number;
  /** Accepted rows not written: the user has already migrated (the directory keeps its row, without the hash). */
  directoryAlreadyMigrated: number;
  filesWritten: number;
  files: string[];
  seconds: number;
  rowsPerSecond: number;
  resumed: boolean;
}

export interface ImportOutcome {
  summary: ImportSummary;
  /** True when --resume found the run already finished (nothing was done). */
  alreadyComplete: boolean;
  /** The data row count the run resumed after, when it resumed. */
  resumedAfterRows?: number;
}

interface FileState {
  /** 0: no import file begun yet. */
  index: number;
  bytes: number;
  users: number;
}

interface Checkpoint {
  version: 1;
  input: { size: number; mtimeMs: number };
  fingerprint: string;
  importedAt: string;
  elapsedMs: number;
  /** Parser records consumed: the header, rows and empty lines. */
  records: number;
  rowsRead: number;
  accepted: number;
  rejectedByReason: Record<string, number>;
  itemsWritten: number;
  /** Absent in checkpoints written before it was counted. */
  alreadyMigrated?: number;
  file: FileState;
  rejectsBytes: number;
}

const IMPORT_FILE = /^cognito-import-(\d{4,})\.csv$/;

function fingerprintOf(options: ImportRunOptions): string {
  const what = {
    settings: options.settings,
    mapping: options.mapping ?? {},
    directory: options.directory ? (options.directoryName ?? 'directory') : null,
    limits: options.limits ?? COGNITO_FILE_LIMITS,
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

function writeJsonAtomically(file: string, value: unknown): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}

function importFiles(out: string): Array<{ name: string; index: number }> {
  return readdirSync(out)
    .map((name) => ({ name, match: IMPORT_FILE.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ name, match }) => ({ name, index: Number(match[1]) }))
    .sort((a, b) => a.index - b.index);
}

function inputStat(input: string): { size: number; mtimeMs: number } {
  try {
    const stat = statSync(input);
    if (!stat.isFile()) throw new ImportInputError(`cannot read ${input}: not a file`);
    closeSync(openSync(input, 'r'));
    return { size: stat.size, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if (error instanceof ImportInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ImportInputError(`cannot read ${input}: ${code}`);
  }
}

function readCheckpoint(out: string): Checkpoint | undefined {
  const file = join(out, CHECKPOINT_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const checkpoint = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
    if (checkpoint.version !== 1) throw new Error(`version ${String(checkpoint.version)}`);
    return checkpoint;
  } catch (error) {
    throw new ImportStateError(`${file} is unreadable (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Cuts a file back to `bytes`; the file must be at least that long (else outputs were lost). */
function truncateTo(file: string, bytes: number): void {
  const size = existsSync(file) ? statSync(file).size : -1;
  if (size < bytes) throw new ImportStateError(`${file} is shorter than its checkpoint (${size} < ${bytes} bytes)`);
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

export async function runImport(options: ImportRunOptions): Promise<ImportOutcome> {
  const { input, out, settings } = options;
  const limits = options.limits ?? COGNITO_FILE_LIMITS;
  const batchSize = options.batchSize ?? 2_000;
  const now = options.now ?? (() => new Date());
  const stat = inputStat(input);
  const fingerprint = fingerprintOf(options);
  mkdirSync(out, { recursive: true });

  let checkpoint = readCheckpoint(out);
  if (checkpoint && !options.resume) {
    throw new ImportStateError(
      `${out} holds an unfinished import: finish it with --resume, or remove ${join(out, CHECKPOINT_FILE)} to start over`,
    );
  }
  if (options.resume && !checkpoint && existsSync(join(out, SUMMARY_FILE))) {
    const summary = JSON.parse(readFileSync(join(out, SUMMARY_FILE), 'utf8')) as ImportSummary;
    return { summary, alreadyComplete: true };
  }
  if (checkpoint) {
    if (checkpoint.input.size !== stat.size || checkpoint.input.mtimeMs !== stat.mtimeMs) {
      throw new ImportStateError(`${input} changed since the checkpoint in ${out} was written: it cannot be resumed`);
    }
    if (checkpoint.fingerprint !== fingerprint) {
      throw new ImportStateError(
        `the pool settings, mapping, table or dry-run choice differ from the run being resumed in ${out}`,
      );
    }
    truncateTo(join(out, REJECTS_FILE), checkpoint.rejectsBytes);
    const current = checkpoint.file.index;
    for (const { name, index } of importFiles(out)) if (index > current) rmSync(join(out, name));
    if (current > 0) truncateTo(join(out, cognitoFileName(current)), checkpoint.file.bytes);
  } else {
    // A fresh run replaces what an earlier finished run left.
    for (const { name } of importFiles(out)) rmSync(join(out, name));
    rmSync(join(out, SUMMARY_FILE), { force: true });
    writeFileSync(join(out, REJECTS_FILE), REJECTS_HEADER);
    checkpoint = {
      version: 1,
      input: stat,
      fingerprint,
      importedAt: now().toISOString(),
      elapsedMs: 0,
      records: 0,
      rowsRead: 0,
      accepted: 0,
      rejectedByReason: {},
      itemsWritten: 0,
      file: { index: 0, bytes: 0, users: 0 },
      rejectsBytes: Buffer.byteLength(REJECTS_HEADER),
    };
    writeJsonAtomically(join(out, CHECKPOINT_FILE), checkpoint);
  }

  const state: Checkpoint = structuredClone(checkpoint);
  const resumed = state.records > 0;
  const replayUntil = state.records;
  const startedAt = performance.now();
  const elapsedBefore = state.elapsedMs;
  let checkpointedAt = 0;
  // Rows the checkpoint on disk covers. While it covers none, it says no more than "a run began": a
  // failure then removes it, so that the corrected rerun starts afresh instead of being sent to --resume.
  let checkpointedRecords = state.records;
  const rejectsFd = openSync(join(out, REJECTS_FILE), 'a');
  let fileFd = state.file.index > 0 ? openSync(join(out, cognitoFileName(state.file.index)), 'a') : undefined;
  const headerLine = `${cognitoHeaderLine(settings.csvHeader)}\n`;
  const headerBytes = Buffer.byteLength(headerLine);
  const rejectedCount = () => Object.values(state.rejectedByReason).reduce((sum, n) => sum + n, 0);

  const records = recordsOf(input, options.parseIn);

  const progress = () =>
    options.onProgress?.({
      rowsRead: state.rowsRead,
      rowsBefore: checkpoint.rowsRead,
      accepted: state.accepted,
      rejected: rejectedCount(),
      bytesRead: records.bytesParsed,
      totalBytes: stat.size,
    });

  function openNextFile(): void {
    if (fileFd !== undefined) closeSync(fileFd);
    state.file = { index: state.file.index + 1, bytes: 0, users: 0 };
    fileFd = openSync(join(out, cognitoFileName(state.file.index)), 'w');
    writeSync(fileFd, headerLine);
    state.file.bytes = headerBytes;
  }

  function appendRejects(rows: readonly RejectedRow[]): void {
    if (rows.length === 0) return;
    const text = rejectsText(rows.map((row) => [String(row.line), row.column, row.reason, row.username]));
    writeSync(rejectsFd, text);
    state.rejectsBytes += Buffer.byteLength(text);
    for (const row of rows) state.rejectedByReason[row.reason] = (state.rejectedByReason[row.reason] ?? 0) + 1;
  }

  /** Appends the lines to the current import file, beginning the next one where a limit would be passed. */
  function appendCognitoLines(lines: readonly string[]): void {
    if (lines.length === 0) return;
    // Encoded once: its length is the byte count, and the write copies no string again.
    const text = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const bytes = text.length;
    // The common case, one write for the batch: it all fits the current file.
    if (
      state.file.index > 0 &&
      state.file.users + lines.length <= limits.maxUsers &&
      state.file.bytes + bytes <= limits.maxBytes
    ) {
      writeSync(fileFd as number, text);
      state.file.bytes += bytes;
      state.file.users += lines.length;
      return;
    }
    let pending: string[] = [];
    const writePending = () => {
      if (pending.length && fileFd !== undefined) writeSync(fileFd, pending.join(''));
      pending = [];
    };
    for (const line of lines) {
      const lineText = `${line}\n`;
      const lineBytes = Buffer.byteLength(lineText);
      if (state.file.index === 0 || !fitsInFile(state.file, lineBytes, limits)) {
        writePending();
        openNextFile();
      }
      pending.push(lineText);
      state.file.bytes += lineBytes;
      state.file.users += 1;
    }
    writePending();
  }

  async function flush(processor: RowProcessor, rows: RowInput[], recordsDone: number): Promise<void> {
    const { accepted, rejected } = processor.processBatch(rows);
    if (options.directory && accepted.length > 0) {
      const outcome = await options.directory.write(accepted.map((row) => row.item));
      state.itemsWritten += outcome.written;
      state.alreadyMigrated = (state.alreadyMigrated ?? 0) + outcome.alreadyMigrated.length;
    }
    appendCognitoLines(accepted.map((row) => row.cognitoLine));
    appendRejects(rejected);
    state.rowsRead += rows.length;
    state.accepted += accepted.length;
    state.records = recordsDone;
    state.elapsedMs = elapsedBefore + (performance.now() - startedAt);
    // Any batch boundary is a valid checkpoint; writing one at most every CHECKPOINT_MS bounds the
    // cost (a rename each) and the work a resume redoes.
    if (performance.now() - checkpointedAt >= CHECKPOINT_MS) {
      writeJsonAtomically(join(out, CHECKPOINT_FILE), state);
      checkpointedAt = performance.now();
      checkpointedRecords = state.records;
    }
    progress();
  }

  const counter = new LineCounter(1);
  let columns: ResolvedColumns | undefined;
  let processor: RowProcessor | undefined;
  let recordCount = 0;
  let batch: RowInput[] = [];
  let replay: RowInput[] = [];
  let reserved = false;
  try {
    for await (const record of records) {
      recordCount += 1;
      const line = counter.next(record);
      if (!columns) {
        columns = headerColumns(record, input, options.mapping, settings);
        if (columns.ignored.length && !resumed) {
          options.onWarning?.(`columns left out (not Cognito attributes): ${columns.ignored.join(', ')}`);
        }
        processor = createRowProcessor({ columns, settings, importedAt: state.importedAt, limits });
        continue;
      }
      // An empty line is no row (csv-parse gives it as one empty field).
      if (record.length === 1 && record[0] === '') continue;
      const row = { line, fields: record };
      if (!reserved && recordCount > batchSize) {
        // One batch in, the rows' size is known: room for the whole file's values now, before the
        // uniqueness sets are big (flat memory: no growth, with old and new tables, later on).
        reserved = true;
        started(processor).reserve(expectedRows(records.recordsParsed, records.bytesParsed, stat.size));
      }
      if (recordCount <= replayUntil) {
        // Rows the checkpoint covers: validated again only to rebuild the "seen" sets; output dropped.
        replay.push(row);
        if (replay.length >= batchSize) replay = replayed(processor, replay);
        continue;
      }
      if (replay.length) replay = replayed(processor, replay);
      batch.push(row);
      if (batch.length >= batchSize) {
        await flush(started(processor), batch, recordCount);
        batch = [];
      }
    }
    if (!columns) throw new ImportInputError(`${input} is empty: no header row`);
    if (replay.length) replay = replayed(processor, replay);
    if (batch.length || recordCount > state.records) await flush(started(processor), batch, recordCount);
  } catch (error) {
    if (checkpointedRecords === 0) rmSync(join(out, CHECKPOINT_FILE), { force: true });
    if (error instanceof CsvError) {
      throw new ImportInputError(
        `${input} is not CSV: ${error.message.replace(/ at line \d+/, '')} (near line ${counter.current})`,
      );
    }
    if (error instanceof HeaderError) throw new ImportInputError(`${input}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code && /^E[A-Z]+$/.test(code) && !(error instanceof ImportInputError)) {
      throw new ImportInputError(`cannot read ${input}: ${code}`);
    }
    throw error;
  } finally {
    closeSync(rejectsFd);
    if (fileFd !== undefined) closeSync(fileFd);
    records.close();
  }

  const seconds = (elapsedBefore + (performance.now() - startedAt)) / 1000;
  const summary: ImportSummary = {
    input,
    dryRun: !options.directory,
    rowsRead: state.rowsRead,
    accepted: state.accepted,
    rejected: rejectedCount(),
    rejectedByReason: Object.fromEntries(Object.entries(state.rejectedByReason).sort(([a], [b]) => a.localeCompare(b))),
    directoryItemsWritten: state.itemsWritten,
    directoryAlreadyMigrated: state.alreadyMigrated ?? 0,
    filesWritten: state.file.index,
    files: Array.from({ length: state.file.index }, (_, i) => cognitoFileName(i + 1)),
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: seconds > 0 ? Math.round(state.rowsRead / seconds) : 0,
    resumed,
  };
  // Summary first, then the checkpoint goes: a kill in between resumes into an empty tail and writes it again.
  writeJsonAtomically(join(out, SUMMARY_FILE), summary);
  rmSync(join(out, CHECKPOINT_FILE), { force: true });
  return { summary, alreadyComplete: false, ...(resumed ? { resumedAfterRows: checkpoint.rowsRead } : {}) };
}

/**
 * The rows a file of `totalBytes` likely holds, from the first `records` taking `bytesSoFar`: a tenth
 * more than the average so far would give (an unforeseen rest costs a growth step, not an error).
 */
export function expectedRows(records: number, bytesSoFar: number, totalBytes: number): number {
  if (records <= 0 || bytesSoFar <= 0) return 0;
  return Math.ceil(((records * totalBytes) / bytesSoFar) * 1.1);
}

function started(processor: RowProcessor | undefined): RowProcessor {
  if (!processor) throw new Error('no header yet');
  return processor;
}

function replayed(processor: RowProcessor | undefined, rows: RowInput[]): RowInput[] {
  started(processor).processBatch(rows);
  return [];
}

function headerColumns(
  record: string[],
  input: string,
  mapping: ColumnMapping | undefined,
  settings: PoolSettings,
): ResolvedColumns {
  if (record.some((field) => field.includes('\u0000')))
    throw new ImportInputError(`${input} is not CSV: binary data in the header`);
  return resolveColumns(record, mapping, settings.requiredAttributes);
}
