/**
 * The deployed import through the local stack: a generated export put under imports/ in the local
 * bucket (s3rver) is imported by batch-import, in the function for a small file and through the state
 * machine (the local Distributed-Map driver feeding import-batch, then import-assemble) for a large one;
 * results/<name>/ holds exactly what `npm run import` writes for the same file, and the legacy users
 * then sign in through cognito-local with their old passwords.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  SFNClient,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { parse } from 'csv-parse/sync';
import {
  SAMPLE_FORMATS,
  SAMPLE_PASSWORDS,
  formatOf,
  writeSample,
  type SampleFormat,
} from '../../scripts/import-sample.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local-cloud/index.ts';
import { defaultCsvHeader } from '../../shared/import/columns.ts';
import { executionName } from '../../shared/import/s3-job.ts';
import { readCognitoImportFile } from '../helpers/cognito-import-file.ts';
import { STACK_FILE_VARIABLE } from '../setup/stack-file.ts';
import { runCli } from '../integration/import/cli-helpers.ts';
import { cognito, invokeFunction, signIn, stack, tableName } from '../helpers/stack.ts';

const dir = mkdtempSync(join(tmpdir(), 's3-import-'));
const idp = cognito();
const s3 = new S3Client({
  endpoint: stack.s3.endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  forcePathStyle: true,
});
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: stack.dynamodb.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
);
const sfn = new SFNClient({ endpoint: stack.sfn.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
const { bucket } = stack.s3;

afterAll(() => {
  idp.destroy();
  s3.destroy();
  sfn.destroy();
  db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The sample with its user names under a prefix of this test, so no other test's users are these. */
async function sample(prefix: string, users: number): Promise<string> {
  const file = join(dir, `${prefix}.csv`);
  await writeSample(file, users);
  const text = readFileSync(file, 'utf8').replace(/legacy\.user/gi, (m) =>
    m === m.toUpperCase() ? `${prefix.toUpperCase()}.${m}` : `${prefix}.${m}`,
  );
  writeFileSync(file, text);
  return file;
}

const emailOf = (prefix: string, i: number) => `${prefix}.legacy.user${String(i).padStart(7, '0')}@example.com`;
const firstOf = (format: SampleFormat) => {
  for (let i = 0; ; i += 1) if (formatOf(i) === format) return i;
};

async function objectText(key: string): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await object.Body?.transformToString('utf8');
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

async function waitForObject(key: string, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await objectText(key);
    if (text !== undefined) return text;
    if (Date.now() > deadline) throw new Error(`${key} did not appear within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The CLI's outputs for the same file (a dry run: the directory is the job's to write). */
async function cliOutputs(file: string, out: string): Promise<void> {
  const run = await runCli([file, '--stack-file', process.env[STACK_FILE_VARIABLE] ?? '', '--dry-run', '--out', out]);
  if (run.status !== 0) throw new Error(`the CLI failed (${run.status}): ${run.stderr}`);
}

async function expectSameOutputs(name: string, cliOut: string): Promise<Record<string, unknown>> {
  const summary = JSON.parse(await waitForObject(`results/${name}/summary.json`)) as Record<string, unknown>;
  const cli = JSON.parse(readFileSync(join(cliOut, 'summary.json'), 'utf8')) as Record<string, unknown>;
  for (const field of ['rowsRead', 'accepted', 'rejected', 'rejectedByReason', 'filesWritten', 'files'])
    expect([field, summary[field]]).toEqual([field, cli[field]]);
  expect(summary.directoryItemsWritten).toBe(cli.accepted);
  const csvs = readdirSync(cliOut)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  expect(csvs).toEqual(['cognito-import-0001.csv', 'rejects.csv']);
  for (const csv of csvs)
    expect([csv, await objectText(`results/${name}/${csv}`)]).toEqual([csv, readFileSync(join(cliOut, csv), 'utf8')]);
  // The deployed import's file as Cognito reads it (the guide's format, not csv-parse): no failing line.
  const read = readCognitoImportFile(
    (await objectText(`results/${name}/cognito-import-0001.csv`)) ?? '',
    defaultCsvHeader(),
  );
  expect(read.failures).toEqual([]);
  expect(read.users).toHaveLength(summary.accepted as number);
  expect(read.users.some((user) => user.values.family_name === "O'Brien, Jr.")).toBe(true);
  return summary;
}

const s3Event = (key: string, eTag: string) => ({
  Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key, eTag } } }],
});

describe('a small file, imported in the function', () => {
  const prefix = 's3inline';
  let file: string;
  let etag: string;
  beforeAll(async () => {
    file = await sample(prefix, 20);
    await cliOutputs(file, join(dir, 'cli-inline'));
    const put = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `imports/${prefix}.csv`, Body: readFileSync(file) }),
    );
    etag = (put.ETag ?? '').replace(/"/g, '');
  }, 120_000);

  it('writes results/<name>/ exactly as the CLI writes --out', async () => {
    const summary = await expectSameOutputs(prefix, join(dir, 'cli-inline'));
    expect(summary).toMatchObject({ mode: 'function', source: { bucket, key: `imports/${prefix}.csv`, etag } });
  }, 120_000);

  it.each(SAMPLE_FORMATS)('lets a user imported with a %s hash sign in with the old password', async (format) => {
    const result = await signIn(idp, emailOf(prefix, firstOf(format)), SAMPLE_PASSWORDS[format]);
    expect(result.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });

  it('does nothing for the same object delivered again', async () => {
    const before = await objectText(`results/${prefix}/summary.json`);
    const { payload } = await invokeFunction('batch-import', s3Event(`imports/${prefix}.csv`, etag));
    expect(payload).toEqual([{ outcome: 'already-imported' }]);
    expect(await objectText(`results/${prefix}/summary.json`)).toBe(before);
  });
});

describe('a large file, imported through the state machine', () => {
  const prefix = 's3map';
  let file: string;
  let etag: string;
  beforeAll(async () => {
    file = await sample(prefix, 1_000);
    await cliOutputs(file, join(dir, 'cli-map'));
    const put = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `imports/${prefix}.csv`, Body: readFileSync(file) }),
    );
    etag = (put.ETag ?? '').replace(/"/g, '');
  }, 120_000);

  it('is over the inline limit the test stack sets (200 kB)', () => {
    expect(statSync(file).size).toBeGreaterThan(200_000);
  });

  it('writes results/<name>/ exactly as the CLI writes --out, from batches of 100 rows', async () => {
    const summary = await expectSameOutputs(prefix, join(dir, 'cli-map'));
    expect(summary).toMatchObject({ mode: 'state-machine', batches: 11, source: { etag } });
    expect(summary.rowsNotProcessed).toBeUndefined();
  }, 120_000);

  it('keeps the first row of a duplicate in the directory, as the CLI does, though a later batch wrote its own', async () => {
    const get = (username: string) =>
      db.send(new GetCommand({ TableName: tableName('legacyUsers'), Key: { username }, ConsistentRead: true }));
    const first = (await get(`${prefix}.legacy.user0000000`)).Item;
    expect(first).toMatchObject({
      usernameAsGiven: `${prefix.toUpperCase()}.LEGACY.USER0000000`,
      email: emailOf(prefix, 0),
    });
    // A row rejected for its e-mail leaves no item behind.
    expect((await get('bad.duplicate-email')).Item).toBeUndefined();
  });

  it.each(['bcrypt-2a', 'argon2id'] as const)('lets a user imported with a %s hash sign in', async (format) => {
    const result = await signIn(idp, emailOf(prefix, firstOf(format)), SAMPLE_PASSWORDS[format]);
    expect(result.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });

  // Standard executions keep every state's input and output for 90 days, readable by anyone with
  // states:GetExecutionHistory: the execution and each Map child must hold references, never a row.
  it("keeps every row out of the execution's history and its Map children's (states:GetExecutionHistory)", async () => {
    await waitForObject(`results/${prefix}/summary.json`);
    const executionArn = `${stack.sfn.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName(
      `imports/${prefix}.csv`,
      etag,
    )}`;
    const events: HistoryEvent[] = [
      ...((await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? []),
    ];
    const { mapRuns = [] } = await sfn.send(new ListMapRunsCommand({ executionArn }));
    expect(mapRuns).toHaveLength(1);
    for (const run of mapRuns) {
      const { executions = [] } = await sfn.send(new ListExecutionsCommand({ mapRunArn: run.mapRunArn }));
      expect(executions.length).toBe(11);
      for (const child of executions)
        events.push(
          ...((await sfn.send(new GetExecutionHistoryCommand({ executionArn: child.executionArn }))).events ?? []),
        );
    }
    // Every string in every input, output and parameter, nested JSON opened.
    const strings = new Set<string>();
    const collect = (value: unknown): void => {
      if (typeof value === 'string') {
        strings.add(value);
        if (/^[[{]/.test(value))
          try {
            collect(JSON.parse(value));
          } catch {
            // Not JSON: kept as the string it is.
          }
      } else if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null)
        for (const [key, inner] of Object.entries(value)) {
          strings.add(key);
          collect(inner);
        }
    };
    collect(events);
    expect(events.some((event) => event.type === 'TaskScheduled')).toBe(true);
    const [header = [], ...rows] = parse(readFileSync(file), { relax_column_count: true, bom: true }) as string[][];
    const cells = new Set(rows.flat().filter((cell) => cell.length >= 6 && !header.includes(cell)));
    expect(cells.size).toBeGreaterThan(1_000);
    const leaked = [...cells].filter((cell) => strings.has(cell));
    expect(leaked.slice(0, 3)).toEqual([]);
    const text = [...strings].join('\n');
    for (const marker of ['@example.com', '$2a$', '$argon2', 'pbkdf2'])
      expect([marker, text.includes(marker)]).toEqual([marker, false]);
  }, 120_000);

  it("removes the batches' part objects once the results are written", async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `work/${prefix}/` }));
    expect(listed.KeyCount).toBe(0);
  });

  it('starts no second execution for the same object', async () => {
    const { payload } = await invokeFunction('batch-import', s3Event(`imports/${prefix}.csv`, etag));
    expect(payload).toEqual([{ outcome: 'already-imported' }]);
  });
});

describe('a file the import refuses, then a good version of it', () => {
  const key = 'imports/s3refused.csv';
  it('says why in results/<name>/error.json, and the good version replaces it', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'login,mail\nrefused.one,refused.one@example.com\n' }),
    );
    const error = JSON.parse(await waitForObject('results/s3refused/error.json')) as { error: string };
    expect(error.error).toMatch(/username/);
    expect(await objectText('results/s3refused/summary.json')).toBeUndefined();

    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: 'username,email,email_verified\nrefused.one,refused.one@example.com,true\n',
      }),
    );
    const summary = JSON.parse(await waitForObject('results/s3refused/summary.json')) as Record<string, unknown>;
    expect(summary).toMatchObject({ rowsRead: 1, accepted: 1, rejected: 0 });
    expect(await objectText('results/s3refused/error.json')).toBeUndefined();
  }, 60_000);
});
