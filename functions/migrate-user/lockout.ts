/**
 * The sign-in attempts of a migration, on pre authentication's attempts row (the rule and the refusal
 * are shared/stores/lockout.ts, one for both triggers): every attempt is counted before the password is
 * checked, the attempt after `maxAttempts` without a success locks the name, and a migration resets the
 * count. Users the pool does not hold yet have no profile to block, so nothing here is "blocked".
 *
 * The key is the found legacy user's (its normalised user name), or for a name the directory does not
 * hold the typed name in the same canonical form (attempt-key.ts); pre authentication counts under
 * Cognito's own user name: docs/migrate-user.md, "One lockout, two keys", says why the two cannot be one key and
 * why that gives no guesser more attempts.
 */
import { asError, MetricUnit, UserFacingError, type Logger, type Metrics } from '../../shared/runtime/index.ts';
import { attemptKey } from '../../shared/stores/attempt-key.ts';
import { expiresAtSeconds } from '../../shared/stores/expiry.ts';
import { decideAttempt, SIGN_IN_REFUSED_MESSAGE, type LockoutPolicy } from '../../shared/stores/lockout.ts';
import {
  signInAttemptStore,
  type AttemptRecord,
  type SignInAttemptStore,
} from '../../shared/stores/sign-in-attempts.ts';

export interface AttemptSettings {
  attemptsTable: string;
  lockout: LockoutPolicy;
  attemptsTtlSeconds: number;
}

export interface MigrationAttempts {
  /** Counts this attempt; the record after it. */
  count(): Promise<AttemptRecord>;
  /**
   * Refuses (a UserFacingError, the lock message unless `refusal` is given) an attempt the lockout
   * refuses, storing the lock this one earns.
   */
  enforce(record: AttemptRecord, refusal?: string): Promise<void>;
  /** Forgets the attempts after a migration; a failure is logged and counted, never fails the sign-in. */
  reset(): Promise<void>;
}

export function migrationAttempts(
  settings: AttemptSettings,
  attempt: { userPoolId: string; userName: string; now: number },
  { log, metrics, signal }: { log: Logger; metrics: Metrics; signal: AbortSignal },
  store: SignInAttemptStore = signInAttemptStore(settings.attemptsTable),
): MigrationAttempts {
  const key = attemptKey(attempt.userPoolId, attempt.userName);
  const { now } = attempt;
  return {
    count: () => store.countAttempt(key, now, expiresAtSeconds(now, settings.attemptsTtlSeconds), signal),
    async enforce(record, refusal = SIGN_IN_REFUSED_MESSAGE) {
      const verdict = decideAttempt(record, false, now, settings.lockout);
      if (verdict.allowed) return;
      if (verdict.lockUntil !== undefined) {
        const lockedUntil = await store.lock(key, verdict.lockUntil, signal);
        metrics.addMetric('SignInsLocked', MetricUnit.Count, 1);
        log.info('sign-in locked', { attempts: record.attempts, lockedUntil: new Date(lockedUntil).toISOString() });
      }
      throw new UserFacingError(refusal, verdict.reason);
    },
    async reset() {
      await store.reset(key, signal).catch((error: unknown) => {
        log.warn('attempt counter not reset', asError(error));
        metrics.addMetric('AttemptResetFailures', MetricUnit.Count, 1);
      });
    },
  };
}
