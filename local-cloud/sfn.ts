/**
 * A local Step Functions endpoint for the one state machine the suite has: StartExecution (refusing a
 * name used before, ExecutionAlreadyExists, as Step Functions does) and DescribeExecution, running each
 * execution with the local Distributed-Map driver (map-driver.ts) against the Lambda endpoint. So
 * batch-import starts executions locally with the same SDK call as in AWS (AWS_ENDPOINT_URL_SFN).
 *
 * What anyone with `states:GetExecutionHistory` reads is answered too: GetExecutionHistory for an
 * execution and for each Map child (found as in AWS: ListMapRuns, then ListExecutions by map run), each
 * event with the inputs and outputs the driver reported. Standard executions keep them for 90 days.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { S3Client } from '@aws-sdk/client-s3';
import { listenOnLoopback, readBody } from './ports.ts';
import { runImportStateMachine, type DriverEvent, type DriverResult, type Invoke } from './map-driver.ts';

export interface LocalExecution {
  executionArn: string;
  name: string;
  status: 'RUNNING' | DriverResult['status'];
  input: string;
  result?: DriverResult;
  startDate: number;
  /** The history events as GetExecutionHistory answers them. */
  events: HistoryEvent[];
  /** A Map child: its map run; a parent: its map runs, by Map state name. */
  mapRunArn?: string;
  mapRuns?: Map<string, string>;
}

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** A driver event in GetExecutionHistory's shape (its type and its `...EventDetails`). */
function historyEvent(event: DriverEvent, id: number): HistoryEvent {
  const base = { id, previousEventId: id - 1, timestamp: Date.now() / 1000 };
  switch (event.type) {
    case 'ExecutionStarted':
      return { ...base, type: 'ExecutionStarted', executionStartedEventDetails: { input: event.input } };
    case 'StateEntered':
      return {
        ...base,
        type: `${event.stateType}StateEntered`,
        stateEnteredEventDetails: { name: event.state, input: event.input },
      };
    case 'StateExited':
      return {
        ...base,
        type: `${event.stateType}StateExited`,
        stateExitedEventDetails: { name: event.state, output: event.output },
      };
    case 'TaskScheduled':
      return {
        ...base,
        type: 'TaskScheduled',
        taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', parameters: event.parameters },
      };
    case 'TaskSucceeded':
      return {
        ...base,
        type: 'TaskSucceeded',
        taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: event.output },
      };
    case 'TaskFailed':
      return {
        ...base,
        type: 'TaskFailed',
        taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: event.error, cause: event.cause },
      };
    case 'ExecutionSucceeded':
      return { ...base, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: event.output } };
    case 'ExecutionFailed':
      return {
        ...base,
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: event.error, cause: event.cause },
      };
  }
}

export interface LocalSfn {
  endpoint: string;
  stateMachineArn: string;
  executions: Map<string, LocalExecution>;
  /** Resolves when every execution started so far has ended. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalSfnOptions {
  stateMachineArn: string;
  substitutions: Record<string, string>;
  s3: () => S3Client;
  invoke: Invoke;
  onExecutionEnd?: (execution: LocalExecution) => void;
}

/** Invokes a function through a Lambda Invoke endpoint (the local stack's), as Step Functions' lambda:invoke. */
export function invokeThrough(lambdaEndpoint: string): Invoke {
  return async (name, payload) => {
    const response = await fetch(`${lambdaEndpoint}/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, {
      method: 'POST',
      body: JSON.stringify(payload),
    });
    const body = (await response.json()) as { errorType?: string; errorMessage?: string; message?: string } | null;
    if (response.status !== 200)
      return { ok: false, errorType: 'Lambda.ServiceException', errorMessage: body?.message ?? '' };
    if (response.headers.get('x-amz-function-error'))
      return { ok: false, errorType: body?.errorType ?? 'Error', errorMessage: body?.errorMessage ?? '' };
    return { ok: true, result: body };
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export async function startLocalSfn(options: LocalSfnOptions): Promise<LocalSfn> {
  const executions = new Map<string, LocalExecution>();
  const running = new Set<Promise<void>>();
  const arnOf = (name: string) => `${options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  const { stateMachineArn } = options;
  // A map run is `...:mapRun:<machine>/<Map state>:<id>`; its children run `<machine>/<Map state>`.
  const childMachineOf = (mapRunArn: string) =>
    `${stateMachineArn}/${mapRunArn.split('/').at(-1)?.split(':')[0] ?? ''}`;

  /** A driver event into its execution's history: a Map child's into the child's, made on its first event. */
  const record = (parent: LocalExecution, event: DriverEvent) => {
    let execution = parent;
    if (event.execution.kind === 'child') {
      const { mapState, index } = event.execution;
      let mapRunArn = parent.mapRuns?.get(mapState);
      if (!mapRunArn) {
        mapRunArn = `${stateMachineArn.replace(':stateMachine:', ':mapRun:')}/${mapState}:${parent.name}`;
        parent.mapRuns?.set(mapState, mapRunArn);
      }
      const childArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}/${mapState}:${parent.name}-${index}`;
      execution = executions.get(childArn) ?? {
        executionArn: childArn,
        name: `${parent.name}-${index}`,
        status: 'RUNNING',
        input: event.type === 'ExecutionStarted' ? event.input : '{}',
        startDate: Date.now() / 1000,
        events: [],
        mapRunArn,
      };
      executions.set(childArn, execution);
      if (event.type === 'ExecutionSucceeded') execution.status = 'SUCCEEDED';
      if (event.type === 'ExecutionFailed') execution.status = 'FAILED';
    }
    execution.events.push(historyEvent(event, execution.events.length + 1));
  };

  const server = createServer((request, response) => {
    void (async () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const body = JSON.parse((await readBody(request)).toString('utf8') || '{}') as Record<string, string>;
      if (target === 'AWSStepFunctions.StartExecution') {
        if (body.stateMachineArn !== options.stateMachineArn)
          return sendJson(response, 400, {
            __type: 'StateMachineDoesNotExist',
            message: `State Machine Does Not Exist: '${body.stateMachineArn}'`,
          });
        const name = body.name ?? crypto.randomUUID();
        const executionArn = arnOf(name);
        if (executions.has(executionArn))
          return sendJson(response, 400, {
            __type: 'ExecutionAlreadyExists',
            message: `Execution Already Exists: '${executionArn}'`,
          });
        const execution: LocalExecution = {
          executionArn,
          name,
          status: 'RUNNING',
          input: body.input ?? '{}',
          startDate: Date.now() / 1000,
          events: [],
          mapRuns: new Map(),
        };
        executions.set(executionArn, execution);
        const run = runImportStateMachine({
          substitutions: options.substitutions,
          input: JSON.parse(execution.input),
          s3: options.s3(),
          invoke: options.invoke,
          onEvent: (event) => record(execution, event),
        }).then((result) => {
          execution.status = result.status;
          execution.result = result;
          options.onExecutionEnd?.(execution);
        });
        const tracked = run.finally(() => running.delete(tracked));
        running.add(tracked);
        return sendJson(response, 200, { executionArn, startDate: execution.startDate });
      }
      if (target === 'AWSStepFunctions.DescribeExecution') {
        const execution = executions.get(body.executionArn ?? '');
        if (!execution)
          return sendJson(response, 400, { __type: 'ExecutionDoesNotExist', message: 'Execution Does Not Exist' });
        return sendJson(response, 200, {
          executionArn: execution.executionArn,
          stateMachineArn: options.stateMachineArn,
          name: execution.name,
          status: execution.status,
          startDate: execution.startDate,
          input: execution.input,
          ...(execution.result?.output !== undefined ? { output: JSON.stringify(execution.result.output) } : {}),
          ...(execution.result?.error ? { error: 'States.TaskFailed', cause: execution.result.error } : {}),
        });
      }
      if (target === 'AWSStepFunctions.GetExecutionHistory') {
        const execution = executions.get(body.executionArn ?? '');
        if (!execution)
          return sendJson(response, 400, { __type: 'ExecutionDoesNotExist', message: 'Execution Does Not Exist' });
        return sendJson(response, 200, { events: execution.events });
      }
      if (target === 'AWSStepFunctions.ListMapRuns') {
        const execution = executions.get(body.executionArn ?? '');
        if (!execution)
          return sendJson(response, 400, { __type: 'ExecutionDoesNotExist', message: 'Execution Does Not Exist' });
        return sendJson(response, 200, {
          mapRuns: [...(execution.mapRuns?.values() ?? [])].map((mapRunArn) => ({
            executionArn: execution.executionArn,
            mapRunArn,
            stateMachineArn: childMachineOf(mapRunArn),
            startDate: execution.startDate,
          })),
        });
      }
      if (target === 'AWSStepFunctions.ListExecutions' && body.mapRunArn) {
        const children = [...executions.values()].filter((execution) => execution.mapRunArn === body.mapRunArn);
        return sendJson(response, 200, {
          executions: children.map((execution) => ({
            executionArn: execution.executionArn,
            stateMachineArn: childMachineOf(execution.mapRunArn ?? ''),
            name: execution.name,
            status: execution.status,
            startDate: execution.startDate,
            mapRunArn: execution.mapRunArn,
          })),
        });
      }
      return sendJson(response, 400, {
        __type: 'UnknownOperationException',
        message: `not supported locally: ${target}`,
      });
    })().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { __type: 'InternalFailure', message: String(error) });
    });
  });
  const listener = await listenOnLoopback(server);
  return {
    endpoint: listener.endpoint,
    stateMachineArn: options.stateMachineArn,
    executions,
    idle: async () => {
      while (running.size) await Promise.all(running);
    },
    stop: listener.close,
  };
}
