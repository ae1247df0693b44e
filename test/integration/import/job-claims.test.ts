/**
 * S3 delivers an event at least once: two deliveries of the same object start at most one Cognito import
 * job. batch-import's own steps (importObject with the job step and its claim) run against the local S3
 * (a bucket of this test, so no notification fires), the legacy directory in DynamoDB Local, and the
 * local stand-in for Cognito's import-job API. The guide ("Creating and running the Amazon Cognito user
 * pool import job", Starting a user import job): "Only one import job can be active at a time per
 * account", so a duplicate job would also hold up every other import.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { importObject } from '../../../functions/batch-import/import-object.ts';
import { getTextIfExists } from '../../../shared/aws/s3.ts';
import { defaultCsvHeader } from '../../../shared/import/columns.ts';
import { batchWriter, importDocumentClient } from '../../../shared/import/directory.ts';
import { claimKey, importJobClaims } from '../../../shared/import/job-claims.ts';
import { importJobsStep } from '../../../shared/import/jobs.ts';
import { DEFAULT_POOL_SETTINGS } from '../../../shared/import/pool.ts';
import { executionName, readImportJobConfig } from '../../../shared/import/s3-job.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local-cloud/index.ts';
import { startImportJobsServer, type ImportJobsServer } from '../../helpers/import-jobs-server.ts';
import { stack, tableName, useLocalEndpoints } from '../../helpers/stack.ts';

const POOL = 'eu-west-1_Abc123';
const ROLE = 'arn:aws:iam::123456789012:role/cognito-import-logs';
const bucket = `claims-${randomUUID().slice(0, 8)}`;
const s3 = new S3Client({
  endpoint: stack.s3.endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const logged: Array<{ message: string; details: Record<string, unknown> }> = [];
const log = {
  info: (message: string, details: Record<string, unknown> = {}) => void logged.push({ message, details }),
  warn: (message: string, details: Record<string, unknown> = {}) => void logged.push({ message, details }),
} as unknown as Logger;

let server: ImportJobsServer;
let documents: ReturnType<typeof importDocumentClient>;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  useLocalEndpoints();
  documents = importDocumentClient();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => {
  s3.destroy();
  documents.destroy();
});
beforeEach(async () => {
  logged.length = 0;
  // Two jobs scripted, so that a second job (the failure this test is about) is counted, not refused.
  server = await startImportJobsServer([{ statuses: ['Succeeded'] }, { statuses: ['Succeeded'] }]);
  cognito = new CognitoIdentityProviderClient({
    endpoint: server.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
});
afterEach(async () => {
  cognito.destroy();
  await server.stop();
});

const table = () => tableName('legacyUsers');
const jobsCreated = () => server.calls.filter((call) => call.operation === 'CreateUserImportJob').length;
const jobsStarted = () => server.calls.filter((call) => call.operation === 'StartUserImportJob').length;

/** A small export under imports/, its users this test's own. */
async function putExport(name: string): Promise<{ key: string; etag: string }> {
  const prefix = randomUUID().slice(0, 8);
  const rows = [0, 1].map((i) => `${prefix}.user${i},${prefix}.user${i}@example.com,true`);
  const key = `imports/${name}.csv`;
  const put = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: `username,email,email_verified\n${rows.join('\n')}\n` }),
  );
  return { key, etag: (put.ETag ?? '').replace(/"/g, '') };
}

function step(source: { bucket: string; key: string; etag: string }) {
  return importJobsStep({
    enabled: true,
    client: () => cognito,
    userPoolId: POOL,
    cloudWatchLogsRoleArn: ROLE,
    jobName: executionName(source.key, source.etag),
    claims: () => importJobClaims(documents, table()),
    source,
    log,
    pollIntervalMs: 1,
  });
}

type Step = () => Promise<Record<string, unknown>>;

/** One delivery of the object's event, as batch-import's handler runs it; `around` wraps its job step. */
function deliver(object: { key: string; etag: string }, around?: (jobs: Step) => Promise<Record<string, unknown>>) {
  const config = readImportJobConfig({ LEGACY_USERS_TABLE: table(), IMPORT_START_JOBS: 'false' });
  const record = { eventName: 'ObjectCreated:Put', bucket, ...object };
  const jobs = step({ bucket, ...object });
  return importObject(record, {
    s3,
    config,
    settings: DEFAULT_POOL_SETTINGS,
    directory: batchWriter({ client: documents, table: table() }),
    startExecution: async () => false,
    afterImport: jobs && (async (out, summary) => (around ? around(() => jobs(out, summary)) : jobs(out, summary))),
    log,
  });
}

/**
 * Two deliveries in flight at once: both reach the job step before either runs it, so the two claims
 * race. Their uploads then go one after the other, so that the local S3 (s3rver, files on disk) never
 * writes one key twice at the same moment.
 */
function deliverTwiceAtOnce(object: { key: string; etag: string }) {
  let arrived = 0;
  let release = () => undefined as void;
  const bothThere = new Promise<void>((resolve) => (release = resolve));
  const run = (waitFor: () => Promise<unknown>) =>
    deliver(object, async (jobs) => {
      arrived += 1;
      if (arrived === 2) release();
      await bothThere;
      const result = await jobs();
      await waitFor();
      return result;
    });
  const first = run(async () => undefined);
  const second = run(() => first.catch(() => undefined));
  return Promise.all([first, second]);
}

it('starts one import job for two deliveries of the same object at once, and the second logs why it started none', async () => {
  const object = await putExport('twice');
  const outcomes = await deliverTwiceAtOnce(object);
  expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['imported', 'imported']);
  expect(jobsCreated()).toBe(1);
  expect(jobsStarted()).toBe(1);
  expect(logged.map((entry) => entry.message)).toContain(
    'import jobs already claimed by an earlier delivery: none started',
  );
  const claim = await documents.send(
    new GetCommand({ TableName: table(), Key: { username: claimKey({ bucket, ...object }) }, ConsistentRead: true }),
  );
  expect(claim.Item).toMatchObject({ bucket, key: object.key, etag: object.etag });
  expect(claim.Item?.passwordHash).toBeUndefined();
});

it('starts no job when a step is run again for the same object (a retried final step), and reports the jobs the first run recorded', async () => {
  const object = await putExport('retried');
  const source = { bucket, ...object };
  const out = mkdtempSync(join(tmpdir(), 'job-claims-'));
  try {
    const header = defaultCsvHeader();
    const line = header.map(
      (name) =>
        ({
          'cognito:username': 'retried.user',
          'cognito:mfa_enabled': 'FALSE',
          email: 'retried.user@example.com',
          email_verified: 'TRUE',
        })[name] ?? '',
    );
    writeFileSync(join(out, 'cognito-import-0001.csv'), `${header.join(',')}\n${line.join(',')}\n`);
    const summary = { files: ['cognito-import-0001.csv'] };
    const first = (await step(source)?.(out, summary)) as { cognitoImportJobs: Record<string, unknown> };
    expect(first.cognitoImportJobs).not.toHaveProperty('alreadyClaimed');
    expect(jobsStarted()).toBe(1);

    const second = (await step(source)?.(out, summary)) as { cognitoImportJobs: Record<string, unknown> };
    expect(jobsStarted()).toBe(1);
    expect(second.cognitoImportJobs).toMatchObject({
      alreadyClaimed: { claimedAt: expect.any(String) },
      files: [expect.objectContaining({ file: 'cognito-import-0001.csv', status: 'Succeeded' })],
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

it('runs the jobs of a single delivery and puts them into its summary', async () => {
  const object = await putExport('once');
  await deliver(object);
  expect(jobsStarted()).toBe(1);
  const summary = JSON.parse((await getTextIfExists(s3, bucket, 'results/once/summary.json')) ?? '{}');
  expect(summary.cognitoImportJobs).toMatchObject({ files: [expect.objectContaining({ status: 'Succeeded' })] });
});
