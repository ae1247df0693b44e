/**
 * The local console: a page served by `npm start` on 127.0.0.1 that shows every invocation, Cognito
 * operation and message the local stack sees, live (server-sent events), and drives the local pool from
 * its "Try it" forms. Local only: it listens on the loopback address and answers only requests whose
 * Host is that address (a DNS-rebinding page cannot read it), and form posts only from its own origin.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { listenOnLoopback, LOCALHOST, readBody } from '../ports.ts';
import type { ConsoleRecord, ConsoleRecorder } from './recorder.ts';
import { listImports, putExampleImport, type ImportsSources } from './imports.ts';
import { tryIt, type TryItContext } from './try-it.ts';
import { listLegacyUsers, listPoolUsers, userEntitlements, type UsersSources } from './users.ts';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'page');

/** The page's files: no build step, served as they are. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/sign-in': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

/**
 * No script but our own, no frames but the sandboxed e-mail ones (srcdoc), no connection but to us; a
 * rendered e-mail cannot run script (sandbox without allow-scripts) nor load anything remote.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self' about:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface ConsoleOptions {
  recorder: ConsoleRecorder;
  idp: CognitoIdentityProviderClient;
  clientId: string;
  /** Chosen by the caller when the magic-link allow-list must name the console before it starts. */
  port?: number;
  /** The Users view's sources: the pool (not through the recorded front), the directory, entitlements. */
  users?: UsersSources;
  /** The Imports view's: the local bucket. */
  imports?: ImportsSources;
  /** Extra data the page shows (the stack's endpoints), read on each request. */
  about?: () => Record<string, unknown>;
}

export interface LocalConsole {
  url: string;
  stop(): Promise<void>;
}

/** The Host values a request to the console may carry: the loopback address or name, with the port. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`${LOCALHOST}:${port}`, `localhost:${port}`]);
}

/** The console's sign-in page for magic links (the redirect URL the stack allows). */
export const consoleSignInUrl = (port: number) => `http://${LOCALHOST}:${port}/sign-in`;

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  response.end(message);
}

/** A section of a view that could not be read says so, and the rest of the view is still answered. */
async function section<T>(read: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await read();
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : 'Failed' };
  }
}

function stream(request: IncomingMessage, response: ServerResponse, recorder: ConsoleRecorder): void {
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    connection: 'keep-alive',
  });
  const send = (record: ConsoleRecord) => response.write(`event: record\ndata: ${JSON.stringify(record)}\n\n`);
  // Everything so far, then what comes: the page needs no second request to catch up.
  for (const record of recorder.list()) send(record);
  const stop = recorder.subscribe(send);
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
  request.on('close', () => {
    stop();
    clearInterval(keepAlive);
  });
}

export async function startConsole(options: ConsoleOptions): Promise<LocalConsole> {
  let hosts = new Set<string>();
  let origins = new Set<string>();
  const context: TryItContext = {
    idp: options.idp,
    clientId: options.clientId,
    recorder: options.recorder,
    magicLinkRedirect: '',
    sessions: new Map(),
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 sends its own name as Host.
    if (!hosts.has(request.headers.host ?? '')) return refuse(response, 421, 'Misdirected request');
    const path = new URL(request.url ?? '/', 'http://console.invalid').pathname;
    if (request.method === 'GET') {
      const asset = ASSETS[path];
      if (asset) {
        response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type });
        response.end(readFileSync(join(PAGE_DIR, asset.file)));
        return;
      }
      if (path === '/api/records') return sendJson(response, 200, options.recorder.list());
      if (path === '/api/events') return stream(request, response, options.recorder);
      if (path === '/api/about') return sendJson(response, 200, options.about?.() ?? {});
      const query = new URL(request.url ?? '/', 'http://console.invalid').searchParams;
      const users = options.users;
      if (path === '/api/users' && users)
        return sendJson(response, 200, {
          pool: await section(async () => {
            const listed = await listPoolUsers(users, query.get('email') ?? '');
            // Each user's last sign-in as the recorder saw it: decoded claims only, never a token.
            const withSignIn = listed.users.map((user) => {
              const lastSignIn = options.recorder.lastSignIn(user.username);
              return lastSignIn ? { ...user, lastSignIn } : user;
            });
            return { ...listed, users: withSignIn };
          }),
          legacy: await section(() => listLegacyUsers(users, query.get('legacy') ?? '')),
        });
      if (path === '/api/users/entitlements' && users)
        return sendJson(response, 200, await section(() => userEntitlements(users, query.get('username') ?? '')));
      if (path === '/api/imports' && options.imports)
        return sendJson(response, 200, await section(() => listImports(options.imports as ImportsSources)));
      return refuse(response, 404, 'Not found');
    }
    if (request.method !== 'POST') return refuse(response, 405, 'Method not allowed');
    // Posts come as JSON from this page only: another site's page cannot drive the local pool or bucket.
    const origin = request.headers.origin;
    if (origin !== undefined && !origins.has(origin)) return refuse(response, 403, 'Cross-origin request refused');
    if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
      return refuse(response, 415, 'Expected application/json');
    if (path === '/api/imports/example' && options.imports)
      return sendJson(response, 200, await section(() => putExampleImport(options.imports as ImportsSources)));
    const action = /^\/api\/try\/([a-z-]+)$/u.exec(path)?.[1];
    if (action) {
      const fields = JSON.parse((await readBody(request)).toString('utf8') || '{}') as unknown;
      const strings = Object.fromEntries(
        Object.entries(typeof fields === 'object' && fields !== null ? fields : {}).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      );
      const answer = await tryIt(context, action, strings);
      return answer ? sendJson(response, 200, answer) : refuse(response, 404, 'No such action');
    }
    return refuse(response, 404, 'Not found');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) refuse(response, 500, error instanceof SyntaxError ? 'Malformed JSON' : 'Failed');
      else response.destroy();
    });
  });
  const listener = await listenOnLoopback(server, options.port);
  hosts = allowedHosts(listener.port);
  origins = new Set([...hosts].map((host) => `http://${host}`));
  context.magicLinkRedirect = consoleSignInUrl(listener.port);
  return { url: `${listener.endpoint}/`, stop: listener.close };
}
