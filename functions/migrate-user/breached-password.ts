/**
 * Compromised credentials for migrated users: Cognito's own check (threat protection) needs a plan
 * with it, and never sees the password a migration accepts. Like Cognito's "Block sign-in" response,
 * which "sets the user's UserStatus to RESET_REQUIRED" (developer guide, "Checking for compromised
 * credentials"), a breached password migrates the user as RESET_REQUIRED.
 *
 * Asked only for a password already verified: a wrong one never leaves a trace at the API. A check that
 * cannot answer decides nothing (the migration goes on as without it) and is counted.
 */
import { MetricUnit, type Logger, type Metrics } from '../../shared/runtime/index.ts';
import type { BreachCheck } from '../../shared/passwords/breach-check.ts';

/** True when the check is on and the API knows the password from a breach. */
export async function isBreachedPassword(
  password: string,
  check: BreachCheck | undefined,
  { log, metrics, signal }: { log: Logger; metrics: Metrics; signal: AbortSignal },
): Promise<boolean> {
  if (!check) return false;
  const verdict = await check(password, signal);
  if (verdict.status === 'unavailable') {
    log.warn('breached-password check unavailable; migrating without it', { reason: verdict.reason });
    metrics.addMetric('BreachCheckUnavailable', MetricUnit.Count, 1);
    return false;
  }
  log.info('breached-password check', { breached: verdict.status === 'breached' });
  return verdict.status === 'breached';
}
