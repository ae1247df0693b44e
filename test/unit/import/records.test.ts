/**
 * csv-parse in a worker thread and in this thread give the import the same records, the same errors and
 * therefore the same outputs. No servers.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POOL_SETTINGS } from '../../../shared/import/pool.ts';
import { recordsOf, type ParseIn } from '../../../shared/import/records.ts';
import { ImportInputError, runImport } from '../../../shared/import/run.ts';
import { sampleHashes, writeSample } from '../../../scripts/import-sample.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'import-records-'));
const BOTH: ParseIn[] = ['thread', 'worker'];

async function all(input: string, parseIn: ParseIn): Promise<string[][]> {
  const records: string[][] = [];
  const source = recordsOf(input, parseIn);
  for await (const record of source) records.push(record);
  // What the import sizes its uniqueness sets from: every record and byte, once the input is read.
  expect(source.recordsParsed).toBe(records.length);
  expect(source.bytesParsed).toBe(statSync(input).size);
  return records;
}

/** Every output file of a dry run, by name (summary.json without its timing). */
async function outputsOf(input: string, out: string, parseIn: ParseIn): Promise<Record<string, string>> {
  await runImport({ input, out, settings: DEFAULT_POOL_SETTINGS, parseIn, batchSize: 300 });
  return Object.fromEntries(
    readdirSync(out).map((name) => {
      const text = readFileSync(join(out, name), 'utf8');
      if (name !== 'summary.json') return [name, text];
      const { seconds: _s, rowsPerSecond: _r, input: _i, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return [name, JSON.stringify(rest)];
    }),
  );
}

describe('where csv-parse runs', () => {
  it('gives the same records in a worker as in this thread, past many batches and its read-ahead', async () => {
    const dir = folder();
    const input = join(dir, 'users.csv');
    // BOM, mixed row endings, quoted separators and line breaks, empty lines; 12,000 records (24 of the worker's batches).
    const rows = Array.from({ length: 12_000 }, (_, i) =>
      i % 7 === 0 ? `u${i},"a, ""b""\r\nc"` : i % 11 === 0 ? '' : `u${i},plain`,
    );
    writeFileSync(input, `\uFEFFusername,note\r\n${rows.map((row, i) => row + (i % 3 ? '\n' : '\r\n')).join('')}`);
    const [inThread, inWorker] = await Promise.all([all(input, 'thread'), all(input, 'worker')]);
    expect(inThread).toHaveLength(12_001);
    expect(inThread[0]).toEqual(['username', 'note']);
    expect(inThread[1]).toEqual(['u0', 'a, "b"\r\nc']);
    expect(inWorker).toEqual(inThread);
  });

  it('stops the worker when the reader stops early', async () => {
    const dir = folder();
    const input = join(dir, 'users.csv');
    writeFileSync(input, `h\n${'x\n'.repeat(50_000)}`);
    const source = recordsOf(input, 'worker');
    let read = 0;
    for await (const _ of source) if ((read += 1) === 10) break;
    expect(read).toBe(10);
    expect(source.bytesParsed).toBeGreaterThan(0);
    // Closing again is harmless; a fresh source over the same file still reads it all.
    source.close();
    expect(await all(input, 'worker')).toHaveLength(50_001);
  });

  describe('a generated export', () => {
    // One export and its outputs parsed here, for both cases: its hashes' real costs (seconds of scrypt
    // and bcrypt) are not what is compared, and on a loaded machine doing them per case outran jest's
    // timeout. One salt per format still gives every format and every bad row.
    let input = '';
    let reference: Record<string, string> = {};
    beforeAll(async () => {
      const dir = folder();
      input = join(dir, 'users.csv');
      await writeSample(input, 2_000, await sampleHashes(1));
      reference = await outputsOf(input, join(dir, 'reference'), 'thread');
    });

    it('has outputs of every kind', () => {
      expect(Object.keys(reference)).toEqual(expect.arrayContaining(['rejects.csv', 'cognito-import-0001.csv']));
      expect(reference['rejects.csv']!.split('\n').length).toBeGreaterThan(2);
    });

    it.each(BOTH)('gives the same import outputs parsed in a %s', async (parseIn) => {
      expect(await outputsOf(input, join(folder(), 'out'), parseIn)).toEqual(reference);
    });
  });

  it.each(BOTH)('the same errors for text that is not CSV and a file that cannot be read (%s)', async (parseIn) => {
    const dir = folder();
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'username,email\na,"unclosed,x\n');
    await expect(
      runImport({ input: broken, out: join(dir, 'o1'), settings: DEFAULT_POOL_SETTINGS, parseIn }),
    ).rejects.toThrow(
      new ImportInputError(
        `${broken} is not CSV: Quote Not Closed: the parsing is finished with an opening quote (near line 2)`,
      ),
    );
    const folderAsFile = join(dir, 'o1');
    await expect(
      runImport({ input: folderAsFile, out: join(dir, 'o2'), settings: DEFAULT_POOL_SETTINGS, parseIn }),
    ).rejects.toThrow(ImportInputError);
  });
});
