/**
 * The Cognito import job driver against a local server answering the job API (recorded shapes) and
 * standing in for the pre-signed URL: one job at a time, the documented upload headers, per-file counts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { defaultCsvHeader } from '../../../shared/import/columns.ts';
import { ImportJobError, jobsSummary, runImportJobs } from '../../../shared/import/jobs.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local-cloud/index.ts';
import { runCli } from './cli-helpers.ts';
import { startImportJobsServer, type ImportJobsServer, type JobScript } from '../../helpers/import-jobs-server.ts';

const POOL = 'eu-west-1_Abc123';
const ROLE = 'arn:aws:iam::123456789012:role/cognito-import-logs';
const dir = mkdtempSync(join(tmpdir(), 'import-jobs-'));
const HEADER = defaultCsvHeader();
/** A user's line in Cognito's format, by column name (the rest empty). */
const lineOf = (values: Record<string, string>) => HEADER.map((name) => values[name] ?? '').join(',');
const userLine = (i: number) =>
  lineOf({
    'cognito:username': `user${i}`,
    'cognito:mfa_enabled': 'FALSE',
    email: `user${i}@example.com`,
    email_verified: 'TRUE',
  });
const CONTENT = [0, 1].map((i) => `${HEADER.join(',')}\n${userLine(i)}\n`);
const files = ['cognito-import-0001.csv', 'cognito-import-0002.csv'].map((name, i) => {
  const file = join(dir, name);
  writeFileSync(file, CONTENT[i] as string);
  return file;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let server: ImportJobsServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function run(scripts: JobScript[], options: { maxWaitMs?: number } = {}) {
  server = await startImportJobsServer(scripts);
  const client = new CognitoIdentityProviderClient({
    endpoint: server.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    return await runImportJobs({
      client,
      userPoolId: POOL,
      cloudWatchLogsRoleArn: ROLE,
      files,
      jobName: 'users',
      pollIntervalMs: 1,
      ...options,
    });
  } finally {
    client.destroy();
  }
}

it('runs one job per file, one at a time, uploading with the documented headers, and counts per file', async () => {
  const reports = await run([
    { statuses: ['InProgress', 'InProgress', 'Succeeded'], imported: 1 },
    { statuses: ['Succeeded'], imported: 0, skipped: 1 },
  ]);
  const calls = server?.calls ?? [];
  expect(calls.map((call) => call.operation)).toEqual([
    'CreateUserImportJob',
    'PUT',
    'StartUserImportJob',
    'DescribeUserImportJob',
    'DescribeUserImportJob',
    'DescribeUserImportJob',
    'CreateUserImportJob',
    'PUT',
    'StartUserImportJob',
    'DescribeUserImportJob',
  ]);
  expect(calls[0]?.body).toEqual({
    JobName: 'users-cognito-import-0001',
    UserPoolId: POOL,
    CloudWatchLogsRoleArn: ROLE,
  });
  const upload = calls[1];
  expect(upload?.headers).toMatchObject({ 'x-amz-server-side-encryption': 'aws:kms', 'content-type': 'text/csv' });
  expect(upload?.upload).toBe(CONTENT[0]);
  expect(upload?.file).toMatchObject({ failures: [], users: [{ line: 2, values: { 'cognito:username': 'user0' } }] });
  expect(reports).toEqual([
    {
      file: 'cognito-import-0001.csv',
      jobId: 'import-0000000001',
      status: 'Succeeded',
      imported: 1,
      skipped: 0,
      failed: 0,
    },
    {
      file: 'cognito-import-0002.csv',
      jobId: 'import-0000000002',
      status: 'Succeeded',
      imported: 0,
      skipped: 1,
      failed: 0,
    },
  ]);
  expect(jobsSummary(reports)).toMatchObject({ cognitoImportJobs: { imported: 1, skipped: 1, failed: 0 } });
});

it("reads each upload in Cognito's format and fails the lines Cognito would fail (a quoted field among them)", async () => {
  const rfc4180 = `${lineOf({
    'cognito:username': 'user2',
    'cognito:mfa_enabled': 'FALSE',
    email: 'user2@example.com',
    email_verified: 'TRUE',
    address: '"1 Main St, Springfield"',
  })}`;
  const escaped = lineOf({
    'cognito:username': 'user3',
    'cognito:mfa_enabled': 'FALSE',
    email: 'user3@example.com',
    email_verified: 'TRUE',
    address: '1 Main St\\, Springfield',
    birthdate: '1985-02-01',
  });
  writeFileSync(files[0] as string, `${HEADER.join(',')}\n${rfc4180}\n${escaped}\n${userLine(4)}\n`);
  try {
    const reports = await run([{ statuses: ['Succeeded'] }, { statuses: ['Succeeded'] }]);
    const upload = server?.calls.find((call) => call.operation === 'PUT');
    expect(upload?.file?.failures).toEqual([
      { line: 2, reason: expect.stringMatching(/quotation mark/) },
      { line: 3, reason: 'birthdate not mm/dd/yyyy' },
    ]);
    expect(upload?.file?.users.map((user) => user.values['cognito:username'])).toEqual(['user4']);
    expect(reports[0]).toMatchObject({ imported: 1, failed: 2 });
  } finally {
    writeFileSync(files[0] as string, CONTENT[0] as string);
  }
});

it('reports a failed job with its message and goes on with the next file', async () => {
  const reports = await run([
    { statuses: ['Failed'], failed: 1 },
    { statuses: ['Succeeded'], imported: 1 },
  ]);
  expect(reports.map((r) => [r.status, r.failed, r.imported])).toEqual([
    ['Failed', 1, 0],
    ['Succeeded', 0, 1],
  ]);
  expect(reports[0]?.message).toMatch(/failed or been skipped/);
});

it('stops before starting a job when the upload is refused', async () => {
  await expect(run([{ statuses: ['Succeeded'], uploadStatus: 403 }])).rejects.toThrow(ImportJobError);
  expect(server?.calls.map((call) => call.operation)).toEqual(['CreateUserImportJob', 'PUT']);
});

it('starts no second job while the first has not ended', async () => {
  const reports = await run([{ statuses: ['InProgress'] }, { statuses: ['Succeeded'] }], { maxWaitMs: 3 });
  expect(reports.map((r) => [r.file, r.status])).toEqual([
    ['cognito-import-0001.csv', 'InProgress'],
    ['cognito-import-0002.csv', 'NotStarted'],
  ]);
  expect(server?.calls.filter((call) => call.operation === 'CreateUserImportJob')).toHaveLength(1);
});

it('runs the jobs after the import with npm run import --start-jobs, counts in summary.json', async () => {
  server = await startImportJobsServer([{ statuses: ['InProgress', 'Succeeded'], imported: 2 }]);
  const input = join(dir, 'users.csv');
  writeFileSync(
    input,
    'username,email,email_verified,name\njana,jana@example.com,true,"Novák, Jana"\nolaf,olaf@example.com,yes,\nbad user,x@example.com,true,\n',
  );
  const out = join(dir, 'cli-out');
  const common = [input, '--dry-run', '--out', out, '--user-pool-id', POOL];
  const env = { AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: server.endpoint };

  const usage = await runCli([...common, '--start-jobs'], env);
  expect(usage.status).toBe(2);
  expect(usage.stderr).toMatch(/--start-jobs needs --jobs-role-arn/);

  const run = await runCli([...common, '--start-jobs', '--jobs-role-arn', ROLE, '--jobs-poll-seconds', '0'], env);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(
    /Cognito import job import-0000000001 \(cognito-import-0001.csv\): Succeeded, 2 imported, 0 skipped, 0 failed/,
  );
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
  expect(summary).toMatchObject({
    accepted: 2,
    rejected: 1,
    cognitoImportJobs: {
      imported: 2,
      skipped: 0,
      failed: 0,
      files: [{ file: 'cognito-import-0001.csv', status: 'Succeeded' }],
    },
  });
  const upload = server.calls.find((call) => call.operation === 'PUT');
  expect(upload?.upload).toBe(readFileSync(join(out, 'cognito-import-0001.csv'), 'utf8'));
  expect(upload?.file?.failures).toEqual([]);
  expect(upload?.file?.users.map((user) => [user.values['cognito:username'], user.values.name])).toEqual([
    ['jana', 'Novák, Jana'],
    ['olaf', ''],
  ]);
}, 60_000);
