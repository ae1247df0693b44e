/** The remote verifier against a local HTTP server standing in for the old system. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { remoteVerifier, RemoteVerifierError } from '../../../shared/passwords/remote.ts';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

let server: Server;
let url: string;
let handle: Handler = (_request, _body, response) => response.end();
const received: Array<{ body: unknown; headers: IncomingMessage['headers'] }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ body: body ? JSON.parse(body) : undefined, headers: request.headers });
      handle(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/verify`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
});

const json =
  (status: number, body: unknown): Handler =>
  (_request, _body, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

const request = { username: 'Jane.Doe', password: 'Correct-Horse-42', hash: undefined };

describe('remoteVerifier', () => {
  const verifier = (timeoutMs = 5_000) => remoteVerifier({ url, timeoutMs, headers: { 'x-api-key': 'k' } });

  it('sends the user name and password as JSON and accepts {"valid": true}', async () => {
    handle = json(200, { valid: true });
    expect(await verifier().verify(request)).toBe(true);
    expect(received).toEqual([
      {
        body: { username: 'Jane.Doe', password: 'Correct-Horse-42' },
        headers: expect.objectContaining({ 'content-type': 'application/json', 'x-api-key': 'k' }),
      },
    ]);
  });

  it('reads anything but {"valid": true} in a 200 as a wrong password', async () => {
    handle = json(200, { valid: 'true' });
    expect(await verifier().verify(request)).toBe(false);
    handle = json(200, { valid: false });
    expect(await verifier().verify(request)).toBe(false);
  });

  it.each([401, 403, 404])('reads %i as a wrong password or an unknown user', async (status) => {
    handle = json(status, { error: 'nope' });
    expect(await verifier().verify(request)).toBe(false);
  });

  it('fails (closed) on a server error, a 200 without JSON, or a redirect it does not follow', async () => {
    handle = json(500, {});
    await expect(verifier().verify(request)).rejects.toThrow(
      new RemoteVerifierError('the old system answered HTTP 500'),
    );
    handle = (_request, _body, response) => response.end('<html>');
    await expect(verifier().verify(request)).rejects.toBeInstanceOf(RemoteVerifierError);
    handle = (_request, _body, response) => {
      response.writeHead(307, { location: 'http://127.0.0.1:9/steal' });
      response.end();
    };
    await expect(verifier().verify(request)).rejects.toThrow('HTTP 307');
    expect(received).toHaveLength(3);
  });

  it('gives up after its timeout, and when the caller aborts', async () => {
    handle = () => undefined; // never answers
    await expect(verifier(300).verify(request)).rejects.toThrow('no answer within 300 ms');
    const slow = remoteVerifier({ url, timeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = slow.verify({ ...request, signal: controller.signal });
    controller.abort(new Error('budget exhausted'));
    await expect(pending).rejects.toBeInstanceOf(RemoteVerifierError);
  });

  it('fails when nothing listens', async () => {
    const closed = remoteVerifier({ url: 'http://127.0.0.1:9/verify', timeoutMs: 5_000 });
    await expect(closed.verify(request)).rejects.toBeInstanceOf(RemoteVerifierError);
  });

  it('verifies users without a hash by default, others when told', () => {
    expect(verifier().handles(undefined)).toBe(true);
    expect(verifier().handles('$2b$10$x')).toBe(false);
    const custom = remoteVerifier({ url, timeoutMs: 1, handles: (hash) => hash?.startsWith('{SSHA}') ?? false });
    expect(custom.handles('{SSHA}abc')).toBe(true);
  });
});
