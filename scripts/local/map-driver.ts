/**
 * Runs the import state machine's definition (infra/import-state-machine.asl.json) locally, where no
 * Step Functions exists: the Distributed Map state's ItemReader (the CSV from S3, one object per row
 * keyed by the header), ItemSelector, ItemBatcher (MaxItemsPerBatch, BatchInput), MaxConcurrency and
 * ToleratedFailurePercentage are read from the definition and evaluated against the execution input, and
 * each batch goes to the same row-batch Lambda the map invokes in AWS; then the next state's Lambda.
 * So the code that runs in the map is the code the tests run.
 *
 * What it interprets is what that definition uses (JSONPath `$` / `$.a.b` / `$$.Map.Item.*` templates,
 * `lambda:invoke` tasks with `Payload.$: "$"`, Retry by error name and MaxAttempts): it is a driver for
 * this state machine, not a Step Functions emulator. Rows are read as we assume the ItemReader reads
 * them: blank lines skipped, a missing field left out, an extra field under the key `column <n>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import type { S3Client } from '@aws-sdk/client-s3';
import { objectStream } from '../../shared/aws/s3.ts';
import { CSV_PARSE_OPTIONS } from '../../shared/import/run.ts';
import { ROOT } from '../build.ts';

export const IMPORT_DEFINITION_FILE = join(ROOT, 'infra', 'import-state-machine.asl.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface TaskState {
  Type: 'Task';
  Resource: string;
  Parameters: { FunctionName: string; 'Payload.$': string };
  Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
  Next?: string;
  End?: boolean;
}

interface MapState {
  Type: 'Map';
  ItemReader: {
    Resource: string;
    ReaderConfig: { InputType: string; CSVHeaderLocation: string };
    Parameters: Record<string, Json>;
  };
  ItemSelector?: Record<string, Json>;
  ItemBatcher: { MaxItemsPerBatch?: number; MaxItemsPerBatchPath?: string; BatchInput?: Record<string, Json> };
  MaxConcurrency?: number;
  MaxConcurrencyPath?: string;
  ToleratedFailurePercentage?: number;
  ToleratedFailurePercentagePath?: string;
  ItemProcessor: { StartAt: string; States: Record<string, TaskState> };
  ResultSelector?: Record<string, string>;
  ResultPath?: string;
  Next?: string;
  End?: boolean;
}

export interface Definition {
  StartAt: string;
  States: Record<string, MapState | TaskState>;
}

export type Invoke = (
  functionName: string,
  payload: unknown,
) => Promise<{ ok: true; result: unknown } | { ok: false; errorType: string; errorMessage: string }>;

export interface DriverOptions {
  definition?: Definition;
  /** DefinitionSubstitutions: `${Name}` in the definition → the function to invoke. */
  substitutions: Record<string, string>;
  input: Record<string, Json>;
  s3: S3Client;
  invoke: Invoke;
  /** Called after each batch (for progress and for tests that watch memory). */
  onBatch?: (batch: { items: number; ok: boolean }) => void;
}

export interface DriverResult {
  status: 'SUCCEEDED' | 'FAILED';
  items: number;
  batches: number;
  failedItems: number;
  output?: unknown;
  error?: string;
}

export const loadDefinition = (file = IMPORT_DEFINITION_FILE) => JSON.parse(readFileSync(file, 'utf8')) as Definition;

/** A JSONPath of the forms this definition uses: `$`, `$.a.b`. */
function select(path: string, value: Json): Json {
  if (path === '$') return value;
  if (!path.startsWith('$.')) throw new Error(`unsupported path ${path}`);
  let current: Json = value;
  for (const part of path.slice(2).split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !(part in current))
      throw new Error(`States.Runtime: ${path} does not exist in the input`);
    current = current[part] as Json;
  }
  return current;
}

/** A payload template: `"x.$": "$.y"` takes the path from the input, `"$$.Map.Item.*"` from the context. */
export function evaluate(template: Record<string, Json>, input: Json, context: Record<string, Json> = {}): Json {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      const name = key.slice(0, -2);
      if (value.startsWith('$$.')) {
        if (!(value in context)) throw new Error(`unsupported context path ${value}`);
        out[name] = context[value] as Json;
      } else out[name] = select(value, input);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out[key] = evaluate(value, input, context);
    } else out[key] = value;
  }
  return out;
}

function numberOf(
  state: MapState,
  field: 'MaxConcurrency' | 'ToleratedFailurePercentage',
  input: Json,
  fallback: number,
) {
  const path = state[`${field}Path`];
  const value = path ? select(path, input) : state[field];
  return typeof value === 'number' ? value : fallback;
}

function functionOf(task: TaskState, substitutions: Record<string, string>): string {
  return task.Parameters.FunctionName.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`no substitution for \${${name}}`);
    return value;
  });
}

async function runTask(task: TaskState, payload: unknown, options: DriverOptions): Promise<unknown> {
  if (task.Resource !== 'arn:aws:states:::lambda:invoke' || task.Parameters['Payload.$'] !== '$')
    throw new Error(`unsupported task ${task.Resource}`);
  const name = functionOf(task, options.substitutions);
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await options.invoke(name, payload);
    if (outcome.ok) return outcome.result;
    const retry = task.Retry?.find(
      (r) => r.ErrorEquals.includes(outcome.errorType) || r.ErrorEquals.includes('States.ALL'),
    );
    if (!retry || attempt >= (retry.MaxAttempts ?? 3) + 1)
      throw new Error(`${outcome.errorType}: ${outcome.errorMessage}`);
  }
}

/** The CSV ItemReader with CSVHeaderLocation FIRST_ROW: row objects keyed by the header. */
async function* csvItems(s3: S3Client, bucket: string, key: string): AsyncGenerator<Record<string, string>> {
  const stream = await objectStream(s3, bucket, key);
  const parser = stream.pipe(parse(CSV_PARSE_OPTIONS));
  stream.on('error', (error) => parser.destroy(error));
  let header: string[] | undefined;
  for await (const record of parser as AsyncIterable<string[]>) {
    if (!header) {
      header = record;
      continue;
    }
    if (record.length === 1 && record[0] === '') continue;
    const row: Record<string, string> = {};
    record.forEach((value, i) => {
      row[i < (header as string[]).length ? ((header as string[])[i] as string) : `column ${i + 1}`] = value;
    });
    yield row;
  }
}

async function runMap(
  state: MapState,
  input: Json,
  options: DriverOptions,
): Promise<Omit<DriverResult, 'status' | 'output'>> {
  const { ItemReader: reader, ItemBatcher: batcher } = state;
  if (reader.Resource !== 'arn:aws:states:::s3:getObject' || reader.ReaderConfig.InputType !== 'CSV')
    throw new Error('unsupported ItemReader');
  const location = evaluate(reader.Parameters, input) as { Bucket: string; Key: string };
  const batchSize = (
    batcher.MaxItemsPerBatchPath ? select(batcher.MaxItemsPerBatchPath, input) : batcher.MaxItemsPerBatch
  ) as number;
  const concurrency = numberOf(state, 'MaxConcurrency', input, 1000) || 1000;
  const tolerated = numberOf(state, 'ToleratedFailurePercentage', input, 0);
  const batchInput = batcher.BatchInput ? evaluate(batcher.BatchInput, input) : undefined;
  const task = state.ItemProcessor.States[state.ItemProcessor.StartAt] as TaskState;

  let items = 0;
  let batches = 0;
  let failedItems = 0;
  const running = new Set<Promise<void>>();
  const dispatch = (batch: Json[]) => {
    batches += 1;
    const payload = batchInput === undefined ? { Items: batch } : { BatchInput: batchInput, Items: batch };
    const run: Promise<void> = runTask(task, payload, options).then(
      () => options.onBatch?.({ items: batch.length, ok: true }),
      () => {
        failedItems += batch.length;
        options.onBatch?.({ items: batch.length, ok: false });
      },
    );
    const tracked = run.finally(() => running.delete(tracked));
    running.add(tracked);
  };
  let batch: Json[] = [];
  for await (const row of csvItems(options.s3, location.Bucket, location.Key)) {
    const context = { '$$.Map.Item.Index': items, '$$.Map.Item.Value': row };
    batch.push(state.ItemSelector ? evaluate(state.ItemSelector, input, context) : row);
    items += 1;
    if (batch.length >= batchSize) {
      dispatch(batch);
      batch = [];
      while (running.size >= concurrency) await Promise.race(running);
    }
  }
  if (batch.length) dispatch(batch);
  await Promise.all(running);
  if (items > 0 && (failedItems / items) * 100 > tolerated)
    throw Object.assign(new Error(`States.ExceedToleratedFailureThreshold: ${failedItems} of ${items} items failed`), {
      counts: { items, batches, failedItems },
    });
  return { items, batches, failedItems };
}

/**
 * The Map state's output: this definition keeps the input and adds the batch count under ResultPath
 * (`ResultSelector: {"batches.$": "States.ArrayLength($)"}`), the one selector the driver knows.
 */
function mapOutput(state: MapState, input: Json, batches: number): Json {
  if (!state.ResultPath)
    throw new Error('unsupported: a Map state without ResultPath (its output would be every answer)');
  const selected: Record<string, Json> = {};
  for (const [key, value] of Object.entries(state.ResultSelector ?? {})) {
    if (key.endsWith('.$') && value === 'States.ArrayLength($)') selected[key.slice(0, -2)] = batches;
    else throw new Error(`unsupported ResultSelector ${key}: ${value}`);
  }
  const field = /^\$\.(\w+)$/.exec(state.ResultPath)?.[1];
  if (!field || typeof input !== 'object' || input === null || Array.isArray(input))
    throw new Error(`unsupported ResultPath ${state.ResultPath}`);
  return { ...input, [field]: selected };
}

export async function runImportStateMachine(options: DriverOptions): Promise<DriverResult> {
  const definition = options.definition ?? loadDefinition();
  let name: string | undefined = definition.StartAt;
  let data: Json = options.input;
  let counts = { items: 0, batches: 0, failedItems: 0 };
  let output: unknown;
  try {
    while (name) {
      const state: MapState | TaskState | undefined = definition.States[name];
      if (!state) throw new Error(`no state ${name}`);
      if (state.Type === 'Map') {
        counts = await runMap(state, data, options);
        data = mapOutput(state, data, counts.batches);
      } else {
        output = await runTask(state, data, options);
        if (!state.End) data = output as Json;
      }
      name = state.End ? undefined : state.Next;
    }
    return { status: 'SUCCEEDED', ...counts, output };
  } catch (error) {
    const failed = error as Error & { counts?: typeof counts };
    return { status: 'FAILED', ...(failed.counts ?? counts), error: failed.message };
  }
}
