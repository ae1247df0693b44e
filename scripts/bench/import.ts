/**
 * The import's benchmark, on one generated export in one run:
 *
 *   npm run bench -- import                          (1,000,000 rows, as the targets are stated)
 *   BENCH_IMPORT_ROWS=100000 npm run bench -- import  (a quicker look; BENCH_IMPORT_DIRECTORY_ROWS too)
 *
 *   - import rows/s (parse + validate + Cognito files, no directory) against csv-parse alone on the same
 *     file with `columns: true` (design.md section 4: the ceiling, a record as an object per row):
 *     target at least 0.7x, for the import as it runs by default (csv-parse in a worker thread where
 *     there is a second core, shared/import/records.ts); the import with csv-parse in its own thread (a
 *     one-vCPU Lambda) and csv-parse giving arrays are reported beside it;
 *   - directory load rows/s against plain BatchWriteItem (same items, same concurrency) on the same
 *     DynamoDB Local;
 *   - peak RSS of the import over the 1M-row file, sampled through the run: target under 150 MiB, flat,
 *     for both placements of the parser.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse';
import { resolveColumns } from '../../shared/import/columns.ts';
import { BATCH_WRITE_LIMIT, batchWriter } from '../../shared/import/directory.ts';
import { DEFAULT_POOL_SETTINGS } from '../../shared/import/pool.ts';
import { createRowProcessor } from '../../shared/import/processor.ts';
import { defaultParseIn, type ParseIn } from '../../shared/import/records.ts';
import { runImport } from '../../shared/import/run.ts';
import type { LegacyUserItem } from '../../shared/stores/legacy-user.ts';
import { ROOT } from '../build.ts';
import {
  createTables,
  dynamoDbClientFor,
  loadTableDefinitions,
  localTableNames,
  startDynamoDbLocal,
} from '../../local-cloud/index.ts';
import { writeSample } from '../import-sample.ts';
import { progress, round, type SuiteResult } from './suite.ts';

/** importVsCsvParse: the import's rows/s over csv-parse's with `columns: true`, same file, same run. */
export const TARGETS = { importVsCsvParse: 0.7, peakRssMiB: 150 };

const MiB = 1024 * 1024;

/** A positive whole number from the environment, or the default. */
function rowsFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not ${text}`);
  return value;
}

async function csvParseAlone(file: string, options: Record<string, unknown>): Promise<number> {
  const started = performance.now();
  let rows = 0;
  for await (const _ of createReadStream(file).pipe(parse({ bom: true, relax_column_count: true, ...options })))
    rows += 1;
  return round((rows - (options.columns ? 0 : 1)) / ((performance.now() - started) / 1000), 0);
}

async function importDryRun(file: string, out: string, parseIn?: ParseIn): Promise<number> {
  const { summary } = await runImport({ input: file, out, settings: DEFAULT_POOL_SETTINGS, parseIn });
  return summary.rowsPerSecond;
}

/** The child's program: the import over one file, RSS sampled every 200 ms, the figures as JSON on stdout. */
const RSS_CHILD = `
import { runImport } from './shared/import/run.ts';
import { DEFAULT_POOL_SETTINGS } from './shared/import/pool.ts';
const [file, out, parseIn] = process.argv.slice(-3);
const samples = [];
const timer = setInterval(() => samples.push(process.memoryUsage.rss()), 200);
const { summary } = await runImport({ input: file, out, settings: DEFAULT_POOL_SETTINGS, parseIn });
clearInterval(timer);
samples.push(process.memoryUsage.rss());
process.stdout.write(JSON.stringify({ samples, rowsPerSecond: summary.rowsPerSecond }));
`;

interface RssFigures {
  peakMiB: number;
  /** Ten evenly spaced samples: flat or growing. */
  samplesMiB: number[];
  rowsPerSecond: number;
}

/**
 * Runs the import over `file` in a child process and samples its RSS (a worker thread's memory is the
 * process's). Bundled by esbuild under plain node (the pipeline's own memory), with the parser in a
 * worker (csv-parse found through NODE_PATH, as from a checkout) and in the import's thread (as a
 * deployed job on one vCPU runs it); and under tsx as `npm run import` runs (tsx's loader thread is a V8
 * isolate of its own, some 35 MiB more).
 */
async function rssOfImport(
  file: string,
  dir: string,
): Promise<{ bundled: RssFigures; bundledOneThread: RssFigures; tsx: RssFigures }> {
  const bundle = join(dir, 'rss-child.mjs');
  const entry = join(dir, 'rss-child-entry.mts');
  await build({
    stdin: { contents: RSS_CHILD, resolveDir: ROOT, loader: 'ts', sourcefile: 'rss-child.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    outfile: bundle,
    logLevel: 'silent',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  writeFileSync(entry, RSS_CHILD.replaceAll("'./shared/", `'${pathToFileURL(join(ROOT, 'shared')).href}/`));
  const bundled = await childFigures([bundle, file, join(dir, 'out-rss-bundled'), 'worker']);
  const bundledOneThread = await childFigures([bundle, file, join(dir, 'out-rss-thread'), 'thread']);
  const tsx = await childFigures(['--no-warnings', '--import', 'tsx', entry, file, join(dir, 'out-rss-tsx'), 'worker']);
  return { bundled, bundledOneThread, tsx };
}

function childFigures(args: string[]): Promise<RssFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the RSS child exited ${code}`));
      const { samples, rowsPerSecond } = JSON.parse(text) as { samples: number[]; rowsPerSecond: number };
      const step = Math.max(1, Math.floor(samples.length / 10));
      resolve({
        peakMiB: round(Math.max(...samples) / MiB, 1),
        samplesMiB: samples.filter((_, i) => i % step === 0).map((sample) => round(sample / MiB, 0)),
        rowsPerSecond,
      });
    });
  });
}

/** The accepted items of `file`, as the import would write them. */
async function itemsOf(file: string): Promise<LegacyUserItem[]> {
  const items: LegacyUserItem[] = [];
  let processor: ReturnType<typeof createRowProcessor> | undefined;
  let line = 1;
  for await (const record of createReadStream(file).pipe(
    parse({ bom: true, relax_column_count: true }),
  ) as AsyncIterable<string[]>) {
    line += 1;
    if (!processor) {
      processor = createRowProcessor({
        columns: resolveColumns(record),
        settings: DEFAULT_POOL_SETTINGS,
        importedAt: new Date().toISOString(),
      });
      continue;
    }
    for (const row of processor.processBatch([{ line, fields: record }]).accepted) items.push(row.item);
  }
  return items;
}

async function plainBatchWrite(
  client: DynamoDBDocumentClient,
  table: string,
  items: LegacyUserItem[],
  concurrency: number,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const chunk = items.slice(next, next + BATCH_WRITE_LIMIT);
      next += BATCH_WRITE_LIMIT;
      let requests = chunk.map((Item) => ({ PutRequest: { Item: { ...Item } } }));
      while (requests.length) {
        const output = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (output.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return round(items.length / ((performance.now() - started) / 1000), 0);
}

async function directoryLoad(dir: string, rows: number, concurrency: number) {
  const file = join(dir, `directory-${rows}.generated.csv`);
  await writeSample(file, rows);
  const dynamodb = await startDynamoDbLocal();
  try {
    const names = { ...localTableNames('bench'), legacyUsers: 'bench-legacy-a' };
    await createTables(
      dynamodb.endpoint,
      loadTableDefinitions(join(ROOT, 'infra', 'tables.yml'), names).filter((d) => d.tableName === 'bench-legacy-a'),
    );
    await createTables(
      dynamodb.endpoint,
      loadTableDefinitions(join(ROOT, 'infra', 'tables.yml'), { ...names, legacyUsers: 'bench-legacy-b' }).filter(
        (d) => d.tableName === 'bench-legacy-b',
      ),
    );
    const client = DynamoDBDocumentClient.from(dynamoDbClientFor(dynamodb.endpoint), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const items = await itemsOf(file);
    const plain = await plainBatchWrite(client, 'bench-legacy-b', items, concurrency);
    const { summary } = await runImport({
      input: file,
      out: join(dir, 'out-directory'),
      settings: DEFAULT_POOL_SETTINGS,
      directory: batchWriter({ client, table: 'bench-legacy-a', concurrency }),
      directoryName: 'bench-legacy-a',
    });
    client.destroy();
    return {
      rows: summary.rowsRead,
      concurrency,
      importRowsPerSecond: summary.rowsPerSecond,
      plainBatchWriteItemsPerSecond: plain,
      ratio: round(summary.rowsPerSecond / plain, 2),
    };
  } finally {
    await dynamodb.stop();
  }
}

export interface ImportBenchOptions {
  /** Rows of the generated export (default: BENCH_IMPORT_ROWS, else 1,000,000). */
  rows?: number;
  /** Rows loaded into DynamoDB Local (default: BENCH_IMPORT_DIRECTORY_ROWS, else 20,000). */
  directoryRows?: number;
  /** Interleaved rounds of csv-parse and the import (best of each). */
  rounds?: number;
}

export async function run(options: ImportBenchOptions = {}): Promise<SuiteResult> {
  const rows = options.rows ?? rowsFromEnv('BENCH_IMPORT_ROWS', 1_000_000);
  const directoryRows = options.directoryRows ?? rowsFromEnv('BENCH_IMPORT_DIRECTORY_ROWS', 20_000);
  const rounds = options.rounds ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  try {
    const file = join(dir, `users-${rows}.generated.csv`);
    progress(`import: generating a ${rows}-row export`);
    const generated = await writeSample(file, rows);
    // Same file, same process, interleaved rounds, best of each: other work on a shared machine comes
    // and goes within minutes, and would otherwise decide the ratio. The first round also warms the
    // page cache for all.
    let parseArrays = 0;
    let parseObjects = 0;
    let importRate = 0;
    let importOneThread = 0;
    for (let at = 0; at < rounds; at += 1) {
      progress(`import: csv-parse alone and the import, round ${at + 1} of ${rounds}`);
      parseObjects = Math.max(parseObjects, await csvParseAlone(file, { columns: true }));
      importRate = Math.max(importRate, await importDryRun(file, join(dir, 'out-dry')));
      importOneThread = Math.max(importOneThread, await importDryRun(file, join(dir, 'out-dry-thread'), 'thread'));
      parseArrays = Math.max(parseArrays, await csvParseAlone(file, {}));
    }
    progress('import: peak RSS (bundled, and under tsx)');
    const rss = await rssOfImport(file, dir);
    progress(`import: directory load of ${directoryRows} rows into DynamoDB Local`);
    const directory = await directoryLoad(dir, directoryRows, 8);
    const ratio = round(importRate / parseObjects, 2);
    const misses = [
      ...(ratio < TARGETS.importVsCsvParse
        ? [`import: ${ratio}x csv-parse (columns: true) rows/s, target at least ${TARGETS.importVsCsvParse}x`]
        : []),
      ...[rss.bundled, rss.bundledOneThread]
        .filter(({ peakMiB }) => peakMiB >= TARGETS.peakRssMiB)
        .map(
          ({ peakMiB }) => `import: peak RSS ${peakMiB} MiB over ${rows} rows, target under ${TARGETS.peakRssMiB} MiB`,
        ),
    ];
    const figures = {
      rows,
      bytes: statSync(file).size,
      rounds,
      sampleSeconds: generated.seconds,
      csvParseRowsPerSecond: { columnsTrue: parseObjects, arrays: parseArrays },
      parseIn: defaultParseIn(),
      importRowsPerSecond: importRate,
      importVsCsvParse: ratio,
      importVsCsvParseArrays: round(importRate / parseArrays, 2),
      importOneThreadRowsPerSecond: importOneThread,
      importOneThreadVsCsvParse: round(importOneThread / parseObjects, 2),
      peakRssMiB: Math.max(rss.bundled.peakMiB, rss.bundledOneThread.peakMiB),
      rss,
      directory,
    };
    const rate = (n: number) => n.toLocaleString('en-US');
    return {
      targets: TARGETS,
      figures,
      tables: [
        {
          title: `CSV import, ${rate(rows)} rows (${round(figures.bytes / MiB, 0)} MiB), best of ${rounds} interleaved rounds`,
          columns: ['pipeline', 'rows/s', 'vs columns: true', 'target'],
          rows: [
            ['csv-parse, columns: true (the ceiling)', rate(parseObjects), '1', ''],
            ['csv-parse, arrays', rate(parseArrays), String(round(parseArrays / parseObjects, 2)), ''],
            [
              `import, dry run (parse, validate, files; csv-parse in a ${figures.parseIn === 'worker' ? 'worker thread' : 'single thread'})`,
              rate(importRate),
              String(ratio),
              `>= ${TARGETS.importVsCsvParse}`,
            ],
            [
              'import, dry run, csv-parse in the same thread (one vCPU)',
              rate(importOneThread),
              String(figures.importOneThreadVsCsvParse),
              '',
            ],
          ],
        },
        {
          title: `CSV import memory over ${rate(rows)} rows, RSS sampled every 200 ms`,
          columns: ['run', 'peak MiB', 'samples MiB (first to last)', 'target'],
          rows: [
            [
              'bundled (esbuild, node), parser in a worker',
              String(rss.bundled.peakMiB),
              rss.bundled.samplesMiB.join(' '),
              `< ${TARGETS.peakRssMiB}`,
            ],
            [
              'bundled (esbuild, node), one thread',
              String(rss.bundledOneThread.peakMiB),
              rss.bundledOneThread.samplesMiB.join(' '),
              `< ${TARGETS.peakRssMiB}`,
            ],
            ['npm run import (tsx)', String(rss.tsx.peakMiB), rss.tsx.samplesMiB.join(' '), ''],
          ],
        },
        {
          title: `Directory load, ${rate(directory.rows)} rows into DynamoDB Local, ${directory.concurrency} writers`,
          columns: ['writer', 'items/s'],
          rows: [
            ['import (validate, batch, write)', rate(directory.importRowsPerSecond)],
            ['plain BatchWriteItem, same items', rate(directory.plainBatchWriteItemsPerSecond)],
          ],
        },
      ],
      misses,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
