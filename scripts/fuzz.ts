/**
 * `npm run fuzz [-- --runs <n>] [--seed <n>] [<function> ...]`: property-based fuzzing of every function
 * in functions/ (10,000 events each by default) with the harness in test/fuzz/harness.ts. Prints the
 * figures per function (events, outcomes, events the function's check refuses, injected faults,
 * property failures, time); exits 1 when any property failed, naming it with a counterexample and seed.
 */
import { functionNames } from './build.ts';
import { fuzzFunction, loadHandler, startFuzzEnvironment, type FuzzFigures } from '../test/fuzz/harness.ts';

function option(args: string[], name: string): number | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a whole number`);
  args.splice(index, 2);
  return value;
}

const args = process.argv.slice(2);
const runs = option(args, '--runs') ?? 10_000;
const seed = option(args, '--seed');
const known = functionNames();
const unknown = args.filter((name) => !known.includes(name));
if (unknown.length) {
  console.error(`no such function: ${unknown.join(', ')} (have: ${known.join(', ')})`);
  process.exit(1);
}
const names = args.length ? args : known;

const environment = await startFuzzEnvironment();
const results: FuzzFigures[] = [];
try {
  for (const name of names) {
    process.stderr.write(`fuzzing ${name} (${runs} events)...\n`);
    const handler = await loadHandler(name);
    results.push(await fuzzFunction(name, handler, environment, { runs, seed }));
  }
} finally {
  await environment.stop();
}

const columns = [
  'function',
  'mode',
  'events',
  'answered',
  'failed-open',
  'refused',
  'failed',
  'invalid',
  'faults',
  'failures',
  'ms',
  'seed',
];
const rows = results.map((r) => [
  r.fn,
  r.failureMode,
  r.events,
  r.outcomes.answered,
  r.outcomes['failed-open'],
  r.outcomes.refused,
  r.outcomes.failed,
  r.invalid,
  r.faults,
  r.failures,
  r.ms,
  r.seed,
]);
const widths = columns.map((column, i) => Math.max(column.length, ...rows.map((row) => String(row[i]).length)));
const line = (cells: ReadonlyArray<string | number>) =>
  cells
    .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i] ?? 0) : String(cell).padStart(widths[i] ?? 0)))
    .join('  ');
console.log(line(columns));
for (const row of rows) console.log(line(row));
console.log(
  '\nanswered: a checked answer; failed-open: the event as sent, after a failure (open functions);' +
    '\nrefused: a UserFacingError; failed: the generic TriggerFailure; invalid: events its event check refuses;' +
    '\nfaults: events during which DynamoDB, SES or Cognito answered 500, throttled or reset the connection.',
);
const failed = results.filter((r) => r.failure);
for (const r of failed) console.error(`\n${r.fn}: ${r.failure}`);
process.exit(failed.length ? 1 : 0);
