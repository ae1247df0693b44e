/**
 * The Distributed Map's split of the import: the plan cuts the object into byte ranges of whole rows,
 * batches read their range and validate without knowing the rest of the file, the final step replays
 * them in file order. Whatever the ranges and whatever order they finish in, the outputs and the
 * directory must be the CLI's (one processor over the whole file).
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ObjectChangedError } from '../../../shared/aws/s3.ts';
import { CSV_PARSE_OPTIONS } from '../../../shared/import/run.ts';
import { parse } from 'csv-parse/sync';
import { cognitoFileName, cognitoHeaderLine } from '../../../shared/import/cognito-csv.ts';
import { resolveColumns } from '../../../shared/import/columns.ts';
import { poolSettings } from '../../../shared/import/pool.ts';
import { createRowProcessor } from '../../../shared/import/processor.ts';
import { assembledSummary, assembleOutputs, dataRowLines, itemsToRepair } from '../../../shared/import/s3-assemble.ts';
import {
  checkExecutionInput,
  checkStepEvent,
  manifestKey,
  partKey,
  planRanges,
  processRange,
  rangeRows,
  rowRanges,
  type PartEntry,
  type RangeEvent,
  type RowRange,
} from '../../../shared/import/s3-map.ts';
import type { LegacyUserItem } from '../../../shared/stores/legacy-user.ts';

const HEADER = ['username', 'email', 'email_verified', 'phone_number', 'given_name'];
// Users sign in with e-mail or phone: both must be unique in the file, besides the user name.
const SETTINGS = poolSettings({ usernameAttributes: ['email', 'phone_number'] });
const IMPORTED_AT = '2026-01-01T00:00:00.000Z';

const dir = mkdtempSync(join(tmpdir(), 's3-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * An S3 client that keeps the objects PutObject sends and answers GetObject (a Range too) from them, with
 * the ETag of `etags` (the source's version) or "e".
 */
function fakeS3(objects: Map<string, string | Buffer>, etags: Record<string, string> = {}): S3Client {
  return {
    send: async (command: unknown) => {
      if (command instanceof PutObjectCommand) {
        objects.set(command.input.Key ?? '', command.input.Body as string);
        return {};
      }
      if (command instanceof GetObjectCommand) {
        const { Key = '', Range } = command.input;
        const body = Buffer.from(objects.get(Key) ?? '');
        const [from, to] = (/^bytes=(\d+)-(\d+)$/.exec(Range ?? '') ?? []).slice(1).map(Number);
        const bytes = from === undefined ? body : body.subarray(from, (to ?? body.length - 1) + 1);
        return { Body: Readable.from([bytes]), ETag: `"${etags[Key] ?? 'e'}"` };
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  } as unknown as S3Client;
}

const SOURCE = 'imports/users.csv';

function rangeEvent(range: RowRange, header = HEADER): RangeEvent {
  return {
    step: 'batch',
    bucket: 'b',
    key: SOURCE,
    etag: 'e',
    header,
    settings: SETTINGS,
    importedAt: IMPORTED_AT,
    workPrefix: 'work/users/e/',
    range,
  };
}

const csvText = (rows: string[][], header = HEADER) =>
  stringify([header, ...rows], { record_delimiter: 'unix', quoted_match: /[\r\n]/ });

/** The ranges the plan finds in `text`. */
async function rangesOf(text: string | Buffer, size: number): Promise<RowRange[]> {
  const ranges: RowRange[] = [];
  for await (const range of rowRanges(Readable.from([Buffer.from(text)]), size)) ranges.push(range);
  return ranges;
}

describe('the plan: byte ranges of whole rows', () => {
  it('cuts where records end, not at line breaks inside quoted fields; blank lines and the header belong to no range', async () => {
    const text = '\ufeffusername,email\r\na,"x\r\ny"\r\n\r\nb,"1\n2\n3"\nc,z\rd,e';
    const ranges = await rangesOf(text, 2);
    expect(ranges).toEqual([
      { first: 0, rows: 2, start: 19, end: 41 },
      { first: 2, rows: 2, start: 41, end: 48 },
    ]);
    // The BOM is 3 bytes: offsets are bytes, as S3's Range counts them.
    const bytes = Buffer.from(text);
    expect(bytes.subarray(19, 41).toString()).toBe('a,"x\r\ny"\r\n\r\nb,"1\n2\n3"\n');
    expect(bytes.subarray(41, 48).toString()).toBe('c,z\rd,e');
  });

  it('reads back, range by range, every row of the file with its index, as one parse of the whole file does', async () => {
    const cell = fc.oneof(
      fc.constantFrom('', 'a', '"q"', 'x,y', '\ufeffbom', ' pad '),
      fc.constantFrom('line\nbreak', 'cr\r\nlf', 'lone\rcr'),
      fc.string({ maxLength: 6 }),
    );
    const eol = fc.constantFrom('\n', '\r\n', '\r');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(cell, { minLength: 1, maxLength: 3 }), eol, fc.boolean()), { maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        async (lines, size, bom) => {
          // Cells quoted where they must be (so a row may start with an unquoted U+FEFF, which is data),
          // each line ended as the generator chose, some followed by a blank line.
          const cellText = (value: string) =>
            value === '' || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
          let text = `${bom ? '\ufeff' : ''}h1,h2\n`;
          for (const [cells, end, blankAfter] of lines)
            text += `${cells.map(cellText).join(',')}${end}${blankAfter ? end : ''}`;
          const bytes = Buffer.from(text);
          const whole = (parse(bytes, CSV_PARSE_OPTIONS) as string[][])
            .slice(1)
            .filter((record) => !(record.length === 1 && record[0] === ''));
          const read: string[][] = [];
          for (const range of await rangesOf(bytes, size)) {
            const rows = await rangeRows(Readable.from([bytes.subarray(range.start, range.end)]), range);
            expect(rows.map((row) => row.line)).toEqual(rows.map((_, i) => range.first + i));
            expect(rows).toHaveLength(range.rows);
            read.push(...rows.map((row) => [...row.fields]));
          }
          expect(read).toEqual(whole);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('writes the manifest beside the parts and answers counts only', async () => {
    const objects = new Map<string, string | Buffer>([[SOURCE, 'username\nann\nbob\ncy\n']]);
    const plan = await planRanges(
      { step: 'plan', bucket: 'b', key: SOURCE, etag: 'e', workPrefix: 'work/users/e/', batchSize: 2 },
      fakeS3(objects),
    );
    expect(plan).toEqual({ manifest: manifestKey('work/users/e/'), ranges: 2, rows: 3 });
    expect(JSON.parse(String(objects.get(plan.manifest)))).toEqual([
      { first: 0, rows: 2, start: 9, end: 17 },
      { first: 2, rows: 1, start: 17, end: 20 },
    ]);
  });

  it('refuses an object replaced since the run began (another ETag): its ranges no longer hold its rows', async () => {
    const objects = new Map<string, string | Buffer>([[SOURCE, csvText([['ann', 'a@example.com', 'true', '', 'A']])]]);
    const s3 = fakeS3(objects, { [SOURCE]: 'other' });
    await expect(
      planRanges({ step: 'plan', bucket: 'b', key: SOURCE, etag: 'e', workPrefix: 'w/', batchSize: 2 }, s3),
    ).rejects.toBeInstanceOf(ObjectChangedError);
    await expect(
      processRange(rangeEvent({ first: 0, rows: 1, start: 0, end: 10 }), {
        mapping: {},
        directory: { write: async () => ({ written: 0, alreadyMigrated: [] }) },
        s3,
      }),
    ).rejects.toBeInstanceOf(ObjectChangedError);
  });

  it('says the source is not CSV without quoting the field csv-parse choked on (it may be a hash)', async () => {
    const text = 'username,password\nann,"$2a$10$abcdefghijklmnopqrstuv\n';
    await expect(rangesOf(text, 10)).rejects.toThrow(/not CSV/);
    await expect(rangesOf(text, 10)).rejects.not.toThrow(/abcdefghijklmnop/);
  });
});

describe('the step inputs', () => {
  it('refuses a step that is neither a plan nor a range', () => {
    expect(() => checkStepEvent({})).toThrow(TypeError);
    expect(() => checkStepEvent({ ...rangeEvent({ first: 0, rows: 0, start: 0, end: 1 }) })).toThrow(TypeError);
    expect(() => checkStepEvent({ ...rangeEvent({ first: -1, rows: 1, start: 0, end: 1 }) })).toThrow(TypeError);
    expect(() => checkStepEvent({ ...rangeEvent({ first: 0, rows: 1, start: 5, end: 5 }) })).toThrow(TypeError);
    expect(() => checkStepEvent({ step: 'plan', bucket: 'b', key: 'k', etag: 'e', workPrefix: 'w/' })).toThrow(
      TypeError,
    );
    expect(checkStepEvent(rangeEvent({ first: 0, rows: 1, start: 0, end: 1 })).step).toBe('batch');
    expect(
      checkStepEvent({ step: 'plan', bucket: 'b', key: 'k', etag: 'e', workPrefix: 'w/', batchSize: 1 }).step,
    ).toBe('plan');
  });
  it('refuses an execution input without its settings', () => {
    const {
      settings: _settings,
      range: _range,
      step: _step,
      ...rest
    } = rangeEvent({ first: 0, rows: 1, start: 0, end: 1 });
    expect(() => checkExecutionInput({ ...rest, batchSize: 1 })).toThrow(TypeError);
    expect(checkExecutionInput({ ...rest, settings: SETTINGS }).key).toBe('imports/users.csv');
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

/** The map's view: the plan's ranges of `size` rows, finishing in `order`, each writing the directory; then the replay and repair. */
async function mapRun(rows: string[][], size: number, order: number[], migrated: ReadonlySet<string> = new Set()) {
  const objects = new Map<string, string | Buffer>([[SOURCE, csvText(rows)]]);
  const directory = new Map<string, LegacyUserItem>();
  const writer = {
    write: async (items: readonly LegacyUserItem[]) => {
      // A user migrate-user has migrated keeps its row: the conditional put does not happen.
      const kept = items.filter((item) => migrated.has(item.username)).map((item) => item.username);
      for (const item of items) if (!migrated.has(item.username)) directory.set(item.username, item);
      return { written: items.length - kept.length, alreadyMigrated: kept };
    },
  };
  const s3 = fakeS3(objects);
  const plan = await planRanges(
    { step: 'plan', bucket: 'b', key: SOURCE, etag: 'e', workPrefix: 'work/users/e/', batchSize: size },
    s3,
  );
  const ranges = JSON.parse(String(objects.get(plan.manifest))) as RowRange[];
  const finishing = order.filter((n) => n < ranges.length);
  for (let n = 0; n < ranges.length; n += 1) if (!finishing.includes(n)) finishing.push(n);
  for (const n of finishing)
    await processRange(rangeEvent(ranges[n] as RowRange), { mapping: {}, directory: writer, s3 });

  const partKeys = [...objects.keys()].filter((key) => key.endsWith('.ndjson'));
  const entries = () =>
    partKeys.sort().flatMap((key) =>
      String(objects.get(key) ?? '')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as PartEntry),
    );
  const out = mkdtempSync(join(dir, 'out-'));
  const result = await assembleOutputs({
    entries: entries(),
    lines: dataRowLines(Readable.from([Buffer.from(String(objects.get(SOURCE)))])),
    settings: SETTINGS,
    out,
  });
  for (const item of await itemsToRepair(entries(), result)) directory.set(item.username, item);
  for (const key of result.deleteKeys) directory.delete(key);
  const file = join(out, cognitoFileName(1));
  return {
    rejects: readFileSync(join(out, 'rejects.csv'), 'utf8'),
    cognito: existsSync(file) ? readFileSync(file, 'utf8') : undefined,
    directory,
    partKeys,
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
