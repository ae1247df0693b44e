/**
 * kill -9 at random moments, then --resume: the outcome equals an uninterrupted run's, to the byte in
 * the files and item by item in the directory (two fresh tables from infra/tables.yml in the test
 * stack's DynamoDB Local).
 */
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTables,
  dynamoDbClientFor,
  loadTableDefinitions,
  localTableNames,
} from '../../../local-cloud/index.ts';
import { writeSample } from '../../../scripts/import-sample.ts';
import { stack } from '../../helpers/stack.ts';
import { runCli, startImport } from './cli-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'import-kill-'));
const sample = join(dir, 'users.generated.csv');
const suffix = String(process.pid);
const TABLES = { whole: `import-whole-${suffix}`, killed: `import-killed-${suffix}` };
const db = DynamoDBDocumentClient.from(dynamoDbClientFor(stack.dynamodb.endpoint));

async function createLegacyTable(name: string): Promise<void> {
  const definitions = loadTableDefinitions(join(process.cwd(), 'infra', 'tables.yml'), {
    ...localTableNames(),
    legacyUsers: name,
  });
  await createTables(
    stack.dynamodb.endpoint,
    definitions.filter((definition) => definition.tableName === name),
  );
}

async function scanAll(table: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => String(a.username).localeCompare(String(b.username)));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const outputs = (out: string) =>
  Object.fromEntries(
    readdirSync(out)
      .filter((name) => name !== 'summary.json')
      .sort()
      .map((name) => [name, readFileSync(join(out, name), 'utf8')]),
  );

function summaryOf(out: string): Record<string, unknown> {
  const {
    seconds: _s,
    rowsPerSecond: _r,
    resumed: _resumed,
    ...rest
  } = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  return rest;
}

beforeAll(async () => {
  await writeSample(sample, 1_500);
  await createLegacyTable(TABLES.whole);
  await createLegacyTable(TABLES.killed);
}, 120_000);
afterAll(() => db.destroy());

it('finishes after kill -9 at random points with no row lost and none repeated', async () => {
  // Small batches and files: many checkpoints and file switches for a kill to land between.
  const common = ['--batch-size', '40', '--concurrency', '2'];
  const whole = await runCli([sample, '--table', TABLES.whole, '--out', join(dir, 'whole'), ...common]);
  expect(whole.status).toBe(0);
  const total = summaryOf(join(dir, 'whole')).rowsRead as number;

  const out = join(dir, 'killed');
  const args = [sample, '--table', TABLES.killed, '--out', out, '--resume', ...common];
  const checkpointed = () => {
    try {
      return JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')).rowsRead as number;
    } catch {
      return -1;
    }
  };
  let kills = 0;
  /** Rows the checkpoint held after each kill: kills before, between and after checkpoints. */
  const killedAt: number[] = [];
  // The first kill during start-up; the others once the run has passed a random point of the file,
  // then after a random pause (mid-batch, mid-append, mid-checkpoint: wherever it falls).
  const targets = [-1, 0.15, 0.35, 0.55, 0.75].map((f) =>
    f < 0 ? -1 : Math.floor((f + Math.random() * 0.15) * total),
  );
  for (const target of targets) {
    const { child, done } = startImport(args);
    let exited = false;
    const run = done.then((result) => ((exited = true), result));
    if (target < 0) await sleep(Math.random() * 1_500);
    else while (!exited && checkpointed() < target) await sleep(10);
    await sleep(Math.random() * 200);
    if (!exited) child.kill('SIGKILL');
    const result = await run;
    if (result.signal === 'SIGKILL') {
      kills += 1;
      killedAt.push(checkpointed());
    } else {
      expect(result.status).toBe(0);
      break;
    }
  }
  const last = await runCli(args);
  expect(last.status).toBe(0);
  expect(kills).toBeGreaterThan(1);
  // At least one kill landed mid-run, with rows checkpointed and rows still to go.
  expect(killedAt.some((rows) => rows > 0)).toBe(true);
  process.stderr.write(`kill -9 after checkpointed rows: ${killedAt.join(', ')}\n`);

  expect(summaryOf(out)).toEqual(summaryOf(join(dir, 'whole')));
  expect(outputs(out)).toEqual(outputs(join(dir, 'whole')));

  const [wholeItems, killedItems] = [await scanAll(TABLES.whole), await scanAll(TABLES.killed)];
  expect(killedItems).toHaveLength(summaryOf(out).accepted as number);
  // Every item of the resumed run carries the first run's import time: the same item each time it was put.
  expect(new Set(killedItems.map((item) => item.importedAt)).size).toBe(1);
  const withoutTime = (items: Array<Record<string, unknown>>) => items.map(({ importedAt: _t, ...item }) => item);
  expect(withoutTime(killedItems)).toEqual(withoutTime(wholeItems));
}, 300_000);
