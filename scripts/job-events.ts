/**
 * The deployed import's sample events (events/batch-import, events/import-batch, events/import-assemble),
 * made from one sample export so that they describe one import: the S3 record of that object, the
 * execution input batch-import starts for it, the plan step's input, a Map child's range of it (computed
 * by the plan's own code) and the final step's input. `npm run events` writes them; `npm run invoke`
 * puts the sample export in its local bucket under the sample's key, so the ETag and the byte ranges the
 * events name are the object's.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DEFAULT_POOL_SETTINGS } from '../shared/import/pool.ts';
import { workPrefix } from '../shared/import/s3-job.ts';
import {
  manifestKey,
  rowRanges,
  type ExecutionInput,
  type PlanEvent,
  type RangeEvent,
  type RowRange,
} from '../shared/import/s3-map.ts';
import { ROOT } from './build.ts';

export const SAMPLE_BUCKET = 'cognito-triggers-dev-imports-123456789012-eu-west-1';
export const SAMPLE_KEY = 'imports/legacy-users.csv';

/** Three rows: one with a bcrypt hash, one without (Cognito sends it a reset), one the import rejects. */
export const SAMPLE_EXPORT = [
  'username,password_hash,email,email_verified,phone_number,phone_number_verified,given_name,family_name,locale,mfa_enabled',
  'ada.lovelace,$2b$10$KIXQJzYp0ZPaCQX5mqRQ3ukTvQ4zQ5K3mGz4dJ1ZkKbH2n7m5lq2W,ada@example.com,true,+15550100001,false,Ada,Lovelace,en,false',
  'grace.hopper,,grace@example.com,yes,,,Grace,Hopper,de,false',
  'not valid,,nope,true,,,,,,',
  '',
].join('\n');

/** S3's ETag of an object put in one part: the MD5 of its bytes. */
export const SAMPLE_ETAG = createHash('md5').update(SAMPLE_EXPORT).digest('hex');

const SAMPLE_HEADER = (SAMPLE_EXPORT.split('\n')[0] ?? '').split(',');
const IMPORTED_AT = '2026-11-30T09:00:02.000Z';

export function sampleExecutionInput(): ExecutionInput {
  return {
    bucket: SAMPLE_BUCKET,
    key: SAMPLE_KEY,
    etag: SAMPLE_ETAG,
    header: SAMPLE_HEADER,
    importedAt: IMPORTED_AT,
    workPrefix: workPrefix(SAMPLE_KEY, SAMPLE_ETAG),
    settings: DEFAULT_POOL_SETTINGS,
    batchSize: 1000,
    maxConcurrency: 10,
    toleratedFailurePercentage: 0,
  };
}

function s3Record() {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-1',
        eventTime: '2026-11-30T09:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAEXAMPLEPRINCIPAL' },
        requestParameters: { sourceIPAddress: '203.0.113.10' },
        responseElements: {
          'x-amz-request-id': 'C3D13FE58DE4C810',
          'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'cognito-triggers-imports',
          bucket: {
            name: SAMPLE_BUCKET,
            ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
            arn: `arn:aws:s3:::${SAMPLE_BUCKET}`,
          },
          object: {
            key: SAMPLE_KEY,
            size: Buffer.byteLength(SAMPLE_EXPORT),
            eTag: SAMPLE_ETAG,
            sequencer: '0055AED6DCD90281E5',
          },
        },
      },
    ],
  };
}

export interface JobSampleFile {
  path: string;
  content: string;
}

/** Every job function's samples: `events/<function>/<name>.json`. */
export async function jobSampleFiles(): Promise<JobSampleFile[]> {
  const execution = sampleExecutionInput();
  const { bucket, key, etag, header, importedAt, workPrefix: prefix, settings, batchSize } = execution;
  const plan: PlanEvent = { step: 'plan', bucket, key, etag, workPrefix: prefix, batchSize };
  let range: RowRange | undefined;
  for await (const found of rowRanges(Readable.from([Buffer.from(SAMPLE_EXPORT)]), batchSize)) range ??= found;
  if (!range) throw new Error('the sample export has no rows');
  const batch: RangeEvent = {
    step: 'batch',
    bucket,
    key,
    etag,
    header,
    importedAt,
    workPrefix: prefix,
    settings,
    range,
  };
  // The final step's input: the execution input with what the plan and the map added.
  const assemble = {
    ...execution,
    plan: { manifest: manifestKey(prefix), ranges: 1, rows: range.rows },
    map: { batches: 1 },
  };
  const file = (fn: string, name: string, event: unknown): JobSampleFile => ({
    path: join(ROOT, 'events', fn, `${name}.json`),
    content: `${JSON.stringify(event, null, 2)}\n`,
  });
  return [
    file('batch-import', 'ObjectCreated_Put', s3Record()),
    file('import-batch', 'PlanRanges', plan),
    file('import-batch', 'ProcessRange', batch),
    file('import-assemble', 'ExecutionInput', assemble),
  ];
}
