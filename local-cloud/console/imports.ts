/**
 * The console's Imports view, served as JSON: each CSV under the local bucket's imports/ with what
 * batch-import left under results/<name>/ (summary.json's figures, rejects.csv's rows, error.json), and
 * the example run: a small sample export (scripts/import-sample.ts) put under imports/, which the local
 * S3 delivers to batch-import as S3 would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { getTextIfExists, listKeys } from '../../shared/aws/s3.ts';
import { REJECTS_FILE, SUMMARY_FILE } from '../../shared/import/run.ts';
import { ERROR_FILE, IMPORTS_PREFIX, importName, isImportKey, RESULTS_PREFIX } from '../../shared/import/s3-job.ts';
import { withoutSecrets } from './users.ts';

export interface ImportsSources {
  s3: () => S3Client;
  bucket: string;
}

/** The newest imports shown, and the rejects of each: a view, not the file (the file is in results/). */
const MAX_IMPORTS = 20;
const MAX_REJECTS = 100;
/** `import:sample`-sized for a look, not a load: its bad rows come after these users. */
export const EXAMPLE_USERS = 50;

export interface RejectRow {
  line: string;
  column: string;
  reason: string;
  /** As rejects.csv has it: the writer already left out what is no user name (shared/import/outputs.ts). */
  username: string;
}

export interface ImportView {
  key: string;
  name: string;
  /** pending: no summary yet (running, or refused: then error is set). */
  state: 'pending' | 'done' | 'error';
  summary?: Record<string, unknown>;
  error?: string;
  rejects: RejectRow[];
  rejectsTruncated: boolean;
}

/** rejects.csv's rows (line, column, reason, username), the first `max`. */
export function parseRejects(text: string, max = MAX_REJECTS): { rows: RejectRow[]; truncated: boolean } {
  const records = parse(text, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Array<
    Record<string, string | undefined>
  >;
  const rows = records.slice(0, max).map((record) => ({
    line: record.line ?? '',
    column: record.column ?? '',
    reason: record.reason ?? '',
    // The writer redacted it; a hash-looking cell is dropped here too, as everything the page gets.
    username: (withoutSecrets(record.username ?? '') as string | undefined) ?? '',
  }));
  return { rows, truncated: records.length > max };
}

/** summary.json's figures as the page shows them: the run's counts and where it came from, no more. */
export function summaryFigures(summary: unknown): Record<string, unknown> {
  if (typeof summary !== 'object' || summary === null) return {};
  const pick = [
    'rowsRead',
    'accepted',
    'rejected',
    'rejectedByReason',
    'directoryItemsWritten',
    'directoryAlreadyMigrated',
    'filesWritten',
    'seconds',
    'mode',
  ];
  const fields = summary as Record<string, unknown>;
  return withoutSecrets(
    Object.fromEntries(pick.filter((name) => name in fields).map((name) => [name, fields[name]])),
  ) as Record<string, unknown>;
}

async function importView(sources: ImportsSources, key: string): Promise<ImportView> {
  const prefix = `${RESULTS_PREFIX}${importName(key)}/`;
  const read = (file: string) => getTextIfExists(sources.s3(), sources.bucket, `${prefix}${file}`);
  const [summaryText, errorText, rejectsText] = await Promise.all([
    read(SUMMARY_FILE),
    read(ERROR_FILE),
    read(REJECTS_FILE),
  ]);
  const rejects = rejectsText ? parseRejects(rejectsText) : { rows: [], truncated: false };
  const json = (text: string | undefined): unknown => {
    try {
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    } catch {
      return undefined;
    }
  };
  const error = (json(errorText) as { error?: unknown } | undefined)?.error;
  const summary = json(summaryText);
  return {
    key,
    name: importName(key),
    state: summary !== undefined ? 'done' : error !== undefined ? 'error' : 'pending',
    ...(summary !== undefined ? { summary: summaryFigures(summary) } : {}),
    ...(typeof error === 'string' ? { error } : {}),
    rejects: rejects.rows,
    rejectsTruncated: rejects.truncated,
  };
}

/** The bucket's imports, last key first (S3 lists in key order; the example keys carry their time). */
export async function listImports(sources: ImportsSources): Promise<ImportView[]> {
  const keys = (await listKeys(sources.s3(), sources.bucket, IMPORTS_PREFIX)).filter(isImportKey);
  return Promise.all(
    keys
      .reverse()
      .slice(0, MAX_IMPORTS)
      .map((key) => importView(sources, key)),
  );
}

/** `imports/example-<time>.csv`: sortable, and never the name of an import a person put there. */
export const exampleKey = (at: Date) => `${IMPORTS_PREFIX}example-${at.toISOString().replace(/[:.]/gu, '-')}.csv`;

/**
 * The sample's user names and addresses under a prefix of this run (its case kept, as the sample mixes
 * cases): a second run, or the sample imported by hand, then meets none of these users as duplicates
 * or as already migrated.
 */
export function prefixSampleNames(csv: string, prefix: string): string {
  return csv.replace(/legacy\.user/giu, (name) =>
    name === name.toUpperCase() ? `${prefix.toUpperCase()}.${name}` : `${prefix}.${name}`,
  );
}

const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `npm run import:sample`'s program. */
const SAMPLE_SCRIPT = join(ROOT_DIR, 'scripts', 'import-sample.ts');

/** Writes a sample export and puts it under imports/: batch-import takes it from there. */
export async function putExampleImport(
  sources: ImportsSources,
  at = new Date(),
): Promise<{ key: string; name: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'console-import-'));
  try {
    const file = join(dir, 'example.csv');
    // In a process of its own: hashing the sample's passwords (scrypt, PBKDF2 and bcrypt at real costs)
    // takes seconds of CPU, which in the stack's process would stall every server and function in it.
    await promisify(execFile)(
      process.execPath,
      ['--no-warnings', '--import', 'tsx', SAMPLE_SCRIPT, '--users', String(EXAMPLE_USERS), '--out', file],
      { cwd: ROOT_DIR, timeout: 120_000 },
    );
    const key = exampleKey(at);
    const body = prefixSampleNames(readFileSync(file, 'utf8'), `ex${at.getTime().toString(36)}`);
    await sources
      .s3()
      .send(new PutObjectCommand({ Bucket: sources.bucket, Key: key, Body: body, ContentType: 'text/csv' }));
    return { key, name: importName(key) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
