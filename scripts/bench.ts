/**
 * `npm run bench [-- <suite> ...]`: runs the benchmark suites (all, or those named), prints a table per
 * suite, writes bench/results.json and exits 1 when any target is missed. Targets live in the suites,
 * not in timed test assertions.
 *
 * A suite is a module under scripts/bench/ exporting `run(): Promise<SuiteResult>` (scripts/bench/suite.ts);
 * adding one is a line in SUITES. Suites run one after another, in this order: cold start first, on a
 * machine where no local server of ours is running yet.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './build.ts';
import { formatTable, type SuiteResult } from './bench/suite.ts';

const SUITES: Record<string, () => Promise<{ run(): Promise<SuiteResult> }>> = {
  'cold-start': () => import('./bench/cold-start.ts'),
  warm: () => import('./bench/warm.ts'),
  wrapper: () => import('./bench/wrapper.ts'),
  'hash-verify': () => import('./bench/hash-verify.ts'),
  import: () => import('./bench/import.ts'),
  'batch-import': () => import('./bench/batch-import.ts'),
  'migrate-user': () => import('./bench/migrate-user.ts'),
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in SUITES));
if (unknown.length) {
  console.error(`no such suite: ${unknown.join(', ')} (have: ${Object.keys(SUITES).join(', ')})`);
  process.exit(2);
}
const names = requested.length ? Object.keys(SUITES).filter((name) => requested.includes(name)) : Object.keys(SUITES);

const targets: Record<string, Record<string, number>> = {};
const suites: Record<string, unknown> = {};
const misses: string[] = [];
for (const name of names) {
  const suite = await SUITES[name]?.();
  if (!suite) continue;
  const result = await suite.run();
  targets[name] = result.targets;
  suites[name] = result.figures;
  misses.push(...result.misses);
  for (const table of result.tables) console.log(`\n${formatTable(table)}`);
}

const results = {
  at: new Date().toISOString(),
  machine: { node: process.version, cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
  targets,
  suites,
  misses,
};
mkdirSync(join(ROOT, 'bench'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(
  misses.length ? `\nMissed targets:\n${misses.map((miss) => `  - ${miss}`).join('\n')}` : '\nEvery target met.',
);
console.log('Written to bench/results.json');
if (misses.length) process.exitCode = 1;
