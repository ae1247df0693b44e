/**
 * One password check of a sign-in, with the same work whoever signs in: the user's hash (or their team
 * verifier), or else the dummy of the directory's typical cost (verification.ts picks which). A hash
 * outside the work limits is refused before any work, so the dummy's work is done instead. Logs and
 * metrics say which verifier decided, its cost and how long it took; never the password or the hash.
 */
import { MetricUnit, type Logger, type Metrics } from '../../shared/runtime/index.ts';
import {
  hashParameters,
  timedVerify,
  UnverifiableHashError,
  type PasswordVerifier,
} from '../../shared/passwords/verify.ts';
import type { FoundUser } from './lookup.ts';
import { costOf, verificationTarget, type Dummy } from './verification.ts';

export interface CheckSettings {
  verifiers: readonly PasswordVerifier[];
  dummy: Dummy;
  /** The dummy's parameters, for logs. */
  dummyParameters: string;
}

/**
 * True only when `found` is a real user and `password` is theirs. `typedName` goes to a team verifier
 * for a user it knows by no other name.
 */
export async function checkPassword(
  found: FoundUser | undefined,
  password: string,
  typedName: string,
  settings: CheckSettings,
  { log, metrics, signal }: { log: Logger; metrics: Metrics; signal: AbortSignal },
): Promise<boolean> {
  let target = verificationTarget(found, settings.verifiers, settings.dummy);
  let verification;
  try {
    verification = await timedVerify(target.verifier, {
      password,
      hash: target.hash,
      username: found?.item.usernameAsGiven ?? typedName,
      signal,
    });
  } catch (error) {
    if (!(error instanceof UnverifiableHashError)) throw error;
    // Refused before any work: do the dummy's work, then refuse like any wrong password.
    log.warn('legacy hash not verifiable', { algorithm: error.algorithm, reason: error.reason });
    metrics.addMetric('UnverifiableHashes', MetricUnit.Count, 1);
    target = { ...settings.dummy, real: false };
    verification = await timedVerify(target.verifier, { password, hash: target.hash, username: '' });
  }
  const verifyMetric = metrics.singleMetric();
  verifyMetric.addDimension('verifier', verification.verifier);
  verifyMetric.addMetric('PasswordVerifyDuration', MetricUnit.Milliseconds, verification.ms);
  const cost = costOf(target.real && target.hash ? hashParameters(target.hash) : settings.dummyParameters);
  const matched = verification.matched && target.real && found !== undefined;
  log.info('password verified', { verifier: verification.verifier, cost, ms: verification.ms, matched });
  if (matched) {
    // Migrations by algorithm (the dashboard): how much of the directory still needs each verifier.
    const matchedMetric = metrics.singleMetric();
    matchedMetric.addDimension('verifier', verification.verifier);
    matchedMetric.addMetric('PasswordsMatched', MetricUnit.Count, 1);
  }
  return matched;
}
