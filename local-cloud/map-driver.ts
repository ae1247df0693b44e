/**
 * Runs the import state machine's definition (infra/import-state-machine.asl.json) locally, where no
 * Step Functions exists: Task states (`lambda:invoke` with a `Payload.$` path or a `Payload` template,
 * ResultSelector, ResultPath, OutputPath), and the Distributed Map state: its ItemReader (a JSON array
 * or a CSV in S3), ItemSelector, ItemBatcher (MaxItemsPerBatch, BatchInput), MaxConcurrency and
 * ToleratedFailurePercentage, read from the definition and evaluated against the state's input; each
 * item (or batch) goes to the same Lambda the map invokes in AWS. So the code that runs in the map is
 * the code the tests run.
 *
 * Every state's input and output is reported (`onEvent`) as Step Functions keeps them in an execution's
 * history, each Map child as an execution of its own: what `states:GetExecutionHistory` would show is
 * what the tests read (local-cloud/sfn.ts answers it).
 *
 * What it interprets is what that definition uses (JSONPath `$` / `$.a.b` / `$$.Map.Item.*` templates,
 * Retry by error name and MaxAttempts): it is a driver for this state machine, not a Step Functions
 * emulator. A CSV ItemReader's rows are read as we assume Step Functions reads them: blank lines
 * skipped, a missing field left out, an extra field under the key `column <n>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import type { S3Client } from '@aws-sdk/client-s3';
import { getTextIfExists, objectStream } from '../shared/aws/s3.ts';
import { CSV_PARSE_OPTIONS } from '../shared/import/run.ts';
import { ROOT } from '../scripts/build.ts';

export const IMPORT_DEFINITION_FILE = join(ROOT, 'infra', 'import-state-machine.asl.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface TaskState {
  Type: 'Task';
  Resource: string;
  Parameters: { FunctionName: string; 'Payload.$'?: string; Payload?: Record<string, Json> };
  ResultSelector?: Record<string, Json>;
  ResultPath?: string;
  OutputPath?: string;
  Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
  Next?: string;
  End?: boolean;
}

interface MapState {
  Type: 'Map';
  ItemReader: {
    Resource: string;
    ReaderConfig: { InputType: string; CSVHeaderLocation?: string };
    Parameters: Record<string, Json>;
  };
  ItemSelector?: Record<string, Json>;
  ItemBatcher?: { MaxItemsPerBatch?: number; MaxItemsPerBatchPath?: string; BatchInput?: Record<string, Json> };
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

/** Which execution an event belongs to: the one started, or a Map state's child (its item's index). */
export type ExecutionRef = { kind: 'parent' } | { kind: 'child'; mapState: string; index: number };

/** One history event, as GetExecutionHistory reports it: inputs and outputs as JSON text. */
export type DriverEvent = { execution: ExecutionRef } & (
  | { type: 'ExecutionStarted'; input: string }
  | { type: 'StateEntered'; state: string; stateType: string; input: string }
  | { type: 'StateExited'; state: string; stateType: string; output: string }
  | { type: 'TaskScheduled'; state: string; parameters: string }
  | { type: 'TaskSucceeded'; state: string; output: string }
  | { type: 'TaskFailed'; state: string; error: string; cause: string }
  | { type: 'ExecutionSucceeded'; output: string }
  | { type: 'ExecutionFailed'; error: string; cause: string }
);

export interface DriverOptions {
  definition?: Definition;
  /** DefinitionSubstitutions: `${Name}` in the definition → the function to invoke. */
  substitutions: Record<string, string>;
  input: Record<string, Json>;
  s3: S3Client;
  invoke: Invoke;
  /** Called after each Map child (for progress and for tests that watch memory). */
  onBatch?: (batch: { items: number; ok: boolean }) => void;
  /** Each history event, in order within its execution. */
  onEvent?: (event: DriverEvent) => void;
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

/** ResultPath `$.field` (the input kept, the result added) or `$` (the result replaces it). */
function applyResultPath(path: string | undefined, input: Json, result: Json): Json {
  if (path === undefined || path === '$') return result;
  const field = /^\$\.(\w+)$/.exec(path)?.[1];
  if (!field || typeof input !== 'object' || input === null || Array.isArray(input))
    throw new Error(`unsupported ResultPath ${path}`);
  return { ...input, [field]: result };
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

class TaskFailure extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(`${errorType}: ${errorMessage}`);
  }
}

/** A Task state: entered, its Lambda invoked (retried as its Retry says), its output as the state's paths make it. */
async function runTask(
  name: string,
  task: TaskState,
  input: Json,
  execution: ExecutionRef,
  options: DriverOptions,
): Promise<Json> {
  if (task.Resource !== 'arn:aws:states:::lambda:invoke') throw new Error(`unsupported task ${task.Resource}`);
  const emit = options.onEvent ?? (() => undefined);
  emit({ execution, type: 'StateEntered', state: name, stateType: 'Task', input: JSON.stringify(input) });
  const { 'Payload.$': payloadPath, Payload: template } = task.Parameters;
  const payload = template ? evaluate(template, input) : select(payloadPath ?? '$', input);
  const functionName = functionOf(task, options.substitutions);
  emit({
    execution,
    type: 'TaskScheduled',
    state: name,
    parameters: JSON.stringify({ FunctionName: functionName, Payload: payload }),
  });
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await options.invoke(functionName, payload);
    if (outcome.ok) {
      // What lambda:invoke returns: the function's answer under Payload.
      const raw: Json = { StatusCode: 200, Payload: (outcome.result ?? null) as Json };
      emit({ execution, type: 'TaskSucceeded', state: name, output: JSON.stringify(raw) });
      const selected = task.ResultSelector ? evaluate(task.ResultSelector, raw) : raw;
      const withResult = applyResultPath(task.ResultPath, input, selected);
      const output = task.OutputPath ? select(task.OutputPath, withResult) : withResult;
      emit({ execution, type: 'StateExited', state: name, stateType: 'Task', output: JSON.stringify(output) });
      return output;
    }
    emit({ execution, type: 'TaskFailed', state: name, error: outcome.errorType, cause: outcome.errorMessage });
    const retry = task.Retry?.find(
      (r) => r.ErrorEquals.includes(outcome.errorType) || r.ErrorEquals.includes('States.ALL'),
    );
    if (!retry || attempt >= (retry.MaxAttempts ?? 3) + 1)
      throw new TaskFailure(outcome.errorType, outcome.errorMessage);
  }
}

/** The CSV ItemReader with CSVHeaderLocation FIRST_ROW: row objects keyed by the header. */
async function* csvItems(s3: S3Client, bucket: string, key: string): AsyncGenerator<Json> {
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

/** The JSON ItemReader: the object holds one JSON array, whose elements are the items. */
async function* jsonItems(s3: S3Client, bucket: string, key: string): AsyncGenerator<Json> {
  const text = await getTextIfExists(s3, bucket, key);
  if (text === undefined) throw new Error(`States.ItemReaderFailed: s3://${bucket}/${key} does not exist`);
  const items = JSON.parse(text) as Json;
  if (!Array.isArray(items)) throw new Error(`States.ItemReaderFailed: s3://${bucket}/${key} is not a JSON array`);
  yield* items;
}

async function runMap(
  name: string,
  state: MapState,
  input: Json,
  options: DriverOptions,
): Promise<Omit<DriverResult, 'status' | 'output'>> {
  const { ItemReader: reader, ItemBatcher: batcher } = state;
  const location = evaluate(reader.Parameters, input) as { Bucket: string; Key: string };
  let source: AsyncGenerator<Json>;
  if (reader.Resource === 'arn:aws:states:::s3:getObject' && reader.ReaderConfig.InputType === 'CSV')
    source = csvItems(options.s3, location.Bucket, location.Key);
  else if (reader.Resource === 'arn:aws:states:::s3:getObject' && reader.ReaderConfig.InputType === 'JSON')
    source = jsonItems(options.s3, location.Bucket, location.Key);
  else throw new Error('unsupported ItemReader');
  const batchSize = batcher
    ? ((batcher.MaxItemsPerBatchPath
        ? select(batcher.MaxItemsPerBatchPath, input)
        : batcher.MaxItemsPerBatch) as number)
    : 1;
  const concurrency = numberOf(state, 'MaxConcurrency', input, 1000) || 1000;
  const tolerated = numberOf(state, 'ToleratedFailurePercentage', input, 0);
  const batchInput = batcher?.BatchInput ? evaluate(batcher.BatchInput, input) : undefined;
  const startAt = state.ItemProcessor.StartAt;
  const task = state.ItemProcessor.States[startAt] as TaskState;
  const emit = options.onEvent ?? (() => undefined);

  let items = 0;
  let batches = 0;
  let failedItems = 0;
  const running = new Set<Promise<void>>();
  const dispatch = (selected: Json[]) => {
    const execution: ExecutionRef = { kind: 'child', mapState: name, index: batches };
    batches += 1;
    // Without an ItemBatcher each child gets its one item; with one, {BatchInput, Items}.
    const childInput: Json = !batcher
      ? (selected[0] as Json)
      : batchInput === undefined
        ? { Items: selected }
        : { BatchInput: batchInput, Items: selected };
    emit({ execution, type: 'ExecutionStarted', input: JSON.stringify(childInput) });
    const run: Promise<void> = runTask(startAt, task, childInput, execution, options).then(
      (output) => {
        emit({ execution, type: 'ExecutionSucceeded', output: JSON.stringify(output) });
        options.onBatch?.({ items: selected.length, ok: true });
      },
      (error: unknown) => {
        const failure = error instanceof TaskFailure ? error : new TaskFailure('States.Runtime', String(error));
        emit({ execution, type: 'ExecutionFailed', error: failure.errorType, cause: failure.errorMessage });
        failedItems += selected.length;
        options.onBatch?.({ items: selected.length, ok: false });
      },
    );
    const tracked = run.finally(() => running.delete(tracked));
    running.add(tracked);
  };
  let pending: Json[] = [];
  for await (const item of source) {
    const context = { '$$.Map.Item.Index': items, '$$.Map.Item.Value': item };
    pending.push(state.ItemSelector ? evaluate(state.ItemSelector, input, context) : item);
    items += 1;
    if (pending.length >= batchSize) {
      dispatch(pending);
      pending = [];
      while (running.size >= concurrency) await Promise.race(running);
    }
  }
  if (pending.length) dispatch(pending);
  await Promise.all(running);
  if (items > 0 && (failedItems / items) * 100 > tolerated)
    throw Object.assign(new Error(`States.ExceedToleratedFailureThreshold: ${failedItems} of ${items} items failed`), {
      counts: { items, batches, failedItems },
    });
  return { items, batches, failedItems };
}

/**
 * The Map state's output: this definition keeps the input and adds the child count under ResultPath
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
  return applyResultPath(state.ResultPath, input, selected);
}

export async function runImportStateMachine(options: DriverOptions): Promise<DriverResult> {
  const definition = options.definition ?? loadDefinition();
  const parent: ExecutionRef = { kind: 'parent' };
  const emit = options.onEvent ?? (() => undefined);
  let name: string | undefined = definition.StartAt;
  let data: Json = options.input;
  let counts = { items: 0, batches: 0, failedItems: 0 };
  emit({ execution: parent, type: 'ExecutionStarted', input: JSON.stringify(data) });
  try {
    while (name) {
      const state: MapState | TaskState | undefined = definition.States[name];
      if (!state) throw new Error(`no state ${name}`);
      if (state.Type === 'Map') {
        emit({ execution: parent, type: 'StateEntered', state: name, stateType: 'Map', input: JSON.stringify(data) });
        counts = await runMap(name, state, data, options);
        data = mapOutput(state, data, counts.batches);
        emit({ execution: parent, type: 'StateExited', state: name, stateType: 'Map', output: JSON.stringify(data) });
      } else data = await runTask(name, state, data, parent, options);
      name = state.End ? undefined : state.Next;
    }
    emit({ execution: parent, type: 'ExecutionSucceeded', output: JSON.stringify(data) });
    return { status: 'SUCCEEDED', ...counts, output: data };
  } catch (error) {
    const failed = error as Error & { counts?: typeof counts };
    const errorType = error instanceof TaskFailure ? error.errorType : 'States.Runtime';
    emit({ execution: parent, type: 'ExecutionFailed', error: errorType, cause: failed.message });
    return { status: 'FAILED', ...(failed.counts ?? counts), error: failed.message };
  }
}
