/**
 * The pure logic that tells one occurrence of a recurring event (a password reset, a sign-in) from
 * Cognito's retries of it: the id every call gets, replayed in order as the store's conditional write
 * decides it (the store itself is tested against DynamoDB Local in test/integration).
 */
import fc from 'fast-check';
import { occurrenceId, opensOccurrence, RETRY_SPAN_MS } from '../../../shared/stores/occurrences.ts';

/** Cognito waits 5 s for an attempt and makes at most three: retries come within this of the first. */
const COGNITO_ATTEMPTS_SPAN_MS = 3 * 5_000;

/** The ids calls at these times get, in time order, as the store's condition decides them. */
function idsOf(series: string, times: readonly number[]): string[] {
  let openedAt: number | undefined;
  return [...times]
    .sort((a, b) => a - b)
    .map((now) => {
      if (opensOccurrence(openedAt, now)) openedAt = now;
      return occurrenceId(series, openedAt ?? now);
    });
}

const instant = fc.integer({ min: 1_500_000_000_000, max: 2_000_000_000_000 });
const retryOffsets = fc.array(fc.integer({ min: 0, max: COGNITO_ATTEMPTS_SPAN_MS }), { maxLength: 3 });

describe('occurrences', () => {
  it('gives every retry of one call the id of its first attempt, wherever the clock stands', () => {
    fc.assert(
      fc.property(instant, retryOffsets, (first, offsets) => {
        const ids = idsOf('s#password-changed', [first, ...offsets.map((offset) => first + offset)]);
        expect(new Set(ids)).toEqual(new Set([occurrenceId('s#password-changed', first)]));
      }),
    );
  });

  it('gives calls a span apart, each with its retries, one id each', () => {
    fc.assert(
      fc.property(
        instant,
        fc.array(fc.tuple(fc.integer({ min: RETRY_SPAN_MS, max: 86_400_000 }), retryOffsets), {
          minLength: 1,
          maxLength: 6,
        }),
        (start, later) => {
          // Each real call comes at least RETRY_SPAN_MS after the previous one's last retry.
          let at = start;
          const calls = [[at]];
          for (const [gap, offsets] of later) {
            at = Math.max(...(calls.at(-1) ?? [at])) + gap;
            calls.push([at, ...offsets.map((offset) => at + offset)]);
          }
          const ids = idsOf('s#password-changed', calls.flat());
          expect(new Set(ids).size).toBe(calls.length);
        },
      ),
    );
  });

  it('a retry seconds after a clock window boundary joins the call before it (the 10-minute window did not)', () => {
    const boundary = Date.UTC(2027, 0, 1, 10, 0, 0);
    expect(idsOf('s', [boundary - 2_000, boundary + 3_000, boundary + 8_000])).toEqual(
      Array(3).fill(occurrenceId('s', boundary - 2_000)),
    );
  });

  it('two resets six minutes apart are two occurrences (the 10-minute window made them one)', () => {
    const start = Date.UTC(2027, 0, 1, 10, 1, 0);
    expect(new Set(idsOf('s', [start, start + 6 * 60_000])).size).toBe(2);
  });

  it('the span is wider than all of Cognito’s attempts and shorter than "minutes apart"', () => {
    expect(RETRY_SPAN_MS).toBeGreaterThanOrEqual(2 * COGNITO_ATTEMPTS_SPAN_MS);
    expect(RETRY_SPAN_MS).toBeLessThan(2 * 60_000);
    expect(opensOccurrence(undefined, 5)).toBe(true);
    expect(opensOccurrence(0, RETRY_SPAN_MS - 1)).toBe(false);
    expect(opensOccurrence(0, RETRY_SPAN_MS)).toBe(true);
    // A clock a little behind the one that opened it joins, never reopens.
    expect(opensOccurrence(10_000, 9_000)).toBe(false);
  });
});
