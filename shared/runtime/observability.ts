/** The one logger and metrics set-up every function shares: Powertools, JSON, redacted, EMF. */
import { createHmac, randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { redactLogValue } from './redact.ts';
import { secretState } from './secrets.ts';

export { MetricUnit };
export type { Logger, Metrics };

export const METRICS_NAMESPACE_DEFAULT = 'CognitoTriggers';

export function createLogger(serviceName: string): Logger {
  return new Logger({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName,
    jsonReplacerFn: redactLogValue,
  });
}

export function createMetrics(serviceName: string, trigger: string): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE_DEFAULT,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName,
    defaultDimensions: { trigger },
  });
}

/**
 * Without LOG_HASH_KEY, a key of this process alone: any key a log reader could know (the pool id is in
 * every line) would let them test candidate e-mail addresses against the pseudonyms.
 */
const processHashKey = randomBytes(32);

/**
 * A pseudonym of a user for correlating log lines: an HMAC of pool and user name, so that the name itself
 * (often an e-mail address) never reaches the logs. Stable across instances only with LOG_HASH_KEY (in
 * Lambda from the SSM parameter LOG_HASH_KEY_PARAMETER names, read at cold start: secrets.ts).
 * Undefined while a named key has not been read: a pseudonym under another key would not correlate.
 */
export function userNameHash(userPoolId: string, userName: string | undefined): string | undefined {
  if (!userName) return undefined;
  const state = secretState('LOG_HASH_KEY');
  if ('missing' in state && state.missing !== 'not-set') return undefined;
  const key = 'value' in state ? state.value : processHashKey;
  return createHmac('sha256', key).update(`${userPoolId}\u0000${userName.toLowerCase()}`).digest('hex').slice(0, 16);
}

/**
 * Metrics of a function that is no Cognito trigger (the import's jobs): dimension `service` only. Such a
 * function has no middleware to flush them: it calls `publishStoredMetrics()` itself.
 */
export function createJobMetrics(serviceName: string): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE_DEFAULT,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName,
  });
}
