/**
 * Migrate user: signs a user of the legacy directory in with their old password (UserMigration_
 * Authentication), or brings them over so that a reset code can reach them (UserMigration_
 * ForgotPassword). Unknown users and wrong passwords get one answer after the same work; attempts count
 * against the lockout pre authentication keeps. Fails closed: when the directory, the attempts table or
 * a team verifier cannot answer, nobody is migrated.
 */
import { workFloor } from '../../shared/passwords/work-floor.ts';
import { cognitoTrigger, MetricUnit, UserFacingError } from '../../shared/runtime/index.ts';
import { userMigration } from '../../shared/events/triggers/user-migration.ts';
import {
  hasVerifiedContact,
  INVALID_CREDENTIALS_MESSAGE,
  migratedAttributes,
  migrationResponse,
  UNKNOWN_USER_RESET_MESSAGE,
} from './answer.ts';
import { isBreachedPassword } from './breached-password.ts';
import { checkPassword } from './check-password.ts';
import { loadConfig } from './config.ts';
import { legacyDirectory } from './directory.ts';
import { migrationAttempts } from './lockout.ts';
import { policyViolations } from './password-policy.ts';

/**
 * What a migration spends after the password check (its writes), per container: a refused sign-in waits
 * as long before it answers, so a success and a refusal take the same time (npm run bench -- migrate-user).
 */
const AFTER_CHECK = workFloor();

export const handler = cognitoTrigger(
  userMigration,
  async (event, { config, log, metrics, budget }) => {
    const now = Date.now();
    const io = { log, metrics, signal: budget.signal };
    const directory = legacyDirectory(config, now, io);

    const { found, attemptName } = await directory.find(event.userName);
    // Counted before anything is decided, under the found user's key when there is one, so every
    // spelling of a name meets one counter. A reset counts too: it would otherwise be a free probe of
    // the directory; a locked reset is answered as an unknown user's.
    const attempts = migrationAttempts(config, { userPoolId: event.userPoolId, userName: attemptName, now }, io);
    const record = await attempts.count();

    if (event.triggerSource === 'UserMigration_ForgotPassword') {
      await attempts.enforce(record, UNKNOWN_USER_RESET_MESSAGE);
      const answer = found && migratedAttributes(found, config.signInAliases);
      if (!found || !answer || !hasVerifiedContact(answer.attributes)) {
        throw new UserFacingError(UNKNOWN_USER_RESET_MESSAGE, found ? 'no-verified-contact' : 'unknown-user');
      }
      const marked = await directory.markMigrated(found);
      log.info('legacy user migrated for a password reset', { via: found.via, marked, dropped: answer.dropped });
      // As the developer guide's example: the attributes, no status and no welcome message; Cognito then
      // sends the reset code to the verified contact, and the user starts in RESET_REQUIRED.
      event.response = migrationResponse({ userAttributes: answer.attributes });
      return event;
    }

    // Before the password is checked, found or not: a lock refuses everyone alike.
    await attempts.enforce(record);

    const password = event.request.password;
    const matched = await checkPassword(found, password, event.userName, config, io);
    const checkedAt = performance.now();
    if (!matched || !found) {
      metrics.addMetric('MigrationSignInsRefused', MetricUnit.Count, 1);
      await AFTER_CHECK.holdUntilFloor(checkedAt, budget.signal);
      throw new UserFacingError(INVALID_CREDENTIALS_MESSAGE, found ? 'wrong-password' : 'unknown-user');
    }

    const answer = migratedAttributes(found, config.signInAliases);
    if (Object.keys(answer.attributes).length === 0) {
      // Cognito cannot create a user without attributes: a directory problem, not the user's.
      throw new Error('the legacy user has no attribute a pool can hold');
    }
    // Cognito does not apply the pool's password policy to a migrated password, nor its compromised-
    // credentials check: a weak or breached one migrates the user, who must then choose a new one.
    const broken = policyViolations(password, config.passwordPolicy);
    const breached = await isBreachedPassword(password, config.breachedPasswords?.check, io);
    const status = broken.length || breached ? 'RESET_REQUIRED' : 'CONFIRMED';
    // Side by side, the writes a success makes (and a refusal waits out: AFTER_CHECK).
    const [marked] = await Promise.all([directory.markMigrated(found), attempts.reset()]);
    AFTER_CHECK.record('migration', performance.now() - checkedAt);
    if (status === 'RESET_REQUIRED') metrics.addMetric('MigratedResetRequired', MetricUnit.Count, 1);
    if (breached) metrics.addMetric('BreachedPasswordMigrated', MetricUnit.Count, 1);
    log.info('legacy user migrated', {
      via: found.via,
      marked,
      status,
      policyRulesBroken: broken,
      breached,
      dropped: answer.dropped,
    });

    const smsMfa = config.enableSmsMfa && found.item.mfaEnabled && Boolean(answer.attributes.phone_number);
    event.response = migrationResponse({
      userAttributes: answer.attributes,
      finalUserStatus: status,
      ...(smsMfa ? { enableSMSMFA: true } : {}),
    });
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
