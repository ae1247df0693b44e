/** The streamed run on files in a temporary folder: line numbers, file splitting, outputs, resume. No servers. */
import { parse } from 'csv-parse/sync';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryWriteError, type DirectoryWriter } from '../../../shared/import/directory.ts';
import { LineCounter, lineBreaks } from '../../../shared/import/lines.ts';
import { DEFAULT_POOL_SETTINGS } from '../../../shared/import/pool.ts';
import { CSV_PARSE_OPTIONS, ImportInputError, ImportStateError, runImport } from '../../../shared/import/run.ts';
import type { LegacyUserItem } from '../../../shared/stores/legacy-user.ts';
import { readCognitoImportFile } from '../../helpers/cognito-import-file.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'import-run-'));
const HEADER = 'username,email,email_verified,address';

/** Start lines of each record as the import numbers them. */
function startLines(text: string): number[] {
  const counter = new LineCounter(1);
  return (parse(text, CSV_PARSE_OPTIONS) as string[][]).map((record) => counter.next(record));
}

/** Writes `text` as a file and imports it (dry run); answers the rejects as [line, reason, username]. */
async function rejectsOf(text: string | Buffer): Promise<string[][]> {
  const dir = folder();
  const input = join(dir, 'users.csv');
  writeFileSync(input, text);
  await runImport({ input, out: join(dir, 'out'), settings: DEFAULT_POOL_SETTINGS });
  const rows = parse(readFileSync(join(dir, 'out', 'rejects.csv')), { from_line: 2 }) as string[][];
  return rows.map(([line, , reason, username]) => [line as string, reason as string, username as string]);
}

describe('line numbers as an editor shows them', () => {
  it('counts CRLF, LF and lone CR inside a field as one break each', () => {
    expect(lineBreaks('a\r\nb\nc\rd')).toBe(3);
    expect(lineBreaks('\n\n')).toBe(2);
    expect(lineBreaks('\r\n\r\n')).toBe(2);
    expect(lineBreaks('plain')).toBe(0);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('%s files, quoted commas and line breaks, empty lines', (_, nl) => {
    const text = ['h1,h2', 'a,"x, y"', `b,"one${nl}two${nl}three"`, '', 'c,d', `"e${nl}",f`, 'g,h'].join(nl);
    expect(startLines(text)).toEqual([1, 2, 3, 6, 7, 8, 10]);
  });

  it('a CRLF inside a quoted field of an LF file, and an LF inside one of a CRLF file', () => {
    expect(startLines('h\n"a\r\nb"\nc\n')).toEqual([1, 2, 4]);
    expect(startLines('h\r\n"a\nb"\r\nc\r\n')).toEqual([1, 2, 4]);
  });

  it('rows ending in CRLF, LF and CR mixed in one file (concatenated exports)', () => {
    const text = 'h1,h2\na,b\r\nc,"d\ne"\r\n\r\nf,g\rh,"i"\r\nj,k\n';
    expect(parse(text, CSV_PARSE_OPTIONS)).toEqual([
      ['h1', 'h2'],
      ['a', 'b'],
      ['c', 'd\ne'],
      [''],
      ['f', 'g'],
      ['h', 'i'],
      ['j', 'k'],
    ]);
    expect(startLines(text)).toEqual([1, 2, 3, 5, 6, 7, 8]);
  });

  it('reports rejected rows on the line they start, with a BOM, CRLF and quoted line breaks before them', async () => {
    // A value holding a line break cannot be written in Cognito's one-user-a-line format: rejected too.
    const rows = [
      HEADER,
      'ok1,ok1@example.com,true,"1 Main St\r\nSpringfield"',
      'bad one,bad@example.com,true,',
      '',
      'ok2,ok2@example.com,true,"a\r\nb\r\nc"',
      'bad2,not-an-address,true,"x, y"',
      'ok3,ok3@example.com,yes,"p\nq"',
      'bad3,bad3@example.com,maybe,',
    ];
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows.join('\r\n') + '\r\n')]);
    expect(await rejectsOf(text)).toEqual([
      ['2', 'value-line-break', 'ok1'],
      // Not a valid user name, so not written (issue 18).
      ['4', 'username-invalid', ''],
      ['6', 'value-line-break', 'ok2'],
      ['9', 'email-invalid', 'bad2'],
      ['10', 'value-line-break', 'ok3'],
      ['12', 'boolean-invalid', 'bad3'],
    ]);
  });
});

describe('the run', () => {
  function export_(n: number, bad: number[] = []): string {
    const lines = [HEADER];
    for (let i = 0; i < n; i += 1) {
      lines.push(
        bad.includes(i) ? `user${i},nope,true,` : `user${i},user${i}@example.com,true,"${i} Main St, Town, ST"`,
      );
    }
    return `${lines.join('\n')}\n`;
  }

  it("splits Cognito files at the user limit, each in Cognito's format, UTF-8 without BOM, and writes the summary", async () => {
    const dir = folder();
    const input = join(dir, 'users.csv');
    writeFileSync(input, export_(10, [4]));
    const { summary } = await runImport({
      input,
      out: join(dir, 'out'),
      settings: DEFAULT_POOL_SETTINGS,
      limits: { maxUsers: 4, maxBytes: 1_000_000, maxRowChars: 16_000 },
      batchSize: 3,
    });
    expect(summary).toMatchObject({
      rowsRead: 10,
      accepted: 9,
      rejected: 1,
      rejectedByReason: { 'email-invalid': 1 },
      filesWritten: 3,
      files: ['cognito-import-0001.csv', 'cognito-import-0002.csv', 'cognito-import-0003.csv'],
      dryRun: true,
    });
    const files = summary.files.map((name) => readFileSync(join(dir, 'out', name)));
    for (const file of files) {
      expect(file[0]).not.toBe(0xef);
      expect(file.toString('utf8').split('\n')[0]).toBe(DEFAULT_POOL_SETTINGS.csvHeader.join(','));
    }
    // Read as Cognito reads them: a quoted field or a line Cognito would fail is a failure here.
    const read = files.map((file) => readCognitoImportFile(file.toString('utf8'), DEFAULT_POOL_SETTINGS.csvHeader));
    expect(read.flatMap((file) => file.failures)).toEqual([]);
    const users = read.map((file) => file.users.map((user) => user.values));
    expect(users.map((rows) => rows.length)).toEqual([4, 4, 1]);
    expect(users[0]?.[0]).toMatchObject({ address: '0 Main St, Town, ST', email_verified: 'TRUE' });
    expect(users.flat().map((row) => row['cognito:username'])).toEqual([
      'user0',
      'user1',
      'user2',
      'user3',
      'user5',
      'user6',
      'user7',
      'user8',
      'user9',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'))).toMatchObject({ accepted: 9 });
    expect(existsSync(join(dir, 'out', 'checkpoint.json'))).toBe(false);
  });

  it('splits at the byte limit', async () => {
    const dir = folder();
    const input = join(dir, 'users.csv');
    writeFileSync(input, export_(6));
    const { summary } = await runImport({
      input,
      out: join(dir, 'out'),
      settings: DEFAULT_POOL_SETTINGS,
      limits: { maxUsers: 500_000, maxBytes: 600, maxRowChars: 16_000 },
    });
    expect(summary.filesWritten).toBeGreaterThan(1);
    for (const name of summary.files) expect(readFileSync(join(dir, 'out', name)).length).toBeLessThanOrEqual(600);
  });

  it('never writes a hash to rejects.csv', async () => {
    const hash = '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234';
    const dir = folder();
    const input = join(dir, 'users.csv');
    writeFileSync(
      input,
      `username,password_hash,email,email_verified\nbad user,${hash},a@example.com,true\nx,${hash},nope,true\n`,
    );
    await runImport({ input, out: join(dir, 'out'), settings: DEFAULT_POOL_SETTINGS });
    expect(readFileSync(join(dir, 'out', 'rejects.csv'), 'utf8')).not.toContain('$2b$');
  });

  it('refuses a file that cannot be read, is not CSV, or lacks the user name column', async () => {
    const dir = folder();
    const out = join(dir, 'out');
    await expect(runImport({ input: join(dir, 'missing.csv'), out, settings: DEFAULT_POOL_SETTINGS })).rejects.toThrow(
      new ImportInputError(`cannot read ${join(dir, 'missing.csv')}: ENOENT`),
    );
    writeFileSync(join(dir, 'quote.csv'), `${HEADER}\na,"unclosed,true,\n`);
    await expect(runImport({ input: join(dir, 'quote.csv'), out, settings: DEFAULT_POOL_SETTINGS })).rejects.toThrow(
      /is not CSV/,
    );
    writeFileSync(join(dir, 'columns.csv'), 'login,email\nx,y\n');
    await expect(
      runImport({ input: join(dir, 'columns.csv'), out: join(dir, 'out2'), settings: DEFAULT_POOL_SETTINGS }),
    ).rejects.toThrow('lacks the required column username');
    writeFileSync(join(dir, 'empty.csv'), '');
    await expect(
      runImport({ input: join(dir, 'empty.csv'), out: join(dir, 'out3'), settings: DEFAULT_POOL_SETTINGS }),
    ).rejects.toThrow('is empty');
  });

  it('stops at a directory failure with a checkpoint, and --resume finishes with nothing lost or repeated', async () => {
    const dir = folder();
    const input = join(dir, 'users.csv');
    writeFileSync(input, export_(50, [7, 31]));
    const options = {
      input,
      settings: DEFAULT_POOL_SETTINGS,
      batchSize: 6,
      limits: { maxUsers: 8, maxBytes: 1e8, maxRowChars: 16_000 },
    };

    const reference = new Map<string, LegacyUserItem>();
    const recording: DirectoryWriter = {
      write: async (items) => {
        for (const item of items) reference.set(item.username, item);
        return { written: items.length, alreadyMigrated: [] };
      },
    };
    await runImport({
      ...options,
      out: join(dir, 'a'),
      directory: recording,
      directoryName: 't',
      now: () => new Date(0),
    });

    const written = new Map<string, LegacyUserItem>();
    let calls = 0;
    const flaky: DirectoryWriter = {
      write: async (items) => {
        calls += 1;
        // The fourth batch gets halfway, then the directory fails hard.
        const part = calls === 4 ? items.slice(0, 2) : items;
        for (const item of part) written.set(item.username, item);
        if (calls === 4) throw new DirectoryWriteError('writing to t failed after 10 attempt(s): boom');
        return { written: items.length, alreadyMigrated: [] };
      },
    };
    const out = join(dir, 'b');
    await expect(
      runImport({ ...options, out, directory: flaky, directoryName: 't', now: () => new Date(0) }),
    ).rejects.toThrow(DirectoryWriteError);
    expect(existsSync(join(out, 'checkpoint.json'))).toBe(true);
    await expect(runImport({ ...options, out, directory: flaky, directoryName: 't' })).rejects.toThrow(
      ImportStateError,
    );
    // What a kill between the file appends and the checkpoint leaves: lines and a file past the checkpoint.
    const current = readdirSync(out)
      .filter((name) => name.startsWith('cognito-import-'))
      .sort()
      .at(-1) as string;
    appendFileSync(join(out, current), 'half a li');
    appendFileSync(join(out, 'rejects.csv'), '99,email,email-invalid,ghost\n');
    writeFileSync(join(out, 'cognito-import-0099.csv'), 'x\n');
    await expect(
      runImport({ ...options, out, resume: true, directory: flaky, directoryName: 'other' }),
    ).rejects.toThrow(ImportStateError);

    const { summary } = await runImport({ ...options, out, resume: true, directory: flaky, directoryName: 't' });
    expect(summary).toMatchObject({
      rowsRead: 50,
      accepted: 48,
      rejected: 2,
      directoryItemsWritten: 48,
      resumed: true,
    });
    expect(written).toEqual(reference);
    const list = (d: string) =>
      readdirSync(d)
        .filter((name) => name !== 'summary.json')
        .sort();
    expect(list(out)).toEqual(list(join(dir, 'a')));
    for (const name of list(out))
      expect(readFileSync(join(out, name), 'utf8')).toBe(readFileSync(join(dir, 'a', name), 'utf8'));

    const again = await runImport({ ...options, out, resume: true, directory: flaky, directoryName: 't' });
    expect(again.alreadyComplete).toBe(true);
  });
});
