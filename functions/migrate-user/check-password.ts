/**
 * One password check of a sign-in, taking the same time whoever signs in: the user's hash (or their team
 * verifier), or else the dummy (verification.ts picks which), and then held until the container's work
 * floor (shared/passwords/work-floor.ts): the slowest of the dummy and the hashes met lately, so a cheap
 * legacy hash answers no sooner than an unknown name. A hash outside the work limits is refused before
 * any work, so the dummy's work is done instead. Logs and metrics say which verifier decided, its cost
 * and how long it took; never the password or the hash.
 */
import { MetricUnit, type Logger, type Metrics } from '../../shared/runtime/index.ts';
import {
  hashParameters,
  timedVerify,
  UnverifiableHashError,
  type PasswordVerifier,
} from '../../shared/passwords/verify.ts';
import { workFloor, type WorkFloor } from '../../shared/passwords/work-floor.ts';
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
/** This container's floor: what it has measured lives as long as the container. */
const CONTAINER_FLOOR = workFloor();

export async function checkPassword(
  found: FoundUser | undefined,
  password: string,
  typedName: string,
  settings: CheckSettings,
  { log, metrics, signal }: { log: Logger; metrics: Metrics; signal: AbortSignal },
  floor: WorkFloor = CONTAINER_FLOOR,
): Promise<boolean> {
  let target = verificationTarget(found, settings.verifiers, settings.dummy);
  if (target.real && !floor.has(settings.dummyParameters)) {
    // A known user before any unknown name in this container: the dummy's time is not known yet, and a
    // cheap hash would answer fast. Measured once, on a throw-away password, before the clock starts.
    const first = await timedVerify(settings.dummy.verifier, {
      password: 'x',
      hash: settings.dummy.hash,
      username: '',
    });
    floor.record(settings.dummyParameters, first.ms);
  }
  const startedAt = performance.now();
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
  const parameters = target.real ? (target.hash ? hashParameters(target.hash) : undefined) : settings.dummyParameters;
  // A team verifier's time (a network call, no hash parameters) does not set the floor; it is held to it.
  if (parameters !== undefined) floor.record(parameters, verification.ms);
  await floor.holdUntilFloor(startedAt, signal);
  const matched = verification.matched && target.real && found !== undefined;
  log.info('password verified', {
    verifier: verification.verifier,
    cost: costOf(parameters),
    ms: verification.ms,
    heldMs: Math.round(performance.now() - startedAt - verification.ms),
    matched,
  });
  if (matched) {
    // Migrations by algorithm (the dashboard): how much of the directory still needs each verifier.
    const matchedMetric = metrics.singleMetric();
    matchedMetric.addDimension('verifier', verification.verifier);
    matchedMetric.addMetric('PasswordsMatched', MetricUnit.Count, 1);
  }
  return matched;
}
