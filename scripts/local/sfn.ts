/**
 * A local Step Functions endpoint for the one state machine the suite has: StartExecution (refusing a
 * name used before, ExecutionAlreadyExists, as Step Functions does) and DescribeExecution, running each
 * execution with the local Distributed-Map driver (map-driver.ts) against the Lambda endpoint. So
 * batch-import starts executions locally with the same SDK call as in AWS (AWS_ENDPOINT_URL_SFN).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import { LOCALHOST, readBody } from './ports.ts';
import { runImportStateMachine, type DriverResult, type Invoke } from './map-driver.ts';

export interface LocalExecution {
  executionArn: string;
  name: string;
  status: 'RUNNING' | DriverResult['status'];
  input: string;
  result?: DriverResult;
  startDate: number;
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
        };
        executions.set(executionArn, execution);
        const run = runImportStateMachine({
          substitutions: options.substitutions,
          input: JSON.parse(execution.input),
          s3: options.s3(),
          invoke: options.invoke,
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
      return sendJson(response, 400, {
        __type: 'UnknownOperationException',
        message: `not supported locally: ${target}`,
      });
    })().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { __type: 'InternalFailure', message: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOCALHOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${LOCALHOST}:${port}`,
    stateMachineArn: options.stateMachineArn,
    executions,
    idle: async () => {
      while (running.size) await Promise.all(running);
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
