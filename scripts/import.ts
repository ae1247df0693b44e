/**
 * `npm run import -- <users.csv> [options]`: a legacy export into the legacy directory (DynamoDB) and
 * Cognito's own import files, with rejects.csv, summary.json and a checkpoint in --out. docs/import.md
 * documents every option; the pipeline itself is shared/import/run.ts.
 *
 * Exit codes: 0 the run completed (rejected rows included); 1 the file cannot be read, is not CSV or
 * lacks a required column, or the directory load failed (resume with --resume); 2 usage errors.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SingleBar } from 'cli-progress';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clientConfig, clientSettings } from '../shared/aws/client-config.ts';
import { parseMapping, type ColumnMapping } from '../shared/import/columns.ts';
import { batchWriter, importDocumentClient } from '../shared/import/directory.ts';
import { jobsSummary, runImportJobs } from '../shared/import/jobs.ts';
import { headerFromPool } from '../shared/import/pool-header.ts';
import { DEFAULT_POOL_SETTINGS, poolSettings, type PoolSettings } from '../shared/import/pool.ts';
import {
  CHECKPOINT_FILE,
  runImport,
  type ImportProgress,
  type ImportSummary,
  ImportInputError,
  ImportStateError,
} from '../shared/import/run.ts';
import { REJECT_REASONS } from '../shared/import/validate.ts';
import { redactText } from '../shared/runtime/redact.ts';
import { TABLE_VARIABLES } from '../shared/stores/table-names.ts';
import { clientEnvironment, type StackFile } from '../local-cloud/stack.ts';

class UsageError extends Error {}

const USAGE = `usage: npm run import -- <users.csv> [--out <dir>] [--stack-file .local/stack.json | --table <name>]
         [--mapping <file.json>] [--resume] [--dry-run] [--pool-config <file.json>] [--user-pool-id <id>]
         [--required <attrs>] [--custom <attrs>] [--auto-verified <attrs>] [--username-attributes <attrs>]
         [--aliases <attrs>] [--mfa OFF|OPTIONAL|ON] [--concurrency <n>] [--batch-size <n>]
         [--start-jobs --jobs-role-arn <arn> [--jobs-poll-seconds <n>]]`;

const OPTIONS = {
  out: { type: 'string' },
  'stack-file': { type: 'string' },
  table: { type: 'string' },
  mapping: { type: 'string' },
  resume: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  'pool-config': { type: 'string' },
  'user-pool-id': { type: 'string' },
  required: { type: 'string' },
  custom: { type: 'string' },
  'auto-verified': { type: 'string' },
  'username-attributes': { type: 'string' },
  aliases: { type: 'string' },
  mfa: { type: 'string' },
  concurrency: { type: 'string' },
  'batch-size': { type: 'string' },
  'start-jobs': { type: 'boolean', default: false },
  'jobs-role-arn': { type: 'string' },
  'jobs-poll-seconds': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function wholeNumber(text: string | undefined, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return value;
}

function settingsFrom(values: Values): PoolSettings {
  const file = values['pool-config'] ? readJson(values['pool-config'], 'pool config') : {};
  if (typeof file !== 'object' || file === null || Array.isArray(file))
    throw new UsageError('the pool config must be a JSON object');
  const fromOptions = Object.fromEntries(
    Object.entries({
      requiredAttributes: values.required,
      customAttributes: values.custom,
      autoVerifiedAttributes: values['auto-verified'],
      usernameAttributes: values['username-attributes'],
      aliasAttributes: values.aliases,
      mfa: values.mfa,
    }).filter(([, value]) => value !== undefined),
  );
  try {
    return poolSettings(fromOptions, poolSettings(file as Record<string, unknown>, DEFAULT_POOL_SETTINGS));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function mappingFrom(file: string | undefined): ColumnMapping {
  if (!file) return {};
  try {
    return parseMapping(readJson(file, 'mapping'));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function progressReporter(): { update(progress: ImportProgress): void; stop(): void } {
  const startedAt = performance.now();
  // Rows this process did: a resumed run starts from the checkpoint's count.
  const rate = (progress: ImportProgress) =>
    Math.round((progress.rowsRead - progress.rowsBefore) / Math.max((performance.now() - startedAt) / 1000, 0.001));
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      stream: process.stderr,
      format:
        'importing [{bar}] {percentage}% | {rows} rows | {rate} rows/s | {rejected} rejected | ETA {eta_formatted}',
      etaBuffer: 50,
      hideCursor: true,
    });
    let started = false;
    return {
      update(progress) {
        const payload = {
          rows: progress.rowsRead.toLocaleString('en'),
          rate: rate(progress),
          rejected: progress.rejected,
        };
        if (!started) {
          bar.start(progress.totalBytes, progress.bytesRead, payload);
          started = true;
        } else bar.update(progress.bytesRead, payload);
      },
      stop: () => (started ? bar.stop() : undefined),
    };
  }
  // Not a terminal (CI, a log file): a line every few seconds instead of a bar.
  let lastAt = startedAt;
  return {
    update(progress) {
      const now = performance.now();
      if (now - lastAt < 5_000) return;
      lastAt = now;
      const percent = progress.totalBytes ? Math.floor((progress.bytesRead / progress.totalBytes) * 100) : 100;
      process.stderr.write(
        `import: ${progress.rowsRead} rows (${percent}%), ${rate(progress)} rows/s, ${progress.rejected} rejected\n`,
      );
    },
    stop: () => undefined,
  };
}

function printSummary(summary: ImportSummary, out: string): void {
  const lines = [
    `${summary.dryRun ? 'dry run: ' : ''}${summary.rowsRead} rows read, ${summary.accepted} accepted, ${summary.rejected} rejected in ${summary.seconds} s (${summary.rowsPerSecond} rows/s)`,
    ...Object.entries(summary.rejectedByReason).map(
      ([reason, count]) =>
        `  ${String(count).padStart(8)} ${reason}: ${REJECT_REASONS[reason as keyof typeof REJECT_REASONS] ?? ''}`,
    ),
    `directory items written: ${summary.directoryItemsWritten}; already migrated: ${summary.directoryAlreadyMigrated ?? 0} (left alone)`,
    `Cognito import files: ${summary.files.map((name) => join(out, name)).join(', ') || 'none'}`,
    `rejects: ${join(out, 'rejects.csv')}; summary: ${join(out, 'summary.json')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** --start-jobs: every Cognito import file through a Cognito import job, the counts into summary.json. */
async function startJobs(
  out: string,
  summary: ImportSummary,
  userPoolId: string,
  roleArn: string,
  pollSeconds: number,
): Promise<void> {
  const cognito = new CognitoIdentityProviderClient(clientConfig({ ...clientSettings(), maxAttempts: 3 }));
  try {
    const reports = await runImportJobs({
      client: cognito,
      userPoolId,
      cloudWatchLogsRoleArn: roleArn,
      files: summary.files.map((name) => join(out, name)),
      jobName: `import-${new Date().toISOString().replace(/[:.]/g, '-')}`,
      pollIntervalMs: pollSeconds * 1000,
      onUpdate: (report) => process.stderr.write(`import: job ${report.jobId} (${report.file}) ${report.status}\n`),
    });
    const withJobs = { ...summary, ...jobsSummary(reports) };
    writeFileSync(join(out, 'summary.json'), `${JSON.stringify(withJobs, null, 2)}\n`);
    for (const report of reports)
      process.stdout.write(
        `Cognito import job ${report.jobId} (${report.file}): ${report.status}, ${report.imported} imported, ${report.skipped} skipped, ${report.failed} failed\n`,
      );
  } finally {
    cognito.destroy();
  }
}

async function main(): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(positionals.length ? 'name exactly one CSV file' : 'name the CSV file to import');
  const input = positionals[0] as string;
  if (values['stack-file'] && values.table) throw new UsageError('--stack-file and --table exclude each other');
  const out = values.out ?? join('imports', 'out');
  let settings = settingsFrom(values);
  const mapping = mappingFrom(values.mapping);
  const concurrency = wholeNumber(values.concurrency, 'concurrency', 16, 64);
  const batchSize = wholeNumber(values['batch-size'], 'batch-size', 2_000, 100_000);

  let table = values.table;
  let userPoolId = values['user-pool-id'];
  if (values['stack-file']) {
    const stack = readJson(values['stack-file'], 'stack file (is npm start running?)') as Partial<StackFile>;
    if (!stack.dynamodb?.endpoint || !stack.cognito?.endpoint || !stack.ses?.endpoint) {
      throw new UsageError(`${values['stack-file']} is not a stack file written by npm start`);
    }
    Object.assign(process.env, clientEnvironment(stack as StackFile));
    table = stack.tables?.legacyUsers;
    if (!table) throw new UsageError(`${values['stack-file']} names no legacyUsers table`);
    userPoolId ??= stack.cognito.userPoolId;
  }
  table ??= process.env[TABLE_VARIABLES.legacyUsers] || undefined;
  if (!table && !values['dry-run']) {
    throw new UsageError(
      `name the legacy directory: --table <name>, --stack-file <file> or ${TABLE_VARIABLES.legacyUsers} (or --dry-run)`,
    );
  }

  if (userPoolId) {
    const cognito = new CognitoIdentityProviderClient(clientConfig({ ...clientSettings(), maxAttempts: 1 }));
    const choice = await headerFromPool(cognito, userPoolId, settings);
    cognito.destroy();
    settings = choice.settings;
    if (choice.fallbackReason) {
      process.stderr.write(
        `import: GetCSVHeader unavailable (${redactText(choice.fallbackReason)}): using the configured CSV header\n`,
      );
    }
  }

  const jobsRoleArn = values['jobs-role-arn'];
  if (values['start-jobs'] && (!jobsRoleArn || !userPoolId))
    throw new UsageError('--start-jobs needs --jobs-role-arn and the pool (--user-pool-id or --stack-file)');
  const pollSeconds = Number(values['jobs-poll-seconds'] ?? 5);
  if (!Number.isFinite(pollSeconds) || pollSeconds < 0 || pollSeconds > 3600)
    throw new UsageError('--jobs-poll-seconds must be a number of seconds from 0 to 3600');

  const client = values['dry-run'] || !table ? undefined : importDocumentClient();
  const reporter = progressReporter();
  try {
    const outcome = await runImport({
      input,
      out,
      settings,
      mapping,
      directory: client && table ? batchWriter({ client, table, concurrency }) : undefined,
      directoryName: table,
      resume: values.resume,
      batchSize,
      onProgress: (progress) => reporter.update(progress),
      onWarning: (message) => process.stderr.write(`import: ${message}\n`),
    });
    reporter.stop();
    if (outcome.alreadyComplete) process.stderr.write(`import: ${out} holds a finished import; nothing to resume\n`);
    else if (outcome.resumedAfterRows !== undefined)
      process.stderr.write(`import: resumed after row ${outcome.resumedAfterRows}\n`);
    printSummary(outcome.summary, out);
    if (values['start-jobs'] && jobsRoleArn && userPoolId)
      await startJobs(out, outcome.summary, userPoolId, jobsRoleArn, pollSeconds);
    return 0;
  } catch (error) {
    reporter.stop();
    if (error instanceof ImportStateError) throw new UsageError(error.message);
    if (error instanceof ImportInputError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    // runImport keeps a checkpoint only once rows are done: before that, a plain rerun starts over.
    if (!existsSync(join(out, CHECKPOINT_FILE))) throw error;
    throw new Error(`${message}; the checkpoint in ${out} lets --resume carry on`, { cause: error });
  } finally {
    client?.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    // SDK errors may quote addresses; the terminal is a log like any other.
    process.stderr.write(`error: ${redactText(message.split('\n')[0] ?? '')}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
