/**
 * The deployed import's job functions against every fault of every service they call: S3, DynamoDB or
 * Step Functions hangs, resets the connection, answers 500 or throttles. A step that meets a fault fails
 * (Lambda's retry, the state machine's Retry or a redrive runs it again), leaves nothing half written
 * (the plan's manifest, a part object, results/<name>/summary.json are written last, or not at all), and
 * the same step run again once the service is healthy finishes the import: the run ends resumable.
 *
 * The handlers run in this process (functions/<fn>/handler.ts), their clients pointed at stand-ins
 * (test/helpers/faults.ts) that pass requests to the test stack's s3rver, DynamoDB Local and local Step
 * Functions when healthy; IMPORT_SDK_REQUEST_TIMEOUT_MS keeps a hung request to a second.
 */
import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { handler as batchImport } from '../../functions/batch-import/handler.ts';
import { handler as importAssemble } from '../../functions/import-assemble/handler.ts';
import { handler as importBatch } from '../../functions/import-batch/handler.ts';
import { DEFAULT_POOL_SETTINGS } from '../../shared/import/pool.ts';
import { workPrefix } from '../../shared/import/s3-job.ts';
import {
  manifestKey,
  partKey,
  type ExecutionInput,
  type PlanOutcome,
  type RangeEvent,
  type RowRange,
} from '../../shared/import/s3-map.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local-cloud/index.ts';
import { SAMPLE_EXPORT } from '../../scripts/job-events.ts';
import { FAULTS, setEnvironment, startStandIn, type AnyService, type Fault, type StandIn } from '../helpers/faults.ts';
import { stack, tableName, useLocalEndpoints } from '../helpers/stack.ts';

// A bucket of its own: the stack's import bucket would deliver each export to the stack's batch-import,
// which would import it beside the step under test.
const bucket = `fault-jobs-${process.pid}`;
const s3 = new S3Client({
  endpoint: stack.s3.endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  forcePathStyle: true,
});
const standIns: Partial<Record<AnyService, StandIn>> = {};
let restore: () => void = () => undefined;

beforeAll(async () => {
  useLocalEndpoints();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  standIns.s3 = await startStandIn('s3', { target: stack.s3.endpoint, keepHost: true });
  standIns.dynamodb = await startStandIn('dynamodb', { target: stack.dynamodb.endpoint });
  standIns.sfn = await startStandIn('sfn', { target: stack.sfn.endpoint });
  restore = setEnvironment({
    AWS_ENDPOINT_URL_S3: standIns.s3.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: standIns.dynamodb.endpoint,
    AWS_ENDPOINT_URL_SFN: standIns.sfn.endpoint,
    IMPORT_SDK_REQUEST_TIMEOUT_MS: '1000',
    LEGACY_USERS_TABLE: tableName('legacyUsers'),
    IMPORT_STATE_MACHINE_ARN: stack.sfn.stateMachineArn,
    // Every file goes to the state machine; no pool to ask for its header.
    IMPORT_INLINE_MAX_BYTES: '0',
    IMPORT_USER_POOL_ID: undefined,
    IMPORT_START_JOBS: 'false',
  });
});

afterAll(async () => {
  restore();
  for (const standIn of Object.values(standIns)) await standIn.stop();
  s3.destroy();
});

let made = 0;

/** A sample export of users of its own under imports/, and the execution input batch-import would start. */
async function putExport(): Promise<ExecutionInput> {
  made += 1;
  const name = `fault-jobs-${process.pid}-${made}`;
  const text = SAMPLE_EXPORT.replace(/ada|grace/g, (first) => `${name}.${first}`);
  const key = `imports/${name}.csv`;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text }));
  const etag = createHash('md5').update(text).digest('hex');
  return {
    bucket,
    key,
    etag,
    header: (text.split('\n')[0] ?? '').split(','),
    importedAt: new Date().toISOString(),
    workPrefix: workPrefix(key, etag),
    settings: DEFAULT_POOL_SETTINGS,
    batchSize: 2,
    maxConcurrency: 2,
    toleratedFailurePercentage: 0,
  };
}

async function exists(key: string): Promise<boolean> {
  try {
    await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString();
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return false;
    throw error;
  }
}

const plan = (input: ExecutionInput) => importBatch({ step: 'plan', ...input }) as Promise<PlanOutcome>;

async function ranges(input: ExecutionInput): Promise<RowRange[]> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifestKey(input.workPrefix) }));
  return JSON.parse((await object.Body?.transformToString()) ?? '[]') as RowRange[];
}

const rangeEvent = (input: ExecutionInput, range: RowRange): RangeEvent => ({ ...input, step: 'batch', range });

async function processAll(input: ExecutionInput): Promise<void> {
  for (const range of await ranges(input)) await importBatch(rangeEvent(input, range));
}

const summaryKey = (input: ExecutionInput) =>
  `results/${input.key.slice('imports/'.length, -'.csv'.length)}/summary.json`;

interface Step {
  services: readonly AnyService[];
  /** What the step needs done before it (healthy). */
  prepare(input: ExecutionInput): Promise<void>;
  run(input: ExecutionInput): Promise<unknown>;
  /** Nothing of the step's own output is there after a failure... */
  nothingWritten(input: ExecutionInput): Promise<void>;
  /** ...and all of it after the step is run again, healthy. */
  finished(input: ExecutionInput, result: unknown): Promise<void>;
}

const STEPS: Readonly<Record<string, Step>> = {
  'import-batch (plan)': {
    services: ['s3'],
    prepare: async () => undefined,
    run: plan,
    nothingWritten: async (input) => expect(await exists(manifestKey(input.workPrefix))).toBe(false),
    finished: async (input, result) => {
      expect(result).toEqual({ manifest: manifestKey(input.workPrefix), ranges: 2, rows: 3 });
      expect(await ranges(input)).toHaveLength(2);
    },
  },
  'import-batch (range)': {
    services: ['s3', 'dynamodb'],
    prepare: async (input) => {
      await plan(input);
    },
    run: async (input) => importBatch(rangeEvent(input, (await ranges(input))[0] as RowRange)),
    // The part object is written after the directory: a batch that failed left none.
    nothingWritten: async (input) => expect(await exists(partKey(input.workPrefix, 0))).toBe(false),
    finished: async (input, result) => {
      expect(result).toEqual({ first: 0, rows: 2, candidates: 2, rejected: 0 });
      expect(await exists(partKey(input.workPrefix, 0))).toBe(true);
    },
  },
  // DynamoDB only for repairs (a later duplicate), which this export has none of.
  'import-assemble': {
    services: ['s3'],
    prepare: async (input) => {
      await plan(input);
      await processAll(input);
    },
    run: (input) => importAssemble({ ...input, plan: {}, map: { batches: 2 } }),
    // summary.json is written last: without it the run is not done, and the parts are still there.
    nothingWritten: async (input) => {
      expect(await exists(summaryKey(input))).toBe(false);
      expect(await exists(partKey(input.workPrefix, 0))).toBe(true);
      expect(await exists(partKey(input.workPrefix, 2))).toBe(true);
    },
    finished: async (input, result) => {
      expect(result).toEqual({ rowsRead: 3, accepted: 2, rejected: 1 });
      expect(await exists(summaryKey(input))).toBe(true);
      expect(await exists(partKey(input.workPrefix, 0))).toBe(false);
    },
  },
  'batch-import': {
    services: ['s3', 'sfn'],
    prepare: async () => undefined,
    run: (input) =>
      batchImport({
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: bucket }, object: { key: input.key, eTag: input.etag } },
          },
        ],
      }),
    // Not refused (no error.json): a failure S3 retries, not a file the import cannot take.
    nothingWritten: async (input) => {
      expect(await exists(summaryKey(input))).toBe(false);
      expect(await exists(summaryKey(input).replace('summary.json', 'error.json'))).toBe(false);
    },
    finished: async (_input, result) => {
      expect(result).toEqual([{ outcome: 'started', executionName: expect.any(String) }]);
    },
  },
};

const CASES = Object.entries(STEPS).flatMap(([name, step]) =>
  step.services.flatMap((service) => FAULTS.map((fault): [string, AnyService, Fault] => [name, service, fault])),
);

// A hung DynamoDB holds the directory writer through its own retries (10 attempts of 3 requests).
it.each(CASES)(
  '%s: %s %s fails the step, writes nothing half, and the step run again finishes',
  async (name, service, fault) => {
    const step = STEPS[name] as Step;
    const standIn = standIns[service] as StandIn;
    const input = await putExport();
    await step.prepare(input);
    standIn.behaviour = fault;
    try {
      await expect(step.run(input)).rejects.toBeInstanceOf(Error);
    } finally {
      standIn.behaviour = 'healthy';
    }
    await step.nothingWritten(input);
    await step.finished(input, await step.run(input));
  },
  120_000,
);
