/** batch-import's decisions for one S3 record, with S3 and Step Functions stood in for (unit level). */
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '@aws-lambda-powertools/logger';
import { importObject, s3Records, type ImportObjectDeps } from '../../../functions/batch-import/import-object.ts';
import { DEFAULT_POOL_SETTINGS } from '../../../shared/import/pool.ts';
import {
  executionName,
  importName,
  isImportKey,
  readImportJobConfig,
  resultsPrefix,
  workPrefix,
} from '../../../shared/import/s3-job.ts';
import type { ExecutionInput } from '../../../shared/import/s3-map.ts';

const ENV = {
  LEGACY_USERS_TABLE: 'legacy',
  IMPORT_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:1:stateMachine:import',
};

describe('names', () => {
  it('names results after the file under imports/, without .csv', () => {
    expect(importName('imports/users.csv')).toBe('users');
    expect(importName('imports/team/users.CSV')).toBe('team/users');
    expect(resultsPrefix('imports/users.csv')).toBe('results/users/');
    expect(workPrefix('imports/users.csv', 'abc')).toBe('work/users/abc/');
  });

  it('imports only CSV files under imports/', () => {
    expect(isImportKey('imports/users.csv')).toBe(true);
    expect(isImportKey('results/users/rejects.csv')).toBe(false);
    expect(isImportKey('imports/users.txt')).toBe(false);
  });

  it("names an execution per key and ETag, within Step Functions' 80 characters of [A-Za-z0-9-_]", () => {
    const name = executionName(`imports/${'ä very long name '.repeat(8)}.csv`, 'etag1');
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(executionName('imports/a.csv', 'etag1')).not.toBe(executionName('imports/a.csv', 'etag2'));
    expect(executionName('imports/a.csv', 'etag1')).toBe(executionName('imports/a.csv', 'etag1'));
  });
});

describe('s3Records', () => {
  it('decodes keys as S3 encodes them in events', () => {
    const [record] = s3Records({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: 'b' }, object: { key: 'imports/my+file%C3%A9.csv', eTag: 'e' } },
        },
      ],
    });
    expect(record).toEqual({ eventName: 'ObjectCreated:Put', bucket: 'b', key: 'imports/my fileé.csv', etag: 'e' });
  });

  it('refuses what is not an S3 event', () => {
    expect(() => s3Records({})).toThrow(TypeError);
    expect(() => s3Records({ Records: [{ eventName: 'x' }] })).toThrow(TypeError);
  });
});

describe('readImportJobConfig', () => {
  it('reads the stack parameters, with the CLI defaults', () => {
    const config = readImportJobConfig({
      ...ENV,
      IMPORT_MAPPING: '{"Login":"username"}',
      IMPORT_MAP_BATCH_SIZE: '500',
    });
    expect(config).toMatchObject({
      table: 'legacy',
      mapping: { Login: 'username' },
      settings: DEFAULT_POOL_SETTINGS,
      inlineMaxBytes: 50_000_000,
      map: { concurrency: 10, batchSize: 500, toleratedFailurePercentage: 0 },
      batchSize: 2_000,
      startJobs: false,
    });
  });

  it('names every bad setting', () => {
    let problems = '';
    try {
      readImportJobConfig({
        IMPORT_POOL_SETTINGS: '{"mfa":"SOMETIMES"}',
        IMPORT_MAPPING: '[]',
        IMPORT_START_JOBS: 'true',
      });
    } catch (error) {
      problems = (error as { problems: string[] }).problems.join('\n');
    }
    for (const name of ['IMPORT_POOL_SETTINGS', 'IMPORT_MAPPING', 'IMPORT_START_JOBS', 'LEGACY_USERS_TABLE'])
      expect(problems).toContain(name);
  });
});

interface FakeObject {
  body: string;
  etag: string;
}

/** An S3 client holding `objects`, answering HeadObject, GetObject (ranges too), PutObject and ListObjects. */
function fakeS3(objects: Map<string, FakeObject>): S3Client {
  return {
    send: async (command: {
      constructor: { name: string };
      input: { Key: string; Range?: string; Body?: string; Prefix?: string };
    }) => {
      const { Key, Range, Body } = command.input;
      const object = objects.get(Key);
      switch (command.constructor.name) {
        case 'ListObjectsCommand': {
          const keys = [...objects.keys()].filter((key) => key.startsWith(command.input.Prefix ?? '')).sort();
          return { Contents: keys.map((key) => ({ Key: key })), IsTruncated: false };
        }
        case 'HeadObjectCommand':
          if (!object) throw Object.assign(new Error('not found'), { name: 'NotFound' });
          return { ContentLength: Buffer.byteLength(object.body), ETag: `"${object.etag}"` };
        case 'GetObjectCommand': {
          if (!object) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
          const end = Range ? Number(/-(\d+)$/.exec(Range)?.[1]) + 1 : undefined;
          const text = object.body.slice(0, end);
          return { Body: Object.assign(Readable.from([Buffer.from(text)]), { transformToString: async () => text }) };
        }
        case 'PutObjectCommand':
          objects.set(Key, { body: String(Body), etag: 'new' });
          return {};
        default:
          throw new Error(`not faked: ${command.constructor.name}`);
      }
    },
  } as unknown as S3Client;
}

const HEADER = 'username,email,email_verified\n';
const silentLog = { info: () => undefined, warn: () => undefined } as unknown as Logger;

function deps(
  objects: Map<string, FakeObject>,
  started: Array<{ name: string; input: ExecutionInput }>,
  already = false,
): ImportObjectDeps {
  return {
    s3: fakeS3(objects),
    config: { ...readImportJobConfig(ENV), inlineMaxBytes: 10 },
    settings: DEFAULT_POOL_SETTINGS,
    directory: { write: async (items) => ({ written: items.length, alreadyMigrated: [] }) },
    startExecution: async (name, input) => {
      started.push({ name, input });
      return !already;
    },
    log: silentLog,
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
}

const record = (key: string, etag = 'v1', eventName = 'ObjectCreated:Put') => ({ eventName, bucket: 'b', key, etag });

describe('importObject', () => {
  it('ignores what is no new CSV under imports/', async () => {
    const objects = new Map<string, FakeObject>();
    expect(await importObject(record('other/users.csv'), deps(objects, []))).toEqual({ outcome: 'ignored' });
    expect(await importObject(record('imports/users.csv', 'v1', 'ObjectRemoved:Delete'), deps(objects, []))).toEqual({
      outcome: 'ignored',
    });
  });

  it('leaves a version replaced since the event to its own event', async () => {
    const objects = new Map([['imports/users.csv', { body: HEADER, etag: 'v2' }]]);
    expect(await importObject(record('imports/users.csv', 'v1'), deps(objects, []))).toEqual({ outcome: 'superseded' });
  });

  it('does nothing for a version whose summary is there already', async () => {
    const objects = new Map([
      ['imports/users.csv', { body: HEADER, etag: 'v1' }],
      [
        'results/users/summary.json',
        { body: JSON.stringify({ source: { bucket: 'b', key: 'imports/users.csv', etag: 'v1' } }), etag: 's' },
      ],
    ]);
    const started: Array<{ name: string; input: ExecutionInput }> = [];
    expect(await importObject(record('imports/users.csv'), deps(objects, started))).toEqual({
      outcome: 'already-imported',
    });
    expect(started).toEqual([]);
  });

  it('hands a large file to the state machine with everything its steps need', async () => {
    const objects = new Map([['imports/users.csv', { body: `${HEADER}jana,jana@example.com,true\n`, etag: 'v1' }]]);
    const started: Array<{ name: string; input: ExecutionInput }> = [];
    const outcome = await importObject(record('imports/users.csv'), deps(objects, started));
    expect(outcome).toEqual({ outcome: 'started', executionName: executionName('imports/users.csv', 'v1') });
    expect(started[0]?.input).toEqual({
      bucket: 'b',
      key: 'imports/users.csv',
      etag: 'v1',
      header: ['username', 'email', 'email_verified'],
      settings: DEFAULT_POOL_SETTINGS,
      importedAt: '2026-01-01T00:00:00.000Z',
      workPrefix: 'work/users/v1/',
      batchSize: 1_000,
      maxConcurrency: 10,
      toleratedFailurePercentage: 0,
    });
  });

  it('reports an execution that exists already (a second delivery) as started before', async () => {
    const objects = new Map([['imports/users.csv', { body: `${HEADER}jana,jana@example.com,true\n`, etag: 'v1' }]]);
    expect(await importObject(record('imports/users.csv'), deps(objects, [], true))).toEqual({
      outcome: 'already-started',
    });
  });

  it('refuses a large file the CLI would refuse, before any batch runs, and says why in results/', async () => {
    const objects = new Map([['imports/users.csv', { body: 'login,mail\njana,jana@example.com\n', etag: 'v1' }]]);
    const started: Array<{ name: string; input: ExecutionInput }> = [];
    const outcome = await importObject(record('imports/users.csv'), deps(objects, started));
    expect(outcome).toMatchObject({ outcome: 'refused', error: expect.stringMatching(/username/) });
    expect(started).toEqual([]);
    expect(JSON.parse(objects.get('results/users/error.json')?.body ?? '{}')).toMatchObject({
      error: expect.stringMatching(/username/),
      source: { key: 'imports/users.csv', etag: 'v1' },
    });
  });
});
