/**
 * Cognito's own CSV import, driven for each import file the import wrote: CreateUserImportJob (with the
 * CloudWatch Logs role Cognito writes per-line results with), PUT the file to the job's pre-signed URL
 * with the headers the developer guide's upload uses (`x-amz-server-side-encryption: aws:kms`,
 * `Content-Type: text/csv`), StartUserImportJob, then DescribeUserImportJob until the job ends. One job
 * is active at a time (a pool runs one import job at once); each file's imported / skipped / failed
 * counts go into the summary.
 */
import {
  CreateUserImportJobCommand,
  DescribeUserImportJobCommand,
  StartUserImportJobCommand,
  type CognitoIdentityProviderClient,
  type UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { redactText } from '../runtime/redact.ts';
import type { ClaimedObject, ImportJobClaims } from './job-claims.ts';

/** The headers of the upload, as the guide's `curl -T <file> -H "x-amz-server-side-encryption:aws:kms" <url>`. */
export const UPLOAD_HEADERS = Object.freeze({
  'x-amz-server-side-encryption': 'aws:kms',
  'content-type': 'text/csv',
});

const FINISHED: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Stopped', 'Expired']);

export interface ImportJobReport {
  file: string;
  jobId: string;
  status: string;
  imported: number;
  skipped: number;
  failed: number;
  message?: string;
}

export interface ImportJobsOptions {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  /** The role Cognito assumes to write the job's results to CloudWatch Logs. */
  cloudWatchLogsRoleArn: string;
  /** Paths of the Cognito import files, in order. */
  files: readonly string[];
  /** Job names are `<jobName>-<file name>` (Cognito allows 1..128 characters of [\w\s+=,.@-]). */
  jobName: string;
  pollIntervalMs?: number;
  /** Give up waiting (the job carries on in Cognito) after this long per job. */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onUpdate?: (report: ImportJobReport) => void;
}

export class ImportJobError extends Error {
  override readonly name = 'ImportJobError';
  /** Redacted as the import's other errors are: an upload's answer is quoted into it. */
  constructor(message: string) {
    super(redactText(message));
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function reportOf(file: string, job: UserImportJobType | undefined): ImportJobReport {
  return {
    file,
    jobId: job?.JobId ?? '',
    status: job?.Status ?? 'Unknown',
    imported: job?.ImportedUsers ?? 0,
    skipped: job?.SkippedUsers ?? 0,
    failed: job?.FailedUsers ?? 0,
    // Cognito's words, into the summary and the progress log: redacted as every error text we keep.
    ...(job?.CompletionMessage ? { message: redactText(job.CompletionMessage) } : {}),
  };
}

export const jobNameFor = (prefix: string, file: string) =>
  `${prefix}-${basename(file, '.csv')}`.replace(/[^\w\s+=,.@-]/g, '_').slice(0, 128);

/** Uploads a file to a job's pre-signed URL. */
export async function uploadToPresignedUrl(url: string, file: string): Promise<void> {
  const body = readFileSync(file);
  const response = await fetch(url, {
    method: 'PUT',
    headers: { ...UPLOAD_HEADERS, 'content-length': String(body.length) },
    body,
  });
  const text = await response.text();
  if (!response.ok)
    throw new ImportJobError(`uploading ${basename(file)} answered ${response.status}: ${text.slice(0, 200)}`);
}

export async function runImportJobs(options: ImportJobsOptions): Promise<ImportJobReport[]> {
  const { client, userPoolId } = options;
  const sleep = options.sleep ?? pause;
  const interval = options.pollIntervalMs ?? 5_000;
  const maxWait = options.maxWaitMs ?? 6 * 60 * 60 * 1000;
  const reports: ImportJobReport[] = [];
  for (const [position, file] of options.files.entries()) {
    const name = basename(file);
    const created = await client.send(
      new CreateUserImportJobCommand({
        JobName: jobNameFor(options.jobName, file),
        UserPoolId: userPoolId,
        CloudWatchLogsRoleArn: options.cloudWatchLogsRoleArn,
      }),
    );
    const jobId = created.UserImportJob?.JobId;
    const url = created.UserImportJob?.PreSignedUrl;
    if (!jobId || !url) throw new ImportJobError(`CreateUserImportJob for ${name} answered no job id or URL`);
    await uploadToPresignedUrl(url, file);
    let job = (await client.send(new StartUserImportJobCommand({ UserPoolId: userPoolId, JobId: jobId })))
      .UserImportJob;
    let waited = 0;
    while (!FINISHED.has(job?.Status ?? '') && waited < maxWait) {
      options.onUpdate?.(reportOf(name, job));
      await sleep(interval);
      waited += interval;
      job = (await client.send(new DescribeUserImportJobCommand({ UserPoolId: userPoolId, JobId: jobId })))
        .UserImportJob;
    }
    const report = reportOf(name, job);
    options.onUpdate?.(report);
    reports.push(report);
    // The next job may start only when this one has ended: a pool runs one import at a time.
    if (!FINISHED.has(report.status)) {
      for (const rest of options.files.slice(position + 1))
        reports.push({ file: basename(rest), jobId: '', status: 'NotStarted', imported: 0, skipped: 0, failed: 0 });
      break;
    }
  }
  return reports;
}

/** The summary's account of the jobs: per file, and the totals. */
export function jobsSummary(reports: readonly ImportJobReport[]): Record<string, unknown> {
  const total = (key: 'imported' | 'skipped' | 'failed') => reports.reduce((sum, r) => sum + r[key], 0);
  return {
    cognitoImportJobs: {
      files: reports,
      imported: total('imported'),
      skipped: total('skipped'),
      failed: total('failed'),
    },
  };
}

/** What the deployed step tells its logger: that a delivery found the object's jobs claimed, and why it ran none. */
export interface JobsStepLog {
  info(message: string, details: Record<string, unknown>): void;
  warn(message: string, details: Record<string, unknown>): void;
}

/**
 * The step a deployed import runs after its outputs are made and before they are uploaded: every
 * Cognito import file through a job, the counts into the summary. Undefined when jobs are off. The
 * object is claimed first (job-claims.ts): a second delivery of it starts no job, and its summary gives
 * the claim holder's jobs as far as they were recorded (`alreadyClaimed`).
 */
export function importJobsStep(options: {
  enabled: boolean;
  client: () => CognitoIdentityProviderClient;
  userPoolId: string | undefined;
  cloudWatchLogsRoleArn: string | undefined;
  jobName: string;
  claims: () => ImportJobClaims;
  source: ClaimedObject;
  log: JobsStepLog;
  /** How long to wait for one job: a Lambda function has 15 minutes in all. */
  maxWaitMs?: number;
  pollIntervalMs?: number;
}): ((out: string, summary: { files: readonly string[] }) => Promise<Record<string, unknown>>) | undefined {
  const { enabled, userPoolId, cloudWatchLogsRoleArn, source, log } = options;
  if (!enabled || !userPoolId || !cloudWatchLogsRoleArn) return undefined;
  return async (out, summary) => {
    const claims = options.claims();
    const claim = await claims.claim(source);
    if (!claim.claimed) {
      const { claimedAt, jobs } = claim.previous;
      log.info('import jobs already claimed by an earlier delivery: none started', { key: source.key, claimedAt });
      const recorded = jobs ? (jobsSummary(jobs).cognitoImportJobs as Record<string, unknown>) : {};
      return { cognitoImportJobs: { alreadyClaimed: { claimedAt }, ...recorded } };
    }
    const reports = await runImportJobs({
      client: options.client(),
      userPoolId,
      cloudWatchLogsRoleArn,
      files: summary.files.map((name) => join(out, name)),
      jobName: options.jobName,
      maxWaitMs: options.maxWaitMs ?? 10 * 60 * 1000,
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    });
    // The jobs have run: a failed record costs a later delivery's summary its counts, not this one's.
    await claims
      .record(source, reports)
      .catch((error: unknown) =>
        log.warn('import jobs not recorded in their claim', { key: source.key, error: (error as Error).name }),
      );
    return jobsSummary(reports);
  };
}
