/**
 * Pre authentication: refuse blocked accounts and accounts locked by too many attempts without a
 * success. A user name that does not exist (`userNotFound`, with "prevent user existence errors") takes
 * the same path, the same reads and writes and the same answer as an account that is not blocked, so
 * nothing tells those two apart. A blocked account is refused from its first attempt, an unknown name
 * only once locked: that difference cannot be hidden before the password check (docs/pre-authentication.md).
 */
import { cognitoTrigger, MetricUnit, UserFacingError } from '../../shared/runtime/index.ts';
import { preAuthentication } from '../../shared/events/triggers/account-lifecycle.ts';
import { profileStore } from '../../shared/stores/profiles.ts';
import { signInAttemptStore } from '../../shared/stores/sign-in-attempts.ts';
import { loadConfig } from './config.ts';
import { attemptKey } from '../../shared/stores/attempt-key.ts';
import { expiresAtSeconds } from '../../shared/stores/expiry.ts';
import { decideAttempt, SIGN_IN_REFUSED_MESSAGE } from '../../shared/stores/lockout.ts';

/** Looked up for unknown users so that they cost what known users cost; no profile has this key. */
const ABSENT_SUB = '#no-such-user';

export const handler = cognitoTrigger(
  preAuthentication,
  async (event, { config, log, metrics, budget }) => {
    const now = Date.now();
    const key = attemptKey(event.userPoolId, event.userName);
    const attempts = signInAttemptStore(config.attemptsTable);
    const sub = (!event.request.userNotFound && event.request.userAttributes.sub) || ABSENT_SUB;
    const [profile, record] = await Promise.all([
      profileStore(config.profilesTable).get(sub, budget.signal),
      attempts.countAttempt(key, now, expiresAtSeconds(now, config.attemptsTtlSeconds), budget.signal),
    ]);

    const verdict = decideAttempt(record, profile?.blocked === true, now, config.lockout);
    if (verdict.allowed) return event;
    if (verdict.lockUntil !== undefined) {
      const lockedUntil = await attempts.lock(key, verdict.lockUntil, budget.signal);
      // Counted where the lock is earned, once per lock: a burst of them is an attack or a broken client.
      metrics.addMetric('SignInsLocked', MetricUnit.Count, 1);
      log.info('sign-in locked', { attempts: record.attempts, lockedUntil: new Date(lockedUntil).toISOString() });
    }
    throw new UserFacingError(SIGN_IN_REFUSED_MESSAGE, verdict.reason);
  },
  { config: loadConfig, failureMode: 'closed' },
);
