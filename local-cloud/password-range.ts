/**
 * A local stand-in for Have I Been Pwned's Pwned Passwords `range` API, for the local stack and the
 * tests: GET /range/{5 hex characters} answers `SUFFIX:COUNT` lines (CRLF, as the real API) for the
 * passwords it was told are breached, among made-up suffixes that share the prefix; with `Add-Padding:
 * true` it pads to 800..1,000 lines with count-0 entries, as the real API does. Anything else is a 404.
 *
 * It records every request as received (method, path and query, headers, body), so that tests can show
 * that only a 5-character prefix ever leaves migrate-user: in process through `requests`, from another
 * process through GET /__requests (JSON; this stand-in's own, the real API has no such path).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback, readBody } from './ports.ts';

/**
 * The passwords the local stack's stand-in calls breached (with how often), well-known ones from real
 * breach lists. None meets a default pool policy except the last two, which do (so a test can tell the
 * breach check from the policy check).
 */
export const LOCAL_BREACHED_PASSWORDS: Readonly<Record<string, number>> = {
  password: 10_434_004,
  '123456': 37_359_195,
  'P@ssw0rd': 103_219,
  'Passw0rd!': 26_483,
  'Summer2024!': 1_207,
};

export interface RangeRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface LocalPasswordRange {
  endpoint: string;
  /** Every request so far, oldest first (the last 1,000). */
  readonly requests: RangeRequest[];
  /** Calls `password` breached, seen `count` times. */
  addBreached(password: string, count?: number): void;
  /** When set, every range request gets this as a 200 text body instead (a test's malformed answer). */
  replaceAnswer: string | undefined;
  stop(): Promise<void>;
}

const KEPT_REQUESTS = 1_000;
const PREFIX_PATH = /^\/range\/([0-9A-Fa-f]{5})$/u;

const sha1 = (password: string) => createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
const madeUpSuffix = () => randomBytes(18).toString('hex').toUpperCase().slice(0, 35);

export async function startPasswordRange(
  options: { breached?: Readonly<Record<string, number>>; port?: number } = {},
): Promise<LocalPasswordRange> {
  // prefix -> suffix -> count
  const known = new Map<string, Map<string, number>>();
  const addBreached = (password: string, count = 1) => {
    const hash = sha1(password);
    const prefix = hash.slice(0, 5);
    const entries = known.get(prefix) ?? new Map<string, number>();
    entries.set(hash.slice(5), count);
    known.set(prefix, entries);
  };
  for (const [password, count] of Object.entries(options.breached ?? LOCAL_BREACHED_PASSWORDS))
    addBreached(password, count);
  const requests: RangeRequest[] = [];

  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const url = request.url ?? '/';
      if (url === '/__requests' && request.method === 'GET') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(requests));
        return;
      }
      requests.push({ method: request.method ?? '', url, headers: request.headers, body: body.toString('utf8') });
      if (requests.length > KEPT_REQUESTS) requests.shift();
      const prefix = request.method === 'GET' ? PREFIX_PATH.exec(url)?.[1]?.toUpperCase() : undefined;
      if (prefix === undefined) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      if (range.replaceAnswer !== undefined) {
        response.writeHead(200, { 'content-type': 'text/plain' }).end(range.replaceAnswer);
        return;
      }
      // A few made-up real-looking entries, then the breached ones: every prefix has entries.
      const lines = [...Array.from({ length: 3 }, () => `${madeUpSuffix()}:${1 + (randomBytes(1)[0] ?? 0)}`)];
      for (const [suffix, count] of known.get(prefix) ?? []) lines.push(`${suffix}:${count}`);
      if (String(request.headers['add-padding']).toLowerCase() === 'true') {
        const target = 800 + ((randomBytes(1)[0] ?? 0) % 201);
        while (lines.length < target) lines.push(`${madeUpSuffix()}:0`);
      }
      lines.sort();
      response.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
    });
  });
  const listener = await listenOnLoopback(server, options.port);
  const range: LocalPasswordRange = {
    endpoint: listener.endpoint,
    requests,
    addBreached,
    replaceAnswer: undefined,
    stop: listener.close,
  };
  return range;
}

/** The requests a running stand-in recorded, read from another process. */
export async function passwordRangeRequests(endpoint: string): Promise<RangeRequest[]> {
  const response = await fetch(`${endpoint}/__requests`);
  return (await response.json()) as RangeRequest[];
}
