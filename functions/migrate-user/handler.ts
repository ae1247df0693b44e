/**
 * Migrate user: signs a user of the legacy directory in with their old password (UserMigration_
 * Authentication), or brings them over so that a reset code can reach them (UserMigration_
 * ForgotPassword). Unknown users and wrong passwords get one answer after the same work; attempts count
 * against pre authentication's lockout. Fails closed: when the directory, the attempts table or a team
 * verifier cannot answer, nobody is migrated.
 */
import { cognitoTrigger, MetricUnit, UserFacingError, asError } from '../../shared/runtime/index.ts';
import { userMigration } from '../../shared/events/triggers/user-migration.ts';
import { UnverifiableHashError, hashParameters, timedVerify } from '../../shared/passwords/verify.ts';
import { attemptKey } from '../../shared/stores/attempt-key.ts';
import { expiresAtSeconds } from '../../shared/stores/expiry.ts';
import { legacyUserStore, type LegacyUserStore } from '../../shared/stores/legacy-users.ts';
import { signInAttemptStore } from '../../shared/stores/sign-in-attempts.ts';
import {
  hasVerifiedContact,
  INVALID_CREDENTIALS_MESSAGE,
  migratedAttributes,
  UNKNOWN_USER_RESET_MESSAGE,
} from './answer.ts';
import { loadConfig } from './config.ts';
import { decideMigrationAttempt, SIGN_IN_LOCKED_MESSAGE } from './lockout.ts';
import { lookupPlan, pickUser, type FoundUser, type LookupMode } from './lookup.ts';
import { policyViolations } from './password-policy.ts';
import { costOf, verificationTarget } from './verification.ts';

/** Both reads of a `both` lookup run every time, so a hit by name costs what a miss costs. */
async function findLegacyUser(
  store: LegacyUserStore,
  typed: string,
  mode: LookupMode,
  signal: AbortSignal,
): Promise<FoundUser | undefined> {
  const plan = lookupPlan(typed, mode);
  const [byUsername, byEmail] = await Promise.all([
    plan.byUsername ? store.get(typed, signal) : undefined,
    plan.byEmail ? store.findByEmail(typed, signal) : undefined,
  ]);
  return pickUser(byUsername, byEmail);
}

export const handler = cognitoTrigger(
  userMigration,
  async (event, { config, log, metrics, budget }) => {
    const store = legacyUserStore(config.legacyUsersTable);
    const now = Date.now();
    const migrate = async (found: FoundUser) => {
      const outcome = await store.markMigrated(
        found.item.username,
        new Date(now).toISOString(),
        expiresAtSeconds(now, config.hashTtlSeconds),
        budget.signal,
      );
      metrics.addMetric('UsersMigrated', MetricUnit.Count, 1);
      return outcome;
    };

    if (event.triggerSource === 'UserMigration_ForgotPassword') {
      const found = await findLegacyUser(store, event.userName, config.lookup, budget.signal);
      const answer = found && migratedAttributes(found, config.signInAliases);
      if (!found || !answer || !hasVerifiedContact(answer.attributes)) {
        throw new UserFacingError(UNKNOWN_USER_RESET_MESSAGE, found ? 'no-verified-contact' : 'unknown-user');
      }
      const marked = await migrate(found);
      log.info('legacy user migrated for a password reset', { via: found.via, marked, dropped: answer.dropped });
      // As the developer guide's example: the attributes and no welcome message; Cognito then sends the
      // reset code to the verified contact, and the user starts in RESET_REQUIRED.
      event.response.userAttributes = answer.attributes;
      event.response.messageAction = 'SUPPRESS';
      return event;
    }

    const key = attemptKey(event.userPoolId, event.userName);
    const attempts = signInAttemptStore(config.attemptsTable);
    const [found, record] = await Promise.all([
      findLegacyUser(store, event.userName, config.lookup, budget.signal),
      attempts.countAttempt(key, now, expiresAtSeconds(now, config.attemptsTtlSeconds), budget.signal),
    ]);
    const attempt = decideMigrationAttempt(record, now, config.lockout);
    if (!attempt.allowed) {
      if (attempt.lockUntil !== undefined) {
        const lockedUntil = await attempts.lock(key, attempt.lockUntil, budget.signal);
        log.info('sign-in locked', { attempts: record.attempts, lockedUntil: new Date(lockedUntil).toISOString() });
      }
      throw new UserFacingError(SIGN_IN_LOCKED_MESSAGE, 'locked');
    }

    const password = event.request.password;
    let target = verificationTarget(found, config.verifiers, config.dummy);
    let verification;
    try {
      verification = await timedVerify(target.verifier, {
        password,
        hash: target.hash,
        username: found?.item.usernameAsGiven ?? event.userName,
        signal: budget.signal,
      });
    } catch (error) {
      if (!(error instanceof UnverifiableHashError)) throw error;
      // Refused before any work: do the dummy's work, then refuse like any wrong password.
      log.warn('legacy hash not verifiable', { algorithm: error.algorithm, reason: error.reason });
      metrics.addMetric('UnverifiableHashes', MetricUnit.Count, 1);
      target = { ...config.dummy, real: false };
      verification = await timedVerify(target.verifier, { password, hash: target.hash, username: '' });
    }
    const verifyMetric = metrics.singleMetric();
    verifyMetric.addDimension('verifier', verification.verifier);
    verifyMetric.addMetric('PasswordVerifyDuration', MetricUnit.Milliseconds, verification.ms);
    const cost = costOf(target.real && target.hash ? hashParameters(target.hash) : config.dummyParameters);
    const matched = verification.matched && target.real && found !== undefined;
    log.info('password verified', { verifier: verification.verifier, cost, ms: verification.ms, matched });
    if (!matched || !found) {
      metrics.addMetric('MigrationSignInsRefused', MetricUnit.Count, 1);
      throw new UserFacingError(INVALID_CREDENTIALS_MESSAGE, found ? 'wrong-password' : 'unknown-user');
    }

    const answer = migratedAttributes(found, config.signInAliases);
    if (Object.keys(answer.attributes).length === 0) {
      // Cognito cannot create a user without attributes: a directory problem, not the user's.
      throw new Error('the legacy user has no attribute a pool can hold');
    }
    const broken = policyViolations(password, config.passwordPolicy);
    const marked = await migrate(found);
    await attempts.reset(key, budget.signal).catch((error: unknown) => {
      log.warn('attempt counter not reset', asError(error));
      metrics.addMetric('AttemptResetFailures', MetricUnit.Count, 1);
    });
    if (broken.length) metrics.addMetric('MigratedResetRequired', MetricUnit.Count, 1);
    log.info('legacy user migrated', {
      via: found.via,
      marked,
      status: broken.length ? 'RESET_REQUIRED' : 'CONFIRMED',
      policyRulesBroken: broken,
      dropped: answer.dropped,
    });

    event.response.userAttributes = answer.attributes;
    event.response.finalUserStatus = broken.length ? 'RESET_REQUIRED' : 'CONFIRMED';
    event.response.messageAction = 'SUPPRESS';
    if (config.enableSmsMfa && found.item.mfaEnabled && answer.attributes.phone_number) {
      event.response.enableSMSMFA = true;
    }
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
