/**
 * The one wrapper every handler uses. A policy receives a checked, typed event and a context (config,
 * logger, metrics, the time left of Cognito's budget); the wrapper checks what the policy answers,
 * maps errors to what a user may see, and records metrics per trigger and outcome.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { FUNCTION_FOLDERS, checkResponse, parseEvent, type TriggerEvents, type TriggerName } from '../events/index.ts';
import { startBudget, type Budget } from './budget.ts';
import { asError, TriggerFailure, UserFacingError } from './errors.ts';
import { createLogger, createMetrics, MetricUnit, userNameHash, type Logger, type Metrics } from './observability.ts';

export interface TriggerContext<Config> {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Time left of Cognito's 5-second budget, and a signal that aborts when it runs out. */
  readonly budget: Pick<Budget, 'remainingMs' | 'signal'>;
  readonly lambda: Context;
}

export type Policy<N extends TriggerName, Config> = (
  event: TriggerEvents[N],
  context: TriggerContext<Config>,
) => Promise<TriggerEvents[N]> | TriggerEvents[N];

export interface TriggerOptions<Config> {
  /** Reads the function's configuration; called once per container and cached by the reader. */
  config?: () => Config;
}

export type Outcome = 'allowed' | 'denied' | 'error';

export type TriggerHandler = (event: unknown, context: Context) => Promise<unknown>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Correlation keys, read defensively from the raw event so that even a malformed one is traceable. */
function correlationKeys(event: unknown): Record<string, string | undefined> {
  const raw = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const caller = (
    typeof raw.callerContext === 'object' && raw.callerContext !== null ? raw.callerContext : {}
  ) as Record<string, unknown>;
  const userPoolId = text(raw.userPoolId);
  return {
    triggerSource: text(raw.triggerSource),
    userPoolId,
    clientId: text(caller.clientId),
    userRef: userNameHash(userPoolId ?? '', text(raw.userName)),
  };
}

export function cognitoTrigger<N extends TriggerName, Config = undefined>(
  trigger: N,
  policy: Policy<N, Config>,
  options: TriggerOptions<Config> = {},
): TriggerHandler {
  const service = FUNCTION_FOLDERS[trigger];
  const log = createLogger(service);
  const metrics = createMetrics(service, trigger);

  const record = (outcome: Outcome, startedAt: number) => {
    metrics.addMetric('Invocations', MetricUnit.Count, 1);
    metrics.addMetric(
      outcome === 'allowed' ? 'Allowed' : outcome === 'denied' ? 'Denied' : 'Errors',
      MetricUnit.Count,
      1,
    );
    metrics.addMetric('Duration', MetricUnit.Milliseconds, Math.round((performance.now() - startedAt) * 100) / 100);
  };

  const run = async (rawEvent: unknown, lambda: Context): Promise<unknown> => {
    const startedAt = performance.now();
    const budget = startBudget(lambda.getRemainingTimeInMillis?.());
    log.appendKeys(correlationKeys(rawEvent));
    try {
      const config = options.config ? options.config() : (undefined as Config);
      const event = parseEvent(trigger, rawEvent);
      // The custom senders' events arrive without a response object; give the policy one to fill.
      (event as { response?: object }).response ??= {};
      const result = await policy(event, { config, log, metrics, budget, lambda });
      checkResponse(trigger, event, result);
      record('allowed', startedAt);
      return result;
    } catch (error) {
      if (error instanceof UserFacingError) {
        log.info('request denied', { reason: error.reason });
        record('denied', startedAt);
        throw error;
      }
      log.error('trigger failed', asError(error));
      record('error', startedAt);
      throw new TriggerFailure();
    } finally {
      budget.dispose();
    }
  };

  return middy(run)
    .use(injectLambdaContext(log, { resetKeys: true }))
    .use(logMetrics(metrics)) as unknown as TriggerHandler;
}
