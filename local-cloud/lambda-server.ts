/**
 * A local Lambda service: the part of the Invoke API that cognito-local (aws-sdk v2) and
 * @aws-sdk/client-lambda use, answering with our handlers run in this process.
 *
 *   POST /2015-03-31/functions/{FunctionName}/invocations
 *
 * Answers as Lambda does: 200 with the handler's JSON result; when the handler throws, still 200, with
 * `X-Amz-Function-Error: Unhandled` and `{errorType, errorMessage, trace}` (the SDKs then set
 * `FunctionError`, and cognito-local answers UserLambdaValidationException "<fn> failed with error
 * <errorMessage>."); an unknown function is a 404 ResourceNotFoundException.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { lambdaContext } from '../shared/runtime/local-context.ts';
import type { TriggerHandler } from '../shared/runtime/trigger.ts';
import { withOutputCaptured } from './console/invocation-output.ts';
import { INVOKE_PATH, listenOnLoopback, readBody } from './ports.ts';

/**
 * A handler, or how to load one (`{ load: () => import('...').then((m) => m.handler) }`): loaded on the
 * first invocation and kept, before that invocation's clock starts, as Lambda runs a module in its init
 * phase and starts the function's timeout at the invocation.
 */
export type LocalFunction = TriggerHandler | { load: () => Promise<TriggerHandler> };

export interface Invocation {
  functionName: string;
  event: unknown;
  ok: boolean;
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
}

export interface LocalLambda {
  endpoint: string;
  port: number;
  startMs: number;
  /** Every invocation so far, oldest first. Events hold what the caller sent (passwords included, for UserMigration). */
  readonly invocations: Invocation[];
  /** Forgets the recorded invocations. */
  clear(): void;
  stop(): Promise<void>;
}

/**
 * The function a FunctionName refers to: the name itself, or the name inside an ARN
 * (`arn:aws:lambda:region:account:function:name[:qualifier]`, or the partial `account:function:name`),
 * else the last `:`-segment.
 */
export function functionKey(requested: string, known: ReadonlySet<string>): string | undefined {
  if (known.has(requested)) return requested;
  const fromArn = /(?:^|:)function:([^:]+)(?::[^:]+)?$/.exec(requested)?.[1];
  if (fromArn !== undefined && known.has(fromArn)) return fromArn;
  const last = requested.split(':').at(-1);
  return last !== undefined && known.has(last) ? last : undefined;
}

/** What Lambda's Node.js runtime reports for a thrown value. */
function functionError(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function sendServiceError(response: ServerResponse, status: number, errorType: string, message: string): void {
  send(response, status, { Type: 'User', message }, { 'x-amzn-ErrorType': errorType });
}

/** One invocation as it ended, with the log lines the function wrote during it (the local console). */
export interface ObservedInvocation {
  at: Date;
  durationMs: number;
  functionName: string;
  event: unknown;
  answer?: unknown;
  error?: { errorType: string; errorMessage: string };
  lines: string[];
}

export async function startLambdaServer(
  functions: Record<string, LocalFunction>,
  options: { port?: number; onInvocation?: (invocation: ObservedInvocation) => void } = {},
): Promise<LocalLambda> {
  const startedAt = performance.now();
  const known = new Set(Object.keys(functions));
  const loaded = new Map<string, TriggerHandler>();
  const invocations: Invocation[] = [];

  /** The function's handler, loaded on first use (Lambda's init phase: not on any invocation's clock). */
  async function handlerOf(name: string): Promise<TriggerHandler> {
    const cached = loaded.get(name);
    if (cached) return cached;
    const entry = functions[name] as LocalFunction;
    const handler = typeof entry === 'function' ? entry : await entry.load();
    loaded.set(name, handler);
    return handler;
  }

  /** Runs the function; with an observer, tells it of the invocation and the lines it logged. */
  async function observed(name: string, event: unknown): Promise<unknown> {
    const observe = options.onInvocation;
    if (!observe) return (await handlerOf(name))(event, lambdaContext(name));
    const at = new Date();
    // As it came: the function fills in its response on the event it is given.
    const received = structuredClone(event);
    // A load that fails is observed as the invocation's error; one that works is not in its duration.
    let startedAt = performance.now();
    const { outcome, lines } = await withOutputCaptured(async () => {
      const handler = await handlerOf(name);
      startedAt = performance.now();
      return handler(event, lambdaContext(name));
    });
    const durationMs = performance.now() - startedAt;
    const base = { at, durationMs, functionName: name, event: received, lines };
    if (outcome.status === 'fulfilled') {
      observe({ ...base, answer: outcome.value });
      return outcome.value;
    }
    const { errorType, errorMessage } = functionError(outcome.reason);
    observe({ ...base, error: { errorType, errorMessage } });
    throw outcome.reason;
  }

  async function invoke(request: IncomingMessage, response: ServerResponse, requested: string): Promise<void> {
    const name = functionKey(requested, known);
    if (name === undefined) {
      sendServiceError(response, 404, 'ResourceNotFoundException', `Function not found: ${requested}`);
      return;
    }
    const body = (await readBody(request)).toString('utf8');
    let event: unknown;
    try {
      event = body.trim() === '' ? {} : JSON.parse(body);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      sendServiceError(
        response,
        400,
        'InvalidRequestContentException',
        `Could not parse request body into json: ${reason}`,
      );
      return;
    }

    const invocationType = request.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    if (invocationType === 'DryRun') {
      send(response, 204, undefined);
      return;
    }
    const execution = observed(name, event).then(
      (result) => {
        invocations.push({ functionName: name, event, ok: true, result });
        return { ok: true as const, result };
      },
      (thrown: unknown) => {
        const error = functionError(thrown);
        invocations.push({
          functionName: name,
          event,
          ok: false,
          error: { errorType: error.errorType, errorMessage: error.errorMessage },
        });
        return { ok: false as const, error };
      },
    );
    if (invocationType === 'Event') {
      send(response, 202, undefined);
      return;
    }
    const outcome = await execution;
    const headers = { 'x-amz-executed-version': '$LATEST' };
    if (outcome.ok) send(response, 200, outcome.result ?? null, headers);
    else send(response, 200, outcome.error, { ...headers, 'x-amz-function-error': 'Unhandled' });
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const match = request.method === 'POST' ? INVOKE_PATH.exec(path) : null;
    const handled = match
      ? invoke(request, response, decodeURIComponent(match[1] ?? ''))
      : Promise.resolve(
          sendServiceError(response, 404, 'UnknownOperationException', `Not supported: ${request.method} ${path}`),
        );
    handled.catch((error: unknown) => {
      if (!response.headersSent) sendServiceError(response, 500, 'ServiceException', String(error));
      else response.destroy();
    });
  });

  const listener = await listenOnLoopback(server, options.port);

  return {
    endpoint: listener.endpoint,
    port: listener.port,
    startMs: Math.round(performance.now() - startedAt),
    invocations,
    clear: () => {
      invocations.length = 0;
    },
    stop: listener.close,
  };
}
