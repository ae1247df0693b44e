/** Ports, readiness and request bodies: what every local server needs. */
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

export const LOCALHOST = '127.0.0.1';

/**
 * A port that is free right now on 127.0.0.1: listen on port 0, read the port the OS chose, close.
 * Another process could take it before the caller binds it; servers that can listen on port 0
 * themselves (the in-process ones) do that instead.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOCALHOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port ? resolve(port) : reject(new Error(`freePort: unexpected address ${String(address)}`))));
    });
  });
}

export interface WaitOptions {
  /** What is awaited, for the error message: "DynamoDB Local on port 8000". */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `check` until it returns true. Return false for "not yet"; throw to give up at once (e.g. when
 * the process being waited for has exited). Throws a timeout error naming `what`.
 */
export async function waitFor(
  check: () => Promise<boolean>,
  { what, timeoutMs = 30_000, intervalMs = 100 }: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A readiness check for an HTTP endpoint: true when GET `url` answers with a 2xx status. */
export async function httpOk(url: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** The whole body of a request to one of the local servers. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface LoopbackListener {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Makes `server` keep idle keep-alive connections open for as long as its clients do. The SDK's clients
 * keep an idle connection until the server closes it, and a Node server closes one 6 s after its last
 * answer (keepAliveTimeout 5 s and a grace second): a request sent as it closes ends in ECONNRESET with
 * no fault anywhere, and tests that wait out a 5 s trigger budget or another function's run between
 * two calls meet that moment on a loaded machine (test/local-servers/keep-alive.test.ts). The stack
 * stops its servers with closeAllConnections, so nothing lingers.
 */
export function keepIdleConnections<T extends { keepAliveTimeout: number }>(server: T): T {
  server.keepAliveTimeout = 0;
  return server;
}

/**
 * Listens on 127.0.0.1 (port 0: the OS chooses, with no race) and gives the endpoint. Closing also ends
 * idle keep-alive connections, so a stand-in stops at once rather than after its clients' idle timeouts.
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<LoopbackListener> {
  keepIdleConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOCALHOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${LOCALHOST}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The Lambda Invoke API's path: `POST /2015-03-31/functions/{FunctionName}/invocations`. */
export const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/u;

export interface BothSides {
  /** A Lambda Invoke call cognito-local makes (the stand-in sits at its LambdaClient endpoint). */
  invoke(url: string, headers: IncomingHttpHeaders, body: Buffer, response: ServerResponse): Promise<void>;
  /** Any other call: the API clients make, on its way to cognito-local. */
  api(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer, response: ServerResponse): Promise<void>;
  /** Answers a failure of either, unless an answer was already on its way (then the connection is dropped). */
  failed(response: ServerResponse, error: unknown): void;
}

/** A stand-in on both sides of cognito-local: one server for the calls it makes and the calls made to it. */
export function bothSidesServer(sides: BothSides): Server {
  return createHttpServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (request.method === 'POST' && INVOKE_PATH.test(path))
        await sides.invoke(request.url ?? path, request.headers, body, response);
      else await sides.api(request.method ?? 'GET', request.url ?? '/', request.headers, body, response);
    })().catch((error: unknown) => {
      if (!response.headersSent) sides.failed(response, error);
      else response.destroy();
    });
  });
}
