/**
 * The brute-force guard, free of I/O: one rule and one refusal for every trigger that counts sign-in
 * attempts on the attempts row (sign-in-attempts.ts, keyed by attempt-key.ts). Pre authentication counts
 * before every password check of a user the pool knows; migrate-user counts before it checks a legacy
 * password of a user the pool does not know yet; post authentication and a migration reset the count.
 * So "attempts" are attempts without a success yet, and the attempt after `maxAttempts` locks the name
 * for `lockMs`.
 */
import type { AttemptRecord } from './sign-in-attempts.ts';

export interface LockoutPolicy {
  /** Attempts without a success that are allowed; the next one locks. */
  maxAttempts: number;
  /** How long a lock lasts, in milliseconds. */
  lockMs: number;
}

export type AttemptVerdict = { allowed: true } | { allowed: false; reason: 'blocked' | 'locked'; lockUntil?: number };

/**
 * Decides on one attempt, given the record after counting it. The store has already restarted the count
 * of a lock that ran out, so any lock in the record is in force; the check against `now` is a guard.
 * `blocked`: the account is blocked (pre authentication's profiles); a user the pool does not hold yet
 * (migration) has no profile to block and passes false.
 */
export function decideAttempt(
  record: AttemptRecord,
  blocked: boolean,
  now: number,
  policy: LockoutPolicy,
): AttemptVerdict {
  if (blocked) return { allowed: false, reason: 'blocked' };
  if (record.lockedUntil !== undefined && record.lockedUntil > now) return { allowed: false, reason: 'locked' };
  if (record.attempts > policy.maxAttempts) return { allowed: false, reason: 'locked', lockUntil: now + policy.lockMs };
  return { allowed: true };
}

/**
 * Shown for a lock and for a blocked account alike, for a lock of a name that does not exist, and by
 * whichever trigger met the lock: the text tells none of them apart (when it comes can:
 * docs/pre-authentication.md).
 */
export const SIGN_IN_REFUSED_MESSAGE = 'Sign-in is not possible right now. Please try again later or contact support';
