/**
 * A local SES (v1 and v2 APIs) from aws-ses-v2-local, run in this process: it is an Express app, so it
 * starts in milliseconds and leaves no process behind.
 *
 * Its mailbox is a module-level array: two servers started in one process (or one module registry,
 * e.g. one Jest test file) share it, and clear() on one empties both.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepIdleConnections, LOCALHOST } from './ports.ts';

/** An email as GET /store returns it (aws-ses-v2-local's `Email` type, as JSON). */
export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: Array<{ content: string; contentType: string; filename?: string; size: number }>;
  headers?: Array<{ name: string; value: string }>;
  /** When it was sent, in epoch *seconds*. */
  at: number;
}

export interface LocalSes {
  endpoint: string;
  port: number;
  startMs: number;
  stop(): Promise<void>;
  /** Every email sent so far, oldest first. */
  messages(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
}

/** The emails a local SES holds, optionally only those sent at or after `sinceSeconds` (epoch seconds). */
export async function sesMessages(endpoint: string, sinceSeconds?: number): Promise<StoredEmail[]> {
  const query = sinceSeconds === undefined ? '' : `?since=${Math.floor(sinceSeconds)}`;
  const response = await fetch(`${endpoint}/store${query}`);
  if (!response.ok) throw new Error(`GET ${endpoint}/store answered ${response.status}: ${await response.text()}`);
  const store = (await response.json()) as { emails: StoredEmail[] };
  return store.emails;
}

/** Empties a local SES's mailbox (and its templates). */
export async function clearSes(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`POST ${endpoint}/clear-store answered ${response.status}`);
}

type ServerFactory = (config: { host: string; port: number }) => Promise<Server>;

/**
 * The package's server function, loaded on first use (Express and the mail parser are not needed by
 * whoever imports this library without SES). It is CommonJS with `exports.default`, which loaders
 * present differently: Node's ESM gives the function at `.default.default`, tsx and Jest at `.default`.
 */
async function loadServerFactory(): Promise<ServerFactory> {
  let candidate: unknown = await import('aws-ses-v2-local');
  while (typeof candidate === 'object' && candidate !== null && 'default' in candidate) {
    candidate = candidate.default;
  }
  if (typeof candidate !== 'function') throw new Error('aws-ses-v2-local: no server function found in the package');
  return candidate as ServerFactory;
}

export async function startSesLocal(options: { port?: number } = {}): Promise<LocalSes> {
  const startedAt = performance.now();
  const startServer = await loadServerFactory();
  const server = keepIdleConnections(await startServer({ host: LOCALHOST, port: options.port ?? 0 }));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${LOCALHOST}:${port}`;
  return {
    endpoint,
    port,
    startMs: Math.round(performance.now() - startedAt),
    messages: () => sesMessages(endpoint),
    clear: () => clearSes(endpoint),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
