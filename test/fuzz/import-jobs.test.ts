/**
 * Fuzzing the deployed import's job functions' inputs: each sample event (scripts/job-events.ts), mutated
 * (fields removed, replaced by any JSON value, prototype keys added, ranges made empty, negative or
 * fractional), goes through the check its function makes before any I/O (s3Records, checkStepEvent,
 * checkExecutionInput). A mutated event is refused with a TypeError that quotes nothing of it, or accepted
 * with every field the function then reads of the type it reads it as: no other exception, no half-read
 * event reaching S3 or the directory.
 */
import fc from 'fast-check';
import { s3Records } from '../../functions/batch-import/import-object.ts';
import { checkExecutionInput, checkStepEvent } from '../../shared/import/s3-map.ts';
import { jobSampleFiles } from '../../scripts/job-events.ts';

const RUNS = 300;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A path into a JSON value and a change there. */
const mutation = fc.record({
  path: fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 4 }),
  change: fc.oneof(
    fc.constant({ kind: 'delete' as const }),
    fc.jsonValue().map((value) => ({ kind: 'set' as const, value: value as Json })),
    fc
      .constantFrom(-1, 0, 0.5, 1e21, Number.MAX_SAFE_INTEGER + 2, '', '0', '%E0%A4%A')
      .map((value) => ({ kind: 'set' as const, value })),
    fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => ({ kind: 'proto' as const, key })),
  ),
});

function mutate(value: Json, path: number[], change: { kind: string; value?: Json; key?: string }): Json {
  if (typeof value !== 'object' || value === null) return change.kind === 'set' ? (change.value as Json) : value;
  const keys = Object.keys(value);
  if (keys.length === 0) return value;
  const key = keys[(path[0] ?? 0) % keys.length] as string;
  const copy: Record<string, Json> | Json[] = Array.isArray(value) ? [...value] : { ...value };
  const inner = (copy as Record<string, Json>)[key] as Json;
  if (path.length > 1 && typeof inner === 'object' && inner !== null)
    (copy as Record<string, Json>)[key] = mutate(inner, path.slice(1), change);
  else if (change.kind === 'delete') delete (copy as Record<string, Json>)[key];
  else if (change.kind === 'set') (copy as Record<string, Json>)[key] = change.value as Json;
  else Object.defineProperty(copy, change.key as string, { value: { polluted: true }, enumerable: true });
  return copy;
}

const CHECKS: Record<string, (event: unknown) => void> = {
  'batch-import': (event) => {
    for (const record of s3Records(event)) {
      expect(typeof record.eventName).toBe('string');
      expect(typeof record.bucket).toBe('string');
      expect(typeof record.key).toBe('string');
      expect(typeof record.etag).toBe('string');
    }
  },
  'import-batch': (event) => {
    const step = checkStepEvent(event);
    for (const field of [step.bucket, step.key, step.etag, step.workPrefix]) expect(typeof field).toBe('string');
    if (step.step === 'plan') expect(Number.isInteger(step.batchSize) && step.batchSize > 0).toBe(true);
    else {
      const { first, rows, start, end } = step.range;
      for (const n of [first, rows, start, end]) expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
      expect(rows).toBeGreaterThan(0);
      expect(end).toBeGreaterThan(start);
      expect(step.header.every((name) => typeof name === 'string')).toBe(true);
      expect(Array.isArray(step.settings.csvHeader)).toBe(true);
    }
  },
  'import-assemble': (event) => {
    const input = checkExecutionInput(event);
    for (const field of [input.bucket, input.key, input.etag, input.workPrefix, input.importedAt])
      expect(typeof field).toBe('string');
    expect(Array.isArray(input.header)).toBe(true);
    expect(Array.isArray(input.settings.csvHeader)).toBe(true);
  },
};

it.each(Object.keys(CHECKS))(`%s: ${RUNS} mutated samples, refused with a TypeError or accepted whole`, async (fn) => {
  const samples = (await jobSampleFiles())
    .filter((file) => file.path.includes(`/events/${fn}/`))
    .map((file) => JSON.parse(file.content) as Json);
  expect(samples.length).toBeGreaterThan(0);
  let refused = 0;
  fc.assert(
    fc.property(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 3 }), (sample, changes) => {
      const event = changes.reduce((value, { path, change }) => mutate(value, path, change), sample);
      const check = CHECKS[fn] as (event: unknown) => void;
      try {
        check(event);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        // The refusal names what was expected, never what arrived (rows, names, hashes).
        expect(error.message).not.toMatch(/ada|grace|legacy-users|\$2b\$/);
        refused += 1;
      }
    }),
    { numRuns: RUNS },
  );
  expect(refused).toBeGreaterThan(0);
  expect(refused).toBeLessThan(RUNS);
});
