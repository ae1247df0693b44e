/**
 * The import as a deployed job on S3: a CSV put under `imports/` is imported by the same pipeline as
 * the CLI (shared/import/run.ts), with the same settings and mapping (from the stack's parameters, as
 * environment variables), and its outputs land under `results/<name>/` exactly as the CLI writes them to
 * --out. A file small enough for one invocation runs here; a larger one goes to the state machine
 * (Distributed Map, shared/import/s3-map.ts and s3-assemble.ts).
 *
 * A rerun of the same object (same key and ETag: S3 may deliver an event twice) duplicates nothing:
 * the summary records the ETag it was made from and a second run finds it; an execution is named after
 * key and ETag, and Step Functions refuses a name twice; directory puts are by key.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parse } from 'csv-parse';
import type { S3Client } from '@aws-sdk/client-s3';
import { readConfig, type Env, type EnvReader, type SettingDescriptions } from '../config.ts';
import { redactText } from '../runtime/redact.ts';
import { deleteKeys, downloadToFile, getTextIfExists, listKeys, objectStream, putText, uploadFile } from '../aws/s3.ts';
import { HeaderError, parseMapping, resolveColumns, type ColumnMapping } from './columns.ts';
import type { DirectoryWriter } from './directory.ts';
import { DEFAULT_POOL_SETTINGS, poolSettings, type PoolSettings } from './pool.ts';
import { CSV_PARSE_OPTIONS, ImportInputError, runImport, SUMMARY_FILE, type ImportSummary } from './run.ts';

export const IMPORTS_PREFIX = 'imports/';
export const RESULTS_PREFIX = 'results/';
export const WORK_PREFIX = 'work/';
export const ERROR_FILE = 'error.json';

export interface ImportJobConfig {
  table: string;
  settings: PoolSettings;
  mapping: ColumnMapping;
  /** The pool for GetCSVHeader and for Cognito import jobs. */
  userPoolId: string | undefined;
  /** Larger objects go to the state machine. */
  inlineMaxBytes: number;
  stateMachineArn: string | undefined;
  map: { concurrency: number; batchSize: number; toleratedFailurePercentage: number };
  /** Directory PutItem requests (one item each) in flight, and rows per batch, as the CLI's --concurrency and --batch-size. */
  concurrency: number;
  batchSize: number;
  startJobs: boolean;
  jobsRoleArn: string | undefined;
}

function jsonObject(value: unknown): string[] {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? [] : ['expected a JSON object'];
}

/** The settings' reading, apart from the environment it reads, for `npm run docs`. */
export function readImportJob(read: EnvReader): ImportJobConfig {
  const poolJson = read.json<Record<string, unknown>>('IMPORT_POOL_SETTINGS', {}, jsonObject);
  const mappingJson = read.json<Record<string, unknown>>('IMPORT_MAPPING', {}, jsonObject);
  let settings: PoolSettings = DEFAULT_POOL_SETTINGS;
  let mapping: ColumnMapping = {};
  try {
    settings = poolSettings(poolJson, DEFAULT_POOL_SETTINGS);
  } catch (error) {
    read.problems.push(`IMPORT_POOL_SETTINGS: ${(error as Error).message}`);
  }
  try {
    mapping = parseMapping(mappingJson);
  } catch (error) {
    read.problems.push(`IMPORT_MAPPING: ${(error as Error).message}`);
  }
  const startJobs = read.bool('IMPORT_START_JOBS', false);
  const jobsRoleArn = read.string('IMPORT_JOBS_ROLE_ARN');
  const userPoolId = read.string('IMPORT_USER_POOL_ID');
  if (startJobs && (!jobsRoleArn || !userPoolId))
    read.problems.push('IMPORT_START_JOBS: needs IMPORT_JOBS_ROLE_ARN and IMPORT_USER_POOL_ID');
  return {
    table: read.required('LEGACY_USERS_TABLE'),
    settings,
    mapping,
    userPoolId,
    inlineMaxBytes: read.int('IMPORT_INLINE_MAX_BYTES', 50_000_000, { min: 0 }),
    stateMachineArn: read.string('IMPORT_STATE_MACHINE_ARN'),
    map: {
      concurrency: read.int('IMPORT_MAP_CONCURRENCY', 10, { min: 1, max: 10_000 }),
      batchSize: read.int('IMPORT_MAP_BATCH_SIZE', 1_000, { min: 1, max: 10_000 }),
      toleratedFailurePercentage: read.int('IMPORT_MAP_TOLERATED_FAILURE_PERCENT', 0, { min: 0, max: 100 }),
    },
    concurrency: read.int('IMPORT_CONCURRENCY', 16, { min: 1, max: 64 }),
    batchSize: read.int('IMPORT_BATCH_SIZE', 2_000, { min: 1, max: 100_000 }),
    startJobs,
    jobsRoleArn,
  };
}

export function readImportJobConfig(env: Env = process.env): ImportJobConfig {
  return readConfig(readImportJob, env);
}

export const settingDescriptions: SettingDescriptions = {
  IMPORT_POOL_SETTINGS: "the target pool's settings, as `--pool-config` (JSON)",
  IMPORT_MAPPING: "renames an export's columns, as `--mapping` (JSON)",
  IMPORT_START_JOBS: 'run Cognito import jobs on the files (below)',
  IMPORT_JOBS_ROLE_ARN: 'the role Cognito import jobs log with (the stack sets it)',
  IMPORT_USER_POOL_ID: 'the target pool, for GetCSVHeader and import jobs (the stack sets it)',
  IMPORT_INLINE_MAX_BYTES: 'larger files go to the state machine',
  IMPORT_STATE_MACHINE_ARN: 'the state machine for larger files (the stack sets it)',
  IMPORT_MAP_CONCURRENCY: "batches at once (the Map's `MaxConcurrencyPath`)",
  IMPORT_MAP_BATCH_SIZE: 'rows per range (the plan step cuts the file into ranges of this many whole rows)',
  IMPORT_MAP_TOLERATED_FAILURE_PERCENT: '`ToleratedFailurePercentagePath`',
  IMPORT_CONCURRENCY: 'directory PutItem requests in flight, as `--concurrency`',
  IMPORT_BATCH_SIZE: 'rows per batch, as `--batch-size`',
};

/** `imports/users.csv` → `users`; `imports/team/users.csv` → `team/users` (what results/ is named by). */
export function importName(key: string): string {
  const relative = key.startsWith(IMPORTS_PREFIX) ? key.slice(IMPORTS_PREFIX.length) : key;
  return relative.replace(/\.csv$/i, '');
}

export const resultsPrefix = (key: string) => `${RESULTS_PREFIX}${importName(key)}/`;
export const workPrefix = (key: string, etag: string) => `${WORK_PREFIX}${importName(key)}/${etag}/`;

/** Whether an S3 object is an import to run: a CSV under imports/. */
export const isImportKey = (key: string) => key.startsWith(IMPORTS_PREFIX) && /\.csv$/i.test(key) && !key.endsWith('/');

/**
 * The execution name for one object version: readable, and unique per key and ETag (names are 1..80
 * characters of letters, digits, - and _).
 */
export function executionName(key: string, etag: string): string {
  const readable = importName(key)
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, 40);
  const digest = createHash('sha256').update(`${key}\n${etag}`).digest('hex').slice(0, 32);
  return `${readable}-${digest}`;
}

export interface ImportSource {
  bucket: string;
  key: string;
  etag: string;
}

/** summary.json of the deployed job: the CLI's summary, where the input is the object, and how it ran. */
export type JobSummary = ImportSummary & {
  source: ImportSource;
  mode: 'function' | 'state-machine';
  [extra: string]: unknown;
};

/** The summary a previous run left for this same object version, if any: then there is nothing to do. */
export async function finishedRun(s3: S3Client, source: ImportSource): Promise<JobSummary | undefined> {
  const text = await getTextIfExists(s3, source.bucket, `${resultsPrefix(source.key)}${SUMMARY_FILE}`);
  if (text === undefined) return undefined;
  try {
    const summary = JSON.parse(text) as JobSummary;
    return summary.source?.key === source.key && summary.source.etag === source.etag ? summary : undefined;
  } catch {
    return undefined;
  }
}

/** Records why an object could not be imported (a file that is not CSV, lacks a column, ...). */
export async function writeImportError(s3: S3Client, source: ImportSource, message: string): Promise<void> {
  await putText(
    s3,
    source.bucket,
    `${resultsPrefix(source.key)}${ERROR_FILE}`,
    `${JSON.stringify({ error: redactText(message), source }, null, 2)}\n`,
    'application/json',
  );
}

/**
 * Uploads a folder of outputs (rejects.csv, cognito-import-*.csv) and then the summary, last: a
 * summary in results/ means every other output of that run is there.
 */
export async function uploadResults(
  s3: S3Client,
  source: ImportSource,
  dir: string,
  summary: JobSummary,
): Promise<void> {
  const prefix = resultsPrefix(source.key);
  const made = readdirSync(dir)
    .filter((name) => name.endsWith('.csv'))
    .sort();
  for (const name of made) await uploadFile(s3, source.bucket, `${prefix}${name}`, join(dir, name), 'text/csv');
  // What an earlier version of the file left and this run did not make (one import file more, an error).
  const stale = (await listKeys(s3, source.bucket, prefix)).filter((key) => {
    const name = key.slice(prefix.length);
    return !name.includes('/') && name !== SUMMARY_FILE && !made.includes(name);
  });
  await deleteKeys(s3, source.bucket, stale);
  writeFileSync(join(dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  await uploadFile(s3, source.bucket, `${prefix}${SUMMARY_FILE}`, join(dir, SUMMARY_FILE), 'application/json');
}

/** The file's header row, read from its first bytes (a header never needs more than this). */
export async function readHeader(s3: S3Client, source: ImportSource, maxBytes = 1_048_576): Promise<string[]> {
  const stream = await objectStream(s3, source.bucket, source.key, `bytes=0-${maxBytes - 1}`);
  const parser = stream.pipe(parse({ ...CSV_PARSE_OPTIONS, to_line: 1 }));
  try {
    for await (const record of parser as AsyncIterable<string[]>) return record;
  } catch (error) {
    throw new ImportInputError(`s3://${source.bucket}/${source.key} is not CSV: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
  throw new ImportInputError(`s3://${source.bucket}/${source.key} is empty: no header row`);
}

/** Checks a header as the CLI would before rows are read (the user name column, required attributes). */
export function checkHeader(header: readonly string[], config: Pick<ImportJobConfig, 'mapping' | 'settings'>): void {
  try {
    resolveColumns(header, config.mapping, config.settings.requiredAttributes);
  } catch (error) {
    if (error instanceof HeaderError) throw new ImportInputError(error.message);
    throw error;
  }
}

export interface InlineImportOptions {
  s3: S3Client;
  source: ImportSource;
  settings: PoolSettings;
  mapping: ColumnMapping;
  directory: DirectoryWriter;
  table: string;
  batchSize: number;
  /** Runs after the outputs are made and before they are uploaded (the Cognito import jobs); adds to the summary. */
  afterImport?: (out: string, summary: ImportSummary) => Promise<Record<string, unknown>>;
  tmp?: string;
}

/**
 * The file in this invocation: downloaded to local storage, imported by runImport exactly as the CLI
 * imports it, outputs uploaded to results/<name>/.
 */
export async function importInline(options: InlineImportOptions): Promise<JobSummary> {
  const { s3, source } = options;
  const work = mkdtempSync(join(options.tmp ?? tmpdir(), 'batch-import-'));
  try {
    const input = join(work, posix.basename(source.key));
    const out = join(work, 'out');
    await downloadToFile(s3, source.bucket, source.key, input);
    const { summary } = await runImport({
      input,
      out,
      settings: options.settings,
      mapping: options.mapping,
      directory: options.directory,
      directoryName: options.table,
      batchSize: options.batchSize,
    });
    const extra = options.afterImport ? await options.afterImport(out, summary) : {};
    const jobSummary: JobSummary = {
      ...summary,
      input: `s3://${source.bucket}/${source.key}`,
      source,
      mode: 'function',
      ...extra,
    };
    await uploadResults(s3, source, out, jobSummary);
    return jobSummary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
