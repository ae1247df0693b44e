/**
 * The Distributed Map's split of the import: batches validate without knowing the rest of the file, the
 * final step replays them in file order. Whatever the batches and whatever order they finish in, the
 * outputs and the directory must be the CLI's (one processor over the whole file).
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import type { S3Client } from '@aws-sdk/client-s3';
import { cognitoFileName, cognitoHeaderLine } from '../../../shared/import/cognito-csv.ts';
import { resolveColumns } from '../../../shared/import/columns.ts';
import { poolSettings } from '../../../shared/import/pool.ts';
import { createRowProcessor } from '../../../shared/import/processor.ts';
import { assembledSummary, assembleOutputs, dataRowLines, itemsToRepair } from '../../../shared/import/s3-assemble.ts';
import {
  checkBatchEvent,
  checkExecutionInput,
  fieldsOf,
  partKey,
  processMapBatch,
  type BatchEvent,
  type PartEntry,
} from '../../../shared/import/s3-map.ts';
import type { LegacyUserItem } from '../../../shared/stores/legacy-user.ts';

const HEADER = ['username', 'email', 'email_verified', 'phone_number', 'given_name'];
// Users sign in with e-mail or phone: both must be unique in the file, besides the user name.
const SETTINGS = poolSettings({ usernameAttributes: ['email', 'phone_number'] });
const IMPORTED_AT = '2026-01-01T00:00:00.000Z';

const dir = mkdtempSync(join(tmpdir(), 's3-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An S3 client that keeps the objects PutObject sends. */
function fakeS3(objects: Map<string, string>): S3Client {
  return {
    send: async (command: { input: { Key: string; Body: string } }) => {
      objects.set(command.input.Key, command.input.Body);
      return {};
    },
  } as unknown as S3Client;
}

const rowObject = (fields: string[]) => Object.fromEntries(HEADER.map((name, i) => [name, fields[i] ?? '']));

function batchEvent(items: Array<{ index: number; fields: string[] }>): BatchEvent {
  return {
    BatchInput: {
      bucket: 'b',
      key: 'imports/users.csv',
      etag: 'e',
      header: HEADER,
      settings: SETTINGS,
      importedAt: IMPORTED_AT,
      workPrefix: 'work/users/e/',
    },
    Items: items.map(({ index, fields }) => ({ index, row: rowObject(fields) })),
  };
}

describe('fieldsOf', () => {
  it('reads a row by the header, whatever the key order', () => {
    expect(fieldsOf({ email: 'e', username: 'u' }, ['username', 'email'])).toEqual(['u', 'e']);
  });
  it('keeps a short or long row short or long, so that it is rejected for its column count', () => {
    expect(fieldsOf({ username: 'u' }, ['username', 'email'])).toEqual(['u']);
    expect(fieldsOf({ username: 'u', email: 'e', 'column 3': 'x' }, ['username', 'email'])).toEqual(['u', 'e', 'x']);
  });
});

describe('the step inputs', () => {
  it('refuses a batch that is not one', () => {
    expect(() => checkBatchEvent({ Items: [] })).toThrow(TypeError);
    expect(() => checkBatchEvent({ ...batchEvent([]), Items: [] })).toThrow(TypeError);
    expect(() => checkBatchEvent({ ...batchEvent([{ index: -1, fields: ['u'] }]) })).toThrow(TypeError);
    expect(checkBatchEvent(batchEvent([{ index: 0, fields: ['u'] }])).Items).toHaveLength(1);
  });
  it('refuses an execution input without its settings', () => {
    const { settings: _settings, ...rest } = batchEvent([]).BatchInput;
    expect(() => checkExecutionInput({ ...rest, batchSize: 1 })).toThrow(TypeError);
    expect(checkExecutionInput(batchEvent([]).BatchInput).key).toBe('imports/users.csv');
  });
});

describe('dataRowLines', () => {
  it('gives the line each data row starts on: quoted CRLF and LF move later rows, blank lines are no rows', async () => {
    const text = 'username,email\r\na,"x\r\ny"\r\n\r\nb,"1\n2\n3"\nc,z\n';
    const lines: number[] = [];
    for await (const line of dataRowLines(Readable.from([Buffer.from(text)]))) lines.push(line);
    expect(lines).toEqual([2, 5, 8]);
  });
});

/** The CLI's view: one processor over every row, in order. */
function cliRun(rows: string[][]) {
  const processor = createRowProcessor({
    columns: resolveColumns(HEADER),
    settings: SETTINGS,
    importedAt: IMPORTED_AT,
  });
  const { accepted, rejected } = processor.processBatch(rows.map((fields, i) => ({ line: i + 2, fields })));
  const rejects = `line,column,reason,username\n${
    rejected.length
      ? stringify(
          rejected.map((r) => [String(r.line), r.column, r.reason, r.username]),
          { record_delimiter: 'unix' },
        )
      : ''
  }`;
  const cognito = accepted.length
    ? `${cognitoHeaderLine(SETTINGS.csvHeader)}\n${accepted.map((a) => `${a.cognitoLine}\n`).join('')}`
    : undefined;
  const directory = new Map(accepted.map((a) => [a.item.username, a.item]));
  return { rejects, cognito, directory };
}

/** The map's view: batches of `size`, finishing in `order`, each writing the directory; then the replay and repair. */
async function mapRun(rows: string[][], size: number, order: number[], migrated: ReadonlySet<string> = new Set()) {
  const objects = new Map<string, string>();
  const directory = new Map<string, LegacyUserItem>();
  const writer = {
    write: async (items: readonly LegacyUserItem[]) => {
      // A user migrate-user has migrated keeps its row: the conditional put does not happen.
      const kept = items.filter((item) => migrated.has(item.username)).map((item) => item.username);
      for (const item of items) if (!migrated.has(item.username)) directory.set(item.username, item);
      return { written: items.length - kept.length, alreadyMigrated: kept };
    },
  };
  const batches: Array<Array<{ index: number; fields: string[] }>> = [];
  for (let i = 0; i < rows.length; i += size)
    batches.push(rows.slice(i, i + size).map((fields, j) => ({ index: i + j, fields })));
  const finishing = order.filter((n) => n < batches.length);
  for (let n = 0; n < batches.length; n += 1) if (!finishing.includes(n)) finishing.push(n);
  for (const n of finishing)
    await processMapBatch(batchEvent(batches[n] ?? []), { mapping: {}, directory: writer, s3: fakeS3(objects) });

  const entries = () =>
    [...objects.keys()].sort().flatMap((key) =>
      (objects.get(key) ?? '')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as PartEntry),
    );
  const out = mkdtempSync(join(dir, 'out-'));
  const lines = (function* () {
    for (let i = 0; i < rows.length; i += 1) yield i + 2;
  })();
  const result = await assembleOutputs({ entries: entries(), lines, settings: SETTINGS, out });
  for (const item of await itemsToRepair(entries(), result)) directory.set(item.username, item);
  for (const key of result.deleteKeys) directory.delete(key);
  const file = join(out, cognitoFileName(1));
  return {
    rejects: readFileSync(join(out, 'rejects.csv'), 'utf8'),
    cognito: existsSync(file) ? readFileSync(file, 'utf8') : undefined,
    directory,
    partKeys: [...objects.keys()],
    result,
  };
}

const NAMES = ['ann', 'ANN', 'bob', 'cy', 'dee', 'bad name', ''];
const EMAILS = ['a@example.com', 'A@EXAMPLE.COM', 'b@example.com', 'c@example.com', 'not-an-address'];
const PHONES = ['', '', '+15550100', '+15550101'];
const rowArbitrary = fc.tuple(
  fc.constantFrom(...NAMES),
  fc.constantFrom(...EMAILS),
  fc.constantFrom('true', 'true', 'false'),
  fc.constantFrom(...PHONES),
  fc.constantFrom('Ann', 'Bo'),
);

describe('the map path against the CLI', () => {
  it('writes the same rejects, Cognito lines and directory for any batches in any order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArbitrary, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: 0, max: 39 }), { maxLength: 40 }),
        async (rows, size, order) => {
          const cli = cliRun(rows);
          const map = await mapRun(rows, size, order);
          expect(map.rejects).toBe(cli.rejects);
          expect(map.cognito).toBe(cli.cognito);
          expect(new Map([...map.directory].sort())).toEqual(new Map([...cli.directory].sort()));
          expect(map.result.missing).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("counts already-migrated users in the deployed import's summary (the directory kept their rows)", async () => {
    const rows = [
      ['ann', 'a@example.com', 'true', '', 'Ann'],
      ['bob', 'b@example.com', 'true', '', 'Bob'],
      ['cy', 'c@example.com', 'true', '', 'Cy'],
    ];
    const map = await mapRun(rows, 2, [1, 0], new Set(['bob']));
    expect(map.directory.has('bob')).toBe(false);
    const summary = assembledSummary('s3://b/k.csv', map.result, 1);
    expect(summary).toMatchObject({ accepted: 3, directoryItemsWritten: 2, directoryAlreadyMigrated: 1 });
  });

  it('repairs the item a later duplicate overwrote and deletes the item of a row rejected for its e-mail', async () => {
    const rows = [
      ['ann', 'a@example.com', 'true', '', 'First'],
      ['bob', 'b@example.com', 'true', '', 'Bob'],
      ['ANN', 'c@example.com', 'true', '', 'Second'],
      ['cy', 'A@example.com', 'true', '', 'Cy'],
    ];
    // The last batch finishes last: its "ANN" overwrites the first row's item, its "cy" writes one.
    const map = await mapRun(rows, 2, [0, 1]);
    expect(map.result.repairKeys).toEqual(new Set(['ann']));
    expect(map.result.deleteKeys).toEqual(new Set(['cy']));
    expect(map.directory.get('ann')?.attributes.given_name).toBe('First');
    expect(map.directory.has('cy')).toBe(false);
    expect(map.rejects).toBe(
      'line,column,reason,username\n4,username,username-duplicate,ANN\n5,email,email-duplicate,cy\n',
    );
    expect(map.partKeys.sort()).toEqual([partKey('work/users/e/', 0), partKey('work/users/e/', 2)]);
  });

  it('reports the rows of a batch that never reported, by line', async () => {
    const entries: PartEntry[] = [
      { i: 0, r: ['email', 'email-invalid', 'a'] },
      { i: 3, r: ['email', 'email-invalid', 'd'] },
    ];
    const out = mkdtempSync(join(dir, 'gap-'));
    const lines = [2, 3, 5, 6, 7][Symbol.iterator]();
    const result = await assembleOutputs({ entries, lines, settings: SETTINGS, out });
    expect(result.missing).toEqual([
      { fromLine: 3, toLine: 5, rows: 2 },
      { fromLine: 7, toLine: 7, rows: 1 },
    ]);
    expect(result.rowsRead).toBe(2);
  });

  it('refuses batches that overlap', async () => {
    const entries: PartEntry[] = [
      { i: 1, r: ['email', 'email-invalid', 'a'] },
      { i: 1, r: ['email', 'email-invalid', 'a'] },
    ];
    const lines = [2, 3, 4][Symbol.iterator]();
    await expect(
      assembleOutputs({ entries, lines, settings: SETTINGS, out: mkdtempSync(join(dir, 'overlap-')) }),
    ).rejects.toThrow(/overlap/);
  });
});
