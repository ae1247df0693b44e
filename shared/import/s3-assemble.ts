/**
 * The state machine's final step: the batches' part objects (s3-map.ts) become exactly the outputs the
 * CLI writes for the same file. Candidates are replayed in file order with the CLI's uniqueness rule (the
 * first accepted row of a user name, e-mail or phone keeps it; a rejected row claims nothing), each row
 * gets the line it starts on (the source is read once more through the CLI's parser and line counter),
 * rejects.csv and the Cognito import files are written, and the directory is repaired where a batch wrote
 * a row the CLI would have rejected: the first row's item is put again where a later duplicate may have
 * overwritten it, and an item nobody kept is deleted.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import {
  COGNITO_FILE_LIMITS,
  cognitoFileName,
  cognitoHeaderLine,
  fitsInFile,
  type CognitoFileLimits,
} from './cognito-csv.ts';
import { LineCounter } from './lines.ts';
import { REJECTS_HEADER, rejectsText } from './outputs.ts';
import { uniqueContacts, type ContactAttribute, type PoolSettings } from './pool.ts';
import { seenInMemory } from './processor.ts';
import { CSV_PARSE_OPTIONS, ImportInputError, REJECTS_FILE, type ImportSummary } from './run.ts';
import type { PartEntry } from './s3-map.ts';
import type { LegacyUserItem } from '../stores/legacy-user.ts';

const DUPLICATE: Record<ContactAttribute, string> = { email: 'email-duplicate', phone_number: 'phone-duplicate' };

/** As processor.ts compares contacts: the normalised e-mail of the item, the phone number as given (E.164). */
const contactKey = (kind: ContactAttribute, item: LegacyUserItem) =>
  kind === 'email' ? item.email : item.attributes.phone_number;

/** The line each data row starts on, in order (the header and empty lines are no rows, as in the CLI). */
export async function* dataRowLines(source: Readable): AsyncGenerator<number> {
  const parser = source.pipe(parse(CSV_PARSE_OPTIONS));
  source.on('error', (error) => parser.destroy(error));
  const counter = new LineCounter(1);
  let header = true;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = counter.next(record);
      if (header) {
        header = false;
        continue;
      }
      if (record.length === 1 && record[0] === '') continue;
      yield line;
    }
  } catch (error) {
    // csv-parse quotes the field it chokes on; this message ends in the execution's history and logs.
    if (error instanceof CsvError) throw new ImportInputError(`the source is not CSV: ${error.message}`);
    throw error;
  }
}

export interface AssembleOptions {
  entries: AsyncIterable<PartEntry> | Iterable<PartEntry>;
  lines: AsyncIterator<number> | Iterator<number>;
  settings: PoolSettings;
  out: string;
  limits?: CognitoFileLimits;
}

export interface AssembleResult {
  rowsRead: number;
  accepted: number;
  /** Accepted rows whose user had already migrated: the directory kept their row. */
  alreadyMigrated: number;
  rejectedByReason: Record<string, number>;
  files: string[];
  /** Rows no batch reported (failed batches within the tolerated percentage), as line ranges. */
  missing: Array<{ fromLine: number; toLine: number; rows: number }>;
  /** Normalised user names whose items must be put again (the kept row's), and those to delete. */
  repairKeys: Set<string>;
  deleteKeys: Set<string>;
  /** Row indices of candidates the replay rejected (so a second pass can tell the kept row). */
  loserIndices: Set<number>;
}

/** Replays the batches' entries (in row-index order) into rejects.csv and the Cognito files in `out`. */
export async function assembleOutputs(options: AssembleOptions): Promise<AssembleResult> {
  const { settings, out } = options;
  const limits = options.limits ?? COGNITO_FILE_LIMITS;
  mkdirSync(out, { recursive: true });
  const seen = seenInMemory();
  const contacts = uniqueContacts(settings);
  const rejectsFd = openSync(join(out, REJECTS_FILE), 'w');
  writeSync(rejectsFd, REJECTS_HEADER);
  const headerLine = `${cognitoHeaderLine(settings.csvHeader)}\n`;
  const file = { index: 0, bytes: 0, users: 0 };
  let fileFd: number | undefined;
  let pendingRejects: Array<[string, string, string, string]> = [];
  let pendingLines: string[] = [];
  const result: AssembleResult = {
    rowsRead: 0,
    accepted: 0,
    alreadyMigrated: 0,
    rejectedByReason: {},
    files: [],
    missing: [],
    repairKeys: new Set(),
    deleteKeys: new Set(),
    loserIndices: new Set(),
  };
  const loserKeys = new Set<string>();

  const flushLines = () => {
    if (pendingLines.length && fileFd !== undefined) writeSync(fileFd, pendingLines.join(''));
    pendingLines = [];
  };
  const flushRejects = () => {
    if (pendingRejects.length) writeSync(rejectsFd, rejectsText(pendingRejects));
    pendingRejects = [];
  };
  const reject = (line: number, column: string, reason: string, username: string) => {
    pendingRejects.push([String(line), column, reason, username]);
    result.rejectedByReason[reason] = (result.rejectedByReason[reason] ?? 0) + 1;
    if (pendingRejects.length >= 1000) flushRejects();
  };
  const appendLine = (cognitoLine: string) => {
    const text = `${cognitoLine}\n`;
    const bytes = Buffer.byteLength(text);
    if (file.index === 0 || !fitsInFile(file, bytes, limits)) {
      flushLines();
      if (fileFd !== undefined) closeSync(fileFd);
      file.index += 1;
      fileFd = openSync(join(out, cognitoFileName(file.index)), 'w');
      writeSync(fileFd, headerLine);
      file.bytes = Buffer.byteLength(headerLine);
      file.users = 0;
      result.files.push(cognitoFileName(file.index));
    }
    pendingLines.push(text);
    file.bytes += bytes;
    file.users += 1;
    if (pendingLines.length >= 1000) flushLines();
  };

  let next = 0;
  let lastLine = 1;
  const lineOf = async (index: number): Promise<number> => {
    // Rows between the last entry and this one were in batches that failed.
    let gapFrom: number | undefined;
    let gapRows = 0;
    for (; next <= index; next += 1) {
      const step = await options.lines.next();
      if (step.done) throw new Error(`row ${index} is past the end of the source file: was it replaced mid-run?`);
      lastLine = step.value;
      if (next < index) {
        gapFrom ??= step.value;
        gapRows += 1;
      }
    }
    if (gapFrom !== undefined) result.missing.push({ fromLine: gapFrom, toLine: lastLine - 1, rows: gapRows });
    return lastLine;
  };

  try {
    let previous = -1;
    for await (const entry of options.entries) {
      if (entry.i <= previous) throw new Error(`row ${entry.i} arrived after row ${previous}: batches overlap`);
      previous = entry.i;
      const line = await lineOf(entry.i);
      result.rowsRead += 1;
      if ('r' in entry) {
        reject(line, entry.r[0], entry.r[1], entry.r[2]);
        continue;
      }
      const item = entry.u;
      if (seen.has('username', item.username)) {
        reject(line, 'username', 'username-duplicate', item.usernameAsGiven);
        loserKeys.add(item.username);
        result.loserIndices.add(entry.i);
        continue;
      }
      const taken = contacts.find((kind) => {
        const value = contactKey(kind, item);
        return value !== undefined && seen.has(kind, value);
      });
      if (taken) {
        reject(line, taken, DUPLICATE[taken], item.usernameAsGiven);
        loserKeys.add(item.username);
        result.loserIndices.add(entry.i);
        continue;
      }
      seen.add('username', item.username);
      for (const kind of contacts) {
        const value = contactKey(kind, item);
        if (value !== undefined) seen.add(kind, value);
      }
      result.accepted += 1;
      if (entry.m === 1) result.alreadyMigrated += 1;
      appendLine(entry.c);
    }
    // Rows after the last entry: a failed last batch.
    let tailFrom: number | undefined;
    let tailRows = 0;
    for (let step = await options.lines.next(); !step.done; step = await options.lines.next()) {
      tailFrom ??= step.value;
      lastLine = step.value;
      tailRows += 1;
    }
    if (tailFrom !== undefined) result.missing.push({ fromLine: tailFrom, toLine: lastLine, rows: tailRows });
    flushLines();
    flushRejects();
  } finally {
    closeSync(rejectsFd);
    if (fileFd !== undefined) closeSync(fileFd);
  }
  for (const key of loserKeys) (seen.has('username', key) ? result.repairKeys : result.deleteKeys).add(key);
  result.rejectedByReason = Object.fromEntries(
    Object.entries(result.rejectedByReason).sort(([a], [b]) => a.localeCompare(b)),
  );
  return result;
}

/** The CLI's summary for an assembled run. */
export function assembledSummary(input: string, result: AssembleResult, seconds: number): ImportSummary {
  const rejected = Object.values(result.rejectedByReason).reduce((sum, n) => sum + n, 0);
  return {
    input,
    dryRun: false,
    rowsRead: result.rowsRead,
    accepted: result.accepted,
    rejected,
    rejectedByReason: result.rejectedByReason,
    directoryItemsWritten: result.accepted - result.alreadyMigrated,
    directoryAlreadyMigrated: result.alreadyMigrated,
    filesWritten: result.files.length,
    files: result.files,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: seconds > 0 ? Math.round(result.rowsRead / seconds) : 0,
    resumed: false,
  };
}

/**
 * The directory items to put again after the replay: for each user name a rejected duplicate may have
 * overwritten, the item of the row that kept it (read from a second pass over the parts).
 */
export async function itemsToRepair(
  entries: AsyncIterable<PartEntry> | Iterable<PartEntry>,
  result: Pick<AssembleResult, 'repairKeys' | 'loserIndices'>,
): Promise<LegacyUserItem[]> {
  const kept: LegacyUserItem[] = [];
  if (result.repairKeys.size === 0) return kept;
  for await (const entry of entries) {
    if ('u' in entry && result.repairKeys.has(entry.u.username) && !result.loserIndices.has(entry.i))
      kept.push(entry.u);
  }
  return kept;
}
