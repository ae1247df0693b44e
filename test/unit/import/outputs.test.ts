/**
 * Issue 18, "The import's outputs never hold a hash, and are safe to open": the user name cell of
 * rejects.csv, redaction of every error text, and OWASP's CSV-injection rule for the CSVs people open.
 */
import { parse } from 'csv-parse/sync';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '@aws-lambda-powertools/logger';
import { importObject } from '../../../functions/batch-import/import-object.ts';
import { DEFAULT_POOL_SETTINGS } from '../../../shared/import/pool.ts';
import { ImportInputError, runImport } from '../../../shared/import/run.ts';
import { readImportJobConfig, writeImportError } from '../../../shared/import/s3-job.ts';
import { rejectedUsername, rejectsText, spreadsheetSafe } from '../../../shared/import/outputs.ts';
import { dataRowLines } from '../../../shared/import/s3-assemble.ts';
import { ImportJobError, runImportJobs } from '../../../shared/import/jobs.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

const BCRYPT = '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234';
const ARGON = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';
const DJANGO = 'pbkdf2_sha256$600000$c2FsdHNhbHQ$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo0MTIzNDU2Nzg=';

const folder = () => mkdtempSync(join(tmpdir(), 'import-outputs-'));

async function runOn(text: string) {
  const dir = folder();
  const input = join(dir, 'users.csv');
  writeFileSync(input, text);
  await runImport({ input, out: join(dir, 'out'), settings: DEFAULT_POOL_SETTINGS });
  const raw = readFileSync(join(dir, 'out', 'rejects.csv'), 'utf8');
  return { raw, rows: parse(raw, { from_line: 2 }) as string[][] };
}

describe('rejects.csv: the user name cell holds a valid user name that is no hash, or nothing', () => {
  it('an unquoted comma before the user name column shifts the hash into it: the cell is empty', async () => {
    // Reproduces the review: "Novak, Jana" unquoted puts the hash where the user name belongs.
    const { raw, rows } = await runOn(
      `given_name,password_hash,username,email,email_verified\nNovak, Jana,${BCRYPT},jana,jana@example.com,true\n`,
    );
    expect(rows).toEqual([['2', '', 'column-count', '']]);
    expect(raw).not.toContain('$2b$');
    expect(raw).not.toContain('abcdefghijklmnopqrstuu');
  });

  it.each([
    ['bcrypt', BCRYPT],
    ['argon2id (PHC)', ARGON],
    ['Django PBKDF2', DJANGO],
    [
      'a modular-crypt hash of a format we do not verify',
      '$6$rounds=5000$saltsalt$abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
    ],
    ['a bare hex digest', 'a'.repeat(20) + '0123456789abcdef0123456789'],
    ['an invalid user name', 'jana novak'],
  ])('never writes %s as the user name', (_, value) => {
    expect(rejectedUsername(value)).toBe('');
  });

  it('keeps a valid user name (e-mail addresses included) so the operator can find the row', () => {
    expect(rejectedUsername('jana')).toBe('jana');
    expect(rejectedUsername('jana@example.com')).toBe('jana@example.com');
    expect(rejectedUsername('ĳsbrand_ölund')).toBe('ĳsbrand_ölund');
  });

  it('a row rejected for another reason keeps its valid user name', async () => {
    const { rows } = await runOn(`username,email,email_verified\njana,not-an-email,true\n`);
    expect(rows).toEqual([['2', 'email', 'email-invalid', 'jana']]);
  });
});

describe("CSV injection (OWASP): a cell a spreadsheet would run is prefixed with ' and quoted", () => {
  it.each(['=1+2', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])('%j cannot run', (cell) => {
    expect(spreadsheetSafe(cell)).toBe(`'${cell}`);
  });

  it('leaves other cells as they are', () => {
    expect(spreadsheetSafe('jana')).toBe('jana');
    expect(spreadsheetSafe('')).toBe('');
    expect(spreadsheetSafe("o'brien")).toBe("o'brien");
  });

  it('rejectsText quotes the prefixed cell, so it is one text cell when opened', () => {
    expect(rejectsText([['7', 'email', 'email-invalid', '=1+2']])).toBe(`7,email,email-invalid,"'=1+2"\n`);
    expect(rejectsText([['8', 'email', 'email-invalid', '-jana']])).toBe(`8,email,email-invalid,"'-jana"\n`);
    expect(rejectsText([['9', 'email', 'email-invalid', 'jana']])).toBe('9,email,email-invalid,jana\n');
  });

  it('not in the Cognito import files: "Attribute values that are strings should not be in quotation marks" (guide, Formatting the .csv file)', () => {
    // Cognito reads those files and stores each value as written: a quote would become part of the name.
    const dir = folder();
    const input = join(dir, 'users.csv');
    writeFileSync(input, 'username,email,email_verified,given_name\njana,jana@example.com,true,=1+2\n');
    return runImport({ input, out: join(dir, 'out'), settings: DEFAULT_POOL_SETTINGS }).then(() => {
      const file = readFileSync(join(dir, 'out', 'cognito-import-0001.csv'), 'utf8');
      expect(file).toContain(',=1+2,');
      expect(file).not.toContain("'=1+2");
    });
  });

  it('a formula user name in a rejected row reaches rejects.csv as text', async () => {
    const { raw, rows } = await runOn(`username,email,email_verified\n=1+2,nope,true\n@SUM(A1),nope,true\n`);
    expect(rows.map((row) => row[3])).toEqual(["'=1+2", "'@SUM(A1)"]);
    expect(raw).toContain(`"'=1+2"`);
    expect(raw.split('\n').some((line) => /,[=+\-@]/.test(line))).toBe(false);
  });
});

describe('error texts are redacted wherever they go (as stderr is)', () => {
  // csv-parse quotes the field it chokes on: "Invalid Opening Quote: ... value is \"$2b$10$...\"".
  const broken = `username,password_hash,email,email_verified\njana,${BCRYPT.slice(0, 30)}"${BCRYPT.slice(30)},jana@example.com,true\n`;

  it("the import's error for a file that is not CSV does not quote the hash", async () => {
    const dir = folder();
    writeFileSync(join(dir, 'users.csv'), broken);
    const error = await runImport({
      input: join(dir, 'users.csv'),
      out: join(dir, 'out'),
      settings: DEFAULT_POOL_SETTINGS,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportInputError);
    expect((error as Error).message).toMatch(/is not CSV/);
    expect((error as Error).message).not.toContain('$2b$');
  });

  it('results/<name>/error.json and the outcome (logged) hold the redacted text', async () => {
    const objects = new Map<string, { body: string; etag: string }>([
      ['imports/users.csv', { body: broken, etag: 'v1' }],
    ]);
    const outcome = await importObject(
      { eventName: 'ObjectCreated:Put', bucket: 'b', key: 'imports/users.csv', etag: 'v1' },
      {
        s3: fakeS3(objects),
        config: { ...readImportJobConfig({ LEGACY_USERS_TABLE: 'legacy' }), inlineMaxBytes: 1_000_000 },
        settings: DEFAULT_POOL_SETTINGS,
        directory: { write: async (items) => ({ written: items.length, alreadyMigrated: [] }) },
        startExecution: async () => true,
        log: { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger,
        now: () => new Date('2026-01-01T00:00:00Z'),
      },
    );
    expect(outcome).toMatchObject({ outcome: 'refused', error: expect.stringMatching(/not CSV/) });
    expect(JSON.stringify(outcome)).not.toContain('$2b$');
    const body = objects.get('results/users/error.json')?.body ?? '';
    expect(body).toMatch(/not CSV/);
    expect(body).not.toContain('$2b$');
  });

  it("import-assemble's error for a source that is not CSV (execution history, logs) does not quote the hash", async () => {
    const lines = async () => {
      for await (const line of dataRowLines(Readable.from([Buffer.from(broken)]))) void line;
    };
    const error = await lines().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportInputError);
    expect((error as Error).message).toMatch(/not CSV: Invalid Opening Quote/);
    expect((error as Error).message).not.toContain('$2b$');
  });

  it("Cognito's CompletionMessage (summary.json, progress) and an upload's answer are redacted", async () => {
    let answer = 200;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(answer).end(`rejected ${BCRYPT}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
    const file = join(folder(), 'cognito-import-0001.csv');
    writeFileSync(file, 'cognito:username\njana\n');
    const job = { JobId: 'import-1', PreSignedUrl: url, Status: 'Failed', CompletionMessage: `bad row ${BCRYPT}` };
    const client = { send: async () => ({ UserImportJob: job }) } as unknown as CognitoIdentityProviderClient;
    const options = { client, userPoolId: 'p', cloudWatchLogsRoleArn: 'arn', files: [file], jobName: 'j' };
    try {
      const reports = await runImportJobs(options);
      expect(reports[0]?.message).toMatch(/^bad row /);
      expect(JSON.stringify(reports)).not.toContain('$2b$');
      answer = 500;
      const error = await runImportJobs(options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ImportJobError);
      expect((error as Error).message).toMatch(/answered 500/);
      expect((error as Error).message).not.toContain('$2b$');
    } finally {
      server.close();
    }
  });

  it('writeImportError redacts whatever text it is given', async () => {
    const objects = new Map<string, { body: string; etag: string }>();
    await writeImportError(
      fakeS3(objects),
      { bucket: 'b', key: 'imports/users.csv', etag: 'v1' },
      `bad value ${ARGON}`,
    );
    const body = objects.get('results/users/error.json')?.body ?? '';
    expect(body).toContain('[REDACTED]');
    expect(body).not.toContain('argon2id');
  });
});

/** An S3 client holding `objects`, answering HeadObject, GetObject (ranges too), PutObject and ListObjects (as batch-import.test.ts). */
function fakeS3(objects: Map<string, { body: string; etag: string }>): S3Client {
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
