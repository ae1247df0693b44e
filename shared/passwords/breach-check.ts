/**
 * Asks a Pwned Passwords `range` API whether a password is breached (breached.ts holds the protocol).
 * Only the SHA-1 prefix travels, in the path; the request asks for a padded answer. It never throws: a
 * timeout, a reset connection, any status but 200, a redirect, an oversized or malformed answer are all
 * `unavailable` (with a reason free of user data), and the caller goes on as without the check.
 */
import { breachVerdict, parseRangeAnswer, rangeQuery, rangeUrl, type BreachVerdict } from './breached.ts';

export interface BreachCheckOptions {
  /** The API's base URL: https://api.pwnedpasswords.com, or a mirror speaking the same protocol. */
  baseUrl: string;
  /** Give up after this long (milliseconds). */
  timeoutMs: number;
}

export type BreachCheck = (password: string, signal?: AbortSignal) => Promise<BreachVerdict>;

/** Real answers are about 40 KB padded; anything far larger is not this API. */
const MAX_ANSWER_BYTES = 512 * 1024;

async function readCapped(response: Response): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    return undefined;
  }
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function breachCheck(options: BreachCheckOptions): BreachCheck {
  return async (password, signal) => {
    const { prefix, suffix } = rangeQuery(password);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const aborted = signal ? AbortSignal.any([timeout, signal]) : timeout;
    try {
      const response = await fetch(rangeUrl(options.baseUrl, prefix), {
        headers: { 'add-padding': 'true', accept: 'text/plain', 'user-agent': 'cognito-triggers-migrate-user' },
        redirect: 'error',
        signal: aborted,
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return { status: 'unavailable', reason: `HTTP ${response.status}` };
      }
      const body = await readCapped(response);
      if (body === undefined) return { status: 'unavailable', reason: 'answer too large' };
      return breachVerdict(parseRangeAnswer(body, suffix));
    } catch (error) {
      // A name or a system error code (TimeoutError, AbortError, ECONNRESET): no URL, no user data.
      const code = ((error as Error).cause as { code?: unknown } | undefined)?.code;
      const reason = timeout.aborted
        ? `no answer within ${options.timeoutMs} ms`
        : typeof code === 'string'
          ? code
          : (error as Error).name;
      return { status: 'unavailable', reason };
    }
  };
}
