/**
 * The brute-force guard for migration sign-ins, free of I/O. It keeps pre authentication's rule on the
 * same attempts row (shared/stores/sign-in-attempts.ts, keyed by attempt-key.ts): every attempt is
 * counted before the password is checked, a success resets the count, and the attempt after
 * `maxAttempts` without a success locks the name for `lockMs`. Users who are not in the pool yet have
 * no profile to block, so there is no "blocked" outcome here.
 */
import type { AttemptRecord } from '../../shared/stores/sign-in-attempts.ts';

export interface LockoutPolicy {
  maxAttempts: number;
  lockMs: number;
}

export type MigrationAttempt = { allowed: true } | { allowed: false; lockUntil?: number };

export function decideMigrationAttempt(record: AttemptRecord, now: number, policy: LockoutPolicy): MigrationAttempt {
  if (record.lockedUntil !== undefined && record.lockedUntil > now) return { allowed: false };
  if (record.attempts > policy.maxAttempts) return { allowed: false, lockUntil: now + policy.lockMs };
  return { allowed: true };
}

/**
 * Pre authentication's lock message, word for word (a unit test holds them equal): one lock, one
 * message, whichever trigger met it. It says nothing of whether the user exists.
 */
export const SIGN_IN_LOCKED_MESSAGE = 'Sign-in is not possible right now. Please try again later or contact support.';
