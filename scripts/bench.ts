/**
 * `npm run bench`: what every cold start and every invocation costs, written to bench/results.json.
 * Targets live here, not in timed test assertions:
 *   - a function bundle imports (cold start, module load only) in under 250 ms on a 2-core machine;
 *   - the wrapper (checks, logging, metrics) adds under 1 ms per invocation.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { buildEvent, checkResponse, parseEvent } from '../shared/events/index.ts';
import { cognitoTrigger, lambdaContext } from '../shared/runtime/index.ts';
import { buildFunctions, ROOT } from './build.ts';

const TARGETS = { coldImportMs: 250, wrapperOverheadMs: 1 };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

function coldImportMs(file: string, runs = 7): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const samples = Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, AWS_REGION: 'us-east-1' },
      }),
    ),
  );
  return Math.round(median(samples) * 10) / 10;
}

function perSecond(iterations: number, run: () => void): number {
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) run();
  return Math.round(iterations / ((performance.now() - started) / 1000));
}

async function wrapperOverheadMs(iterations = 2_000): Promise<number> {
  const handler = cognitoTrigger('PreSignUp', (event) => event, { failureMode: 'closed' });
  const event = buildEvent('PreSignUp');
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write; // logs and EMF are not what we time
  try {
    const context = lambdaContext('bench');
    for (let i = 0; i < 200; i += 1) await handler(structuredClone(event), context);
    const started = performance.now();
    for (let i = 0; i < iterations; i += 1) await handler(structuredClone(event), context);
    return Math.round(((performance.now() - started) / iterations) * 1000) / 1000;
  } finally {
    process.stdout.write = write;
  }
}

const built = await buildFunctions();
const functions = built.map((fn) => ({
  name: fn.name,
  bundleKiB: Math.round(fn.bytes / 1024),
  coldImportMs: coldImportMs(fn.file),
}));
const sample = buildEvent('PreSignUp');
const results = {
  at: new Date().toISOString(),
  machine: { node: process.version, cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
  targets: TARGETS,
  functions,
  eventChecksPerSecond: perSecond(50_000, () => parseEvent('PreSignUp', sample)),
  responseChecksPerSecond: perSecond(50_000, () => checkResponse('PreSignUp', sample, sample)),
  wrapperOverheadMs: await wrapperOverheadMs(),
};
const misses = [
  ...functions
    .filter((fn) => fn.coldImportMs > TARGETS.coldImportMs)
    .map((fn) => `${fn.name} imports in ${fn.coldImportMs} ms`),
  ...(results.wrapperOverheadMs > TARGETS.wrapperOverheadMs ? [`wrapper costs ${results.wrapperOverheadMs} ms`] : []),
];
mkdirSync(join(ROOT, 'bench'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify({ ...results, misses }, null, 2)}\n`);
console.log(JSON.stringify({ ...results, misses }, null, 2));
if (misses.length) process.exitCode = 1;
