/**
 * The breached-password check: the k-anonymity protocol (pure), and the client against the local
 * Pwned Passwords stand-in (local-cloud/password-range.ts), which records every request it gets.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { breachVerdict, parseRangeAnswer, rangeQuery, rangeUrl } from '../../../shared/passwords/breached.ts';
import { breachCheck } from '../../../shared/passwords/breach-check.ts';
import { startPasswordRange, type LocalPasswordRange } from '../../../local-cloud/password-range.ts';

// SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8, the Pwned Passwords documentation's example.
const PASSWORD_SUFFIX = '1E4C9B93F3F0682250B6CF8331B7EE68FD8';

describe('the range protocol (pure)', () => {
  it('splits the upper-case SHA-1 into the 5 characters sent and the 35 kept', () => {
    expect(rangeQuery('password')).toEqual({ prefix: '5BAA6', suffix: PASSWORD_SUFFIX });
    const { prefix, suffix } = rangeQuery('Ünïcødé-pässwörd');
    expect(prefix + suffix).toBe(createHash('sha1').update('Ünïcødé-pässwörd', 'utf8').digest('hex').toUpperCase());
  });

  it('puts the prefix under /range of the base URL, with or without a trailing slash or a path', () => {
    expect(rangeUrl('https://api.pwnedpasswords.com', '5BAA6')).toBe('https://api.pwnedpasswords.com/range/5BAA6');
    expect(rangeUrl('https://mirror.example.com/pwned/', '5BAA6')).toBe('https://mirror.example.com/pwned/range/5BAA6');
  });

  it('finds the suffix among SUFFIX:COUNT lines (CRLF or LF, any case) and reads its count', () => {
    const body = `0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n${PASSWORD_SUFFIX.toLowerCase()}:10434004\r\n00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2`;
    expect(parseRangeAnswer(body, PASSWORD_SUFFIX)).toEqual({ ok: true, count: 10_434_004 });
    expect(parseRangeAnswer(body.replaceAll('\r\n', '\n'), PASSWORD_SUFFIX)).toEqual({ ok: true, count: 10_434_004 });
    expect(parseRangeAnswer(body, '0'.repeat(35))).toEqual({ ok: true, count: 0 });
  });

  it('never counts a padding entry (count 0) as breached', () => {
    const padded = `0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n${PASSWORD_SUFFIX}:0\r\n`;
    expect(parseRangeAnswer(padded, PASSWORD_SUFFIX)).toEqual({ ok: true, count: 0 });
    expect(breachVerdict(parseRangeAnswer(padded, PASSWORD_SUFFIX))).toEqual({ status: 'not-found' });
  });

  it.each([
    ['an HTML error page', '<html><body>Service Unavailable</body></html>'],
    ['a line without a count', `${PASSWORD_SUFFIX}`],
    ['a suffix of the wrong length', `${PASSWORD_SUFFIX}0:5`],
    ['a negative count', `${PASSWORD_SUFFIX}:-1`],
    ['an empty answer', ''],
    ['only blank lines', '\r\n\r\n'],
  ])('calls %s malformed, which decides nothing', (_what, body) => {
    expect(parseRangeAnswer(body, PASSWORD_SUFFIX)).toEqual({ ok: false, reason: 'malformed' });
    expect(breachVerdict(parseRangeAnswer(body, PASSWORD_SUFFIX))).toEqual({
      status: 'unavailable',
      reason: 'malformed',
    });
  });

  it('calls a password seen in a breach breached, with the count', () => {
    expect(breachVerdict({ ok: true, count: 3 })).toEqual({ status: 'breached', count: 3 });
  });
});

describe('breachCheck against the local stand-in', () => {
  let range: LocalPasswordRange;
  beforeAll(async () => {
    range = await startPasswordRange();
  });
  afterAll(() => range.stop());
  beforeEach(() => {
    range.requests.length = 0;
  });

  it('finds a breached password, and sends nothing but the 5-character prefix, asking for padding', async () => {
    const check = breachCheck({ baseUrl: range.endpoint, timeoutMs: 2_000 });
    expect(await check('Passw0rd!')).toEqual({ status: 'breached', count: 26_483 });
    const { prefix, suffix } = rangeQuery('Passw0rd!');
    expect(range.requests).toHaveLength(1);
    const [sent] = range.requests;
    expect(sent).toMatchObject({ method: 'GET', url: `/range/${prefix}`, body: '' });
    expect(sent?.headers['add-padding']).toBe('true');
    const everything = JSON.stringify(sent);
    for (const secret of ['Passw0rd!', suffix, suffix.toLowerCase(), suffix.slice(0, 8)])
      expect(everything).not.toContain(secret);
  });

  it('answers not found for a password in no breach, the padded answer notwithstanding', async () => {
    const check = breachCheck({ baseUrl: range.endpoint, timeoutMs: 2_000 });
    expect(await check('a password nobody has ever used 7f3c')).toEqual({ status: 'not-found' });
  });
});

/** Twice what any real answer could be (about 40 KB padded): the client stops reading at 512 KiB. */
const OVERSIZED = `${'A'.repeat(35)}:1\r\n`.repeat(30_000);

describe('breachCheck when the API cannot answer: unavailable, never a throw', () => {
  let server: Server;
  let baseUrl: string;
  let answer: (response: ServerResponse) => void = (response) => response.end();
  beforeAll(async () => {
    server = createServer((_request, response) => answer(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['a 500', (r: ServerResponse) => r.writeHead(500).end('oops'), 'HTTP 500'],
    ['a 429', (r: ServerResponse) => r.writeHead(429).end(), 'HTTP 429'],
    [
      'a redirect (never followed)',
      (r: ServerResponse) => r.writeHead(302, { location: 'https://example.com/' }).end(),
      'TypeError',
    ],
    ['a malformed 200', (r: ServerResponse) => r.writeHead(200).end('not a range answer'), 'malformed'],
    ['an oversized 200', (r: ServerResponse) => r.writeHead(200).end(OVERSIZED), 'answer too large'],
    ['a reset connection', (r: ServerResponse) => r.socket?.resetAndDestroy(), 'ECONNRESET'],
    ['no answer', () => undefined, 'no answer within 500 ms'],
  ])('%s', async (_what, behaviour, reason) => {
    answer = behaviour;
    const check = breachCheck({ baseUrl, timeoutMs: 500 });
    await expect(check('Passw0rd!')).resolves.toEqual({ status: 'unavailable', reason });
  });

  it("gives up when the caller's budget runs out", async () => {
    answer = () => undefined;
    const check = breachCheck({ baseUrl, timeoutMs: 2_000 });
    const verdict = await check('Passw0rd!', AbortSignal.timeout(50));
    expect(verdict).toMatchObject({ status: 'unavailable' });
  });
});
