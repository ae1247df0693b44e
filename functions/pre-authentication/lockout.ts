/**
 * The brute-force guard, free of I/O. Cognito calls pre authentication before every password check and
 * post authentication only after a success, so "attempts" here are attempts without a success yet.
 */
import type { AttemptRecord } from '../../shared/stores/sign-in-attempts.ts';

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
 * Shown for a lock and for a blocked account alike, and for a lock of a name that does not exist: the
 * text tells none of them apart (when it comes can: README, pre-authentication).
 */
export const SIGN_IN_REFUSED_MESSAGE = 'Sign-in is not possible right now. Please try again later or contact support.';
