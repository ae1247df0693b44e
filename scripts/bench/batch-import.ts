/**
 * The deployed import's big-file path, as the state machine runs it, through the local Distributed-Map
 * driver: a generated export in a local S3 (s3rver), the definition's plan, ItemReader (the manifest of
 * ranges) and ItemSelector feeding the built import-batch bundle, which reads its range and writes
 * DynamoDB Local, then the built import-assemble bundle.
 *
 *   npm run bench -- batch-import                             (1,000,000 rows)
 *   BENCH_BATCH_IMPORT_ROWS=100000 npm run bench -- batch-import
 *   (BENCH_BATCH_IMPORT_BATCH_SIZE, default 1000; BENCH_BATCH_IMPORT_CONCURRENCY, default 4)
 *
 * Checks the counts exactly (rows, accepted, rejected, batches, directory items) and reports rows/s of the
 * map and of the final step, and memory per batch: the heap and RSS after each batch, whose last tenth
 * must not be above the first tenth by more than the target (flat: a batch keeps nothing).
 */
import { mkdtempSync, createReadStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { getTextIfExists, importS3Client } from '../../shared/aws/s3.ts';
import { DEFAULT_POOL_SETTINGS } from '../../shared/import/pool.ts';
import { readHeader, workPrefix } from '../../shared/import/s3-job.ts';
import type { ExecutionInput } from '../../shared/import/s3-map.ts';
import { lambdaContext } from '../../shared/runtime/local-context.ts';
import { buildFunctions, DIST, ROOT } from '../build.ts';
import { writeSample } from '../import-sample.ts';
import {
  createTables,
  dynamoDbClientFor,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  loadTableDefinitions,
  localTableNames,
  runImportStateMachine,
  startDynamoDbLocal,
  startS3Local,
  type Invoke,
} from '../../local-cloud/index.ts';
import { median, progress, round, silenced, type SuiteResult } from './suite.ts';

/** RSS of the last tenth of the batches over the first tenth's, at most. */
export const TARGETS = { batchRssGrowthMiB: 64 };

const MiB = 1024 * 1024;

function fromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not ${text}`);
  return value;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * The table's item count as DynamoDB Local reports it (it counts on every DescribeTable; AWS would update
 * it only every few hours). A Scan with Select COUNT of a million items took over 5 s a page there.
 */
async function countItems(client: DynamoDBClient, table: string): Promise<number> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  return Table?.ItemCount ?? -1;
}

export async function run(): Promise<SuiteResult> {
  const rows = fromEnv('BENCH_BATCH_IMPORT_ROWS', 1_000_000);
  const batchSize = fromEnv('BENCH_BATCH_IMPORT_BATCH_SIZE', 1_000);
  const concurrency = fromEnv('BENCH_BATCH_IMPORT_CONCURRENCY', 4);
  const dir = mkdtempSync(join(tmpdir(), 'bench-batch-import-'));
  const file = join(dir, 'users.csv');
  progress(`batch-import: generating ${rows.toLocaleString('en')} rows`);
  const sample = await writeSample(file, rows);

  const dynamodb = await startDynamoDbLocal();
  const s3Local = await startS3Local();
  const saved = { ...process.env };
  try {
    const table = 'bench-batch-legacy';
    await createTables(
      dynamodb.endpoint,
      loadTableDefinitions(join(ROOT, 'infra', 'tables.yml'), {
        ...localTableNames('bench'),
        legacyUsers: table,
      }).filter((d) => d.tableName === table),
    );
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_S3: s3Local.endpoint,
      LEGACY_USERS_TABLE: table,
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    const s3 = importS3Client();
    const key = 'imports/users.csv';
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: s3Local.bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: statSync(file).size,
      }),
    );
    const etag = (put.ETag ?? '').replace(/"/g, '');
    const source = { bucket: s3Local.bucket, key, etag };

    await buildFunctions(['import-batch', 'import-assemble']);
    const handlers: Record<string, Handler> = {};
    for (const name of ['import-batch', 'import-assemble'])
      handlers[name] = (
        (await import(pathToFileURL(join(DIST, name, 'index.js')).href)) as { handler: Handler }
      ).handler;
    const invoke: Invoke = async (name, payload) => {
      try {
        return { ok: true, result: await (handlers[name] as Handler)(payload, lambdaContext(name, 900_000)) };
      } catch (error) {
        return { ok: false, errorType: (error as Error).name, errorMessage: (error as Error).message };
      }
    };

    const input: ExecutionInput = {
      ...source,
      header: await readHeader(s3, source),
      settings: DEFAULT_POOL_SETTINGS,
      importedAt: new Date().toISOString(),
      workPrefix: workPrefix(key, etag),
      batchSize,
      maxConcurrency: concurrency,
      toleratedFailurePercentage: 0,
    };
    const memory: Array<{ rss: number; heap: number }> = [];
    let mapEndedAt = 0;
    progress(
      `batch-import: ${rows.toLocaleString('en')} rows through the map, ${batchSize} a batch, ${concurrency} at once`,
    );
    const started = performance.now();
    const result = await silenced(() =>
      runImportStateMachine({
        substitutions: { ImportBatchFunctionArn: 'import-batch', ImportAssembleFunctionArn: 'import-assemble' },
        input: input as unknown as Parameters<typeof runImportStateMachine>[0]['input'],
        s3,
        invoke: async (name, payload) => {
          if (name === 'import-assemble') mapEndedAt = performance.now();
          return invoke(name, payload);
        },
        onBatch: () => memory.push({ rss: process.memoryUsage.rss(), heap: process.memoryUsage().heapUsed }),
      }),
    );
    const ended = performance.now();
    if (result.status !== 'SUCCEEDED') throw new Error(`the execution failed: ${result.error ?? ''}`);
    const summary = JSON.parse(
      (await getTextIfExists(s3, s3Local.bucket, 'results/users/summary.json')) ?? '{}',
    ) as Record<string, number>;
    progress('batch-import: counting the directory');
    const dynamo = dynamoDbClientFor(dynamodb.endpoint);
    const items = await countItems(dynamo, table);
    dynamo.destroy();
    s3.destroy();

    const total = rows + sample.badRows;
    const expectedBatches = Math.ceil(total / batchSize);
    const tenth = Math.max(1, Math.floor(memory.length / 10));
    const first = memory.slice(0, tenth);
    const last = memory.slice(-tenth);
    const growth = (pick: (m: { rss: number; heap: number }) => number) =>
      round((median(last.map(pick)) - median(first.map(pick))) / MiB, 1);
    const mapSeconds = (mapEndedAt - started) / 1000;
    const assembleSeconds = (ended - mapEndedAt) / 1000;
    const figures = {
      rows: total,
      batchSize,
      concurrency,
      batches: result.batches,
      rowsRead: summary.rowsRead,
      accepted: summary.accepted,
      rejected: summary.rejected,
      directoryItems: items,
      mapSeconds: round(mapSeconds, 1),
      mapRowsPerSecond: round(total / mapSeconds, 0),
      assembleSeconds: round(assembleSeconds, 1),
      assembleRowsPerSecond: round(total / assembleSeconds, 0),
      rssAfterBatchMiB: {
        firstTenth: round(median(first.map((m) => m.rss)) / MiB, 1),
        lastTenth: round(median(last.map((m) => m.rss)) / MiB, 1),
        max: round(Math.max(...memory.map((m) => m.rss)) / MiB, 1),
      },
      heapAfterBatchMiB: {
        firstTenth: round(median(first.map((m) => m.heap)) / MiB, 1),
        lastTenth: round(median(last.map((m) => m.heap)) / MiB, 1),
      },
      rssGrowthMiB: growth((m) => m.rss),
      heapGrowthMiB: growth((m) => m.heap),
    };
    const misses: string[] = [];
    const exact = (what: string, got: unknown, want: unknown) => {
      if (got !== want) misses.push(`batch-import: ${what} ${String(got)}, expected ${String(want)}`);
    };
    exact('rows read', summary.rowsRead, total);
    exact('accepted', summary.accepted, rows);
    exact('rejected', summary.rejected, sample.badRows);
    exact('batches', result.batches, expectedBatches);
    exact('directory items', items, rows);
    if (figures.rssGrowthMiB > TARGETS.batchRssGrowthMiB)
      misses.push(
        `batch-import: RSS grew ${figures.rssGrowthMiB} MiB from the first to the last tenth of the batches (target at most ${TARGETS.batchRssGrowthMiB})`,
      );
    return {
      targets: TARGETS,
      figures,
      misses,
      tables: [
        {
          title: `Deployed import, big-file path through the local Distributed-Map driver (${total.toLocaleString('en')} rows)`,
          columns: ['measure', 'value'],
          rows: [
            ['batches (rows each)', `${result.batches} (${batchSize}), ${concurrency} at once`],
            ['rows read / accepted / rejected', `${summary.rowsRead} / ${summary.accepted} / ${summary.rejected}`],
            ['directory items', String(items)],
            ['map: seconds, rows/s', `${figures.mapSeconds} s, ${figures.mapRowsPerSecond}`],
            ['final step: seconds, rows/s', `${figures.assembleSeconds} s, ${figures.assembleRowsPerSecond}`],
            [
              'RSS after a batch: first tenth, last tenth, max (MiB)',
              `${figures.rssAfterBatchMiB.firstTenth}, ${figures.rssAfterBatchMiB.lastTenth}, ${figures.rssAfterBatchMiB.max}`,
            ],
            [
              'heap after a batch: first tenth, last tenth (MiB)',
              `${figures.heapAfterBatchMiB.firstTenth}, ${figures.heapAfterBatchMiB.lastTenth}`,
            ],
          ],
        },
      ],
    };
  } finally {
    process.env = saved;
    await s3Local.stop();
    await dynamodb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
