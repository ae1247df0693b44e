/**
 * Breached-password checks by k-anonymity, as Have I Been Pwned's Pwned Passwords `range` API works:
 * the SHA-1 of the password, in upper-case hex, is split into its first 5 characters, which alone are
 * sent (GET /range/{prefix}), and the other 35, which stay here and are looked for among the answer's
 * `SUFFIX:COUNT` lines. Padded answers (`Add-Padding: true`: 800 to 1,000 lines, whatever the prefix, so
 * that the answer's size says nothing of it) hold made-up suffixes with a count of 0, which never count
 * as breached. Pure: no I/O (breach-check.ts asks the API).
 */
import { createHash } from 'node:crypto';

export interface RangeQuery {
  /** The first 5 hex characters of the SHA-1, upper case: all that leaves the function. */
  prefix: string;
  /** The other 35. Never sent, never logged. */
  suffix: string;
}

export function rangeQuery(password: string): RangeQuery {
  const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
  return { prefix: sha1.slice(0, 5), suffix: sha1.slice(5) };
}

/** `/range/{prefix}` under the API's base URL (which may carry a path of its own, e.g. a proxy's). */
export function rangeUrl(baseUrl: string, prefix: string): string {
  return `${baseUrl.replace(/\/+$/u, '')}/range/${prefix}`;
}

export type RangeAnswer =
  | { ok: true; /** Times the suffix was seen in breaches; 0: not breached (absent or padding). */ count: number }
  | { ok: false; reason: 'malformed' };

const LINE = /^([0-9A-Fa-f]{35}):(\d{1,12})$/u;

/**
 * How often `suffix` appears in a range answer. An answer with any line that is not `SUFFIX:COUNT`, or
 * with no line at all (every prefix has hundreds of real entries), is malformed: it cannot be trusted to
 * say "not breached".
 */
export function parseRangeAnswer(body: string, suffix: string): RangeAnswer {
  const wanted = suffix.toUpperCase();
  let count = 0;
  let lines = 0;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const match = LINE.exec(line);
    if (!match) return { ok: false, reason: 'malformed' };
    lines += 1;
    if (match[1]?.toUpperCase() === wanted) count = Math.max(count, Number(match[2]));
  }
  return lines === 0 ? { ok: false, reason: 'malformed' } : { ok: true, count };
}

/** What a check found: breached (seen `count` times), not found, or no usable answer (and why). */
export type BreachVerdict =
  { status: 'breached'; count: number } | { status: 'not-found' } | { status: 'unavailable'; reason: string };

export function breachVerdict(answer: RangeAnswer): BreachVerdict {
  if (!answer.ok) return { status: 'unavailable', reason: answer.reason };
  return answer.count > 0 ? { status: 'breached', count: answer.count } : { status: 'not-found' };
}
