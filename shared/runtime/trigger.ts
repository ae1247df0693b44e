/**
 * The one wrapper every handler uses: `cognitoTrigger(definition, policy, options)`, the definition being
 * the trigger's own (`preSignUp` from shared/events/triggers/pre-signup.ts), so that a function bundles
 * that trigger's schemas and no other's. A policy receives a checked, typed event and a context (config,
 * logger, metrics, the time left of its budget); the wrapper checks what the policy answers, maps errors
 * to what a user may see, and records metrics per trigger and outcome. Each function declares what a
 * failure of its own means for the user (`failureMode`): refused (closed) or let through (open).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
// Leaf modules only, never the events barrel: the barrel brings the registry, and with it every
// trigger's schemas, into each function's bundle (test/unit/runtime/bundles.test.ts).
import { checkResponseWith, parseEventWith, responseProblemsWith } from '../events/check.ts';
import type { ResponseCheckContext } from '../events/definition.ts';
import { FUNCTION_FOLDERS } from '../events/folders.ts';
import type { DefinitionOf, TriggerEvents, TriggerName } from '../events/registry.ts';
import { startBudget, type Budget } from './budget.ts';
import { asError, TriggerFailure, UserFacingError } from './errors.ts';
import { createLogger, createMetrics, MetricUnit, userNameHash, type Logger, type Metrics } from './observability.ts';
import { loadSecrets, prefetchSecrets } from './secrets.ts';

/** The log line of an answer given without the policy's work (a fail-open function's fault). */
export const FAILED_OPEN_LOG_MESSAGE = 'trigger failed; the user goes on (this function fails open)';
export interface TriggerContext<Config> {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  /**
   * Time left of the invocation's budget (Cognito's 5 seconds; the Lambda's own remaining time for the
   * asynchronous custom senders), and a signal that aborts when it runs out.
   */
  readonly budget: Pick<Budget, 'remainingMs' | 'signal'>;
  readonly lambda: Context;
}

export type Policy<N extends TriggerName, Config> = (
  event: TriggerEvents[N],
  context: TriggerContext<Config>,
) => Promise<TriggerEvents[N]> | TriggerEvents[N];

/**
 * What a failure of the function itself (not a deliberate refusal) does to the user's flow:
 * - `closed`: the user's request fails with the generic message (a guard that cannot decide refuses);
 * - `open`: the user goes on as if the function were not attached. The answer is the event exactly as
 *   Cognito sent it (never one the policy half-built), with an error log and a `FailedOpen` metric.
 * "Failure" covers an event the library cannot fully check, an invalid configuration, a store that is
 * down, hangs or throttles, a policy that overruns its budget: everything but a UserFacingError.
 */
export type FailureMode = 'open' | 'closed';

export interface TriggerOptions<Config> {
  /** Reads the function's configuration; called once per container and cached by the reader. */
  config?: () => Config;
  /** Required, with no default: every function states what its failure means for the user. */
  failureMode: FailureMode;
  /**
   * What the response check must know about the pool that the event does not say (custom message: the
   * pool's e-mail sending account), from the configuration. Left out, the library assumes Cognito's
   * defaults.
   */
  responseContext?: (config: Config) => ResponseCheckContext;
}

export type Outcome = 'allowed' | 'denied' | 'error';

/** The policy ran past its budget and margin, ignoring the budget's signal. */
class BudgetOverrun extends Error {
  override readonly name = 'BudgetOverrun';
}

/**
 * A copy of the event as received, taken before anything can change it: JSON, because that is how the
 * event arrived (a `__proto__` key comes back as an own property), and because a fail-open answer must
 * be what Cognito sent and nothing else. Undefined if the value cannot be copied (never for a Lambda
 * event, which is parsed JSON).
 */
function snapshot(event: unknown): string | undefined {
  try {
    return JSON.stringify(event);
  } catch {
    return undefined;
  }
}

/** Settles with the policy's result, or rejects once the deadline has passed. */
function beforeDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) return Promise.reject(new BudgetOverrun('the budget ran out before the policy started'));
  return new Promise<T>((resolve, reject) => {
    const overrun = () => reject(new BudgetOverrun('the policy overran its budget, ignoring the budget signal'));
    deadline.addEventListener('abort', overrun, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener('abort', overrun));
  });
}

export type TriggerHandler = (event: unknown, context: Context) => Promise<unknown>;

/** A handler made by cognitoTrigger: it also says which trigger it serves and how it fails (for tests and tools). */
export type DeclaredTriggerHandler = TriggerHandler & {
  readonly trigger: TriggerName;
  readonly failureMode: FailureMode;
};

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

/**
 * A handler for one trigger. `definition` is that trigger's definition, imported from its own module
 * (`import { preSignUp } from '../events/triggers/pre-signup.ts'`), never from the events
 * barrel: its `name` types the policy's event and names the function's logs and metrics.
 */
export function cognitoTrigger<N extends TriggerName, Config = undefined>(
  definition: DefinitionOf<N>,
  policy: Policy<N, Config>,
  options: TriggerOptions<Config>,
): DeclaredTriggerHandler {
  const trigger = definition.name;
  const failsOpen = options.failureMode === 'open';
  const service = FUNCTION_FOLDERS[trigger];
  const log = createLogger(service);
  const metrics = createMetrics(service, trigger);
  // The handler is made at module load: Lambda's init phase reads the secrets while the rest loads.
  prefetchSecrets();

  const record = (outcome: Outcome, startedAt: number) => {
    metrics.addMetric('Invocations', MetricUnit.Count, 1);
    metrics.addMetric(
      outcome === 'allowed' ? 'Allowed' : outcome === 'denied' ? 'Denied' : 'Errors',
      MetricUnit.Count,
      1,
    );
    metrics.addMetric('Duration', MetricUnit.Milliseconds, Math.round((performance.now() - startedAt) * 100) / 100);
  };

  /**
   * The event as received, if it is an answer Cognito accepts (it is, for every trigger that fails
   * open: none of them has rules on an untouched event); undefined otherwise, and the function fails
   * closed after all.
   */
  const untouchedAnswer = (pristine: string | undefined, checkContext: ResponseCheckContext): unknown => {
    if (pristine === undefined) return undefined;
    try {
      const answer: unknown = JSON.parse(pristine);
      const problems = responseProblemsWith(definition, answer as TriggerEvents[N], answer, checkContext);
      if (problems.length === 0) return answer;
      log.error('cannot fail open: the event as received is not an answer Cognito accepts', { problems });
    } catch (error) {
      log.error('cannot fail open: the event as received could not be checked', asError(error));
    }
    return undefined;
  };

  const run = async (rawEvent: unknown, lambda: Context): Promise<unknown> => {
    const startedAt = performance.now();
    const budget = startBudget(trigger, lambda.getRemainingTimeInMillis?.());
    // Before anything that uses them (the userRef's key, the configuration); a failure fails this
    // invocation by the function's failure mode, and the next one reads again.
    const secretsFailure = await loadSecrets({ signal: budget.signal }).then(
      () => undefined,
      (error: unknown) => asError(error),
    );
    log.appendKeys(correlationKeys(rawEvent));
    const pristine = failsOpen ? snapshot(rawEvent) : undefined;
    // Cognito's defaults until the configuration says otherwise (it may be what fails).
    let checkContext: ResponseCheckContext = {};
    try {
      if (secretsFailure) throw secretsFailure;
      const config = options.config ? options.config() : (undefined as Config);
      if (options.responseContext) checkContext = options.responseContext(config);
      const event = parseEventWith(definition, rawEvent);
      // The custom senders' events arrive without a response object; give the policy one to fill.
      (event as { response?: object }).response ??= {};
      const context = {
        config,
        log,
        metrics,
        budget: { remainingMs: budget.remainingMs, signal: budget.signal },
        lambda,
      };
      const result = await beforeDeadline(
        Promise.resolve().then(() => policy(event, context)),
        budget.deadline,
      );
      checkResponseWith(definition, event, result, checkContext);
      record('allowed', startedAt);
      return result;
    } catch (error) {
      if (error instanceof UserFacingError) {
        log.info('request denied', { reason: error.reason });
        record('denied', startedAt);
        throw error;
      }
      const answer = failsOpen ? untouchedAnswer(pristine, checkContext) : undefined;
      if (answer !== undefined) {
        log.error(FAILED_OPEN_LOG_MESSAGE, asError(error));
        metrics.addMetric('FailedOpen', MetricUnit.Count, 1);
        record('error', startedAt);
        return answer;
      }
      log.error('trigger failed', asError(error));
      record('error', startedAt);
      throw new TriggerFailure();
    } finally {
      budget.dispose();
    }
  };

  const handler = middy(run)
    .use(injectLambdaContext(log, { resetKeys: true }))
    .use(logMetrics(metrics)) as unknown as TriggerHandler;
  return Object.assign(handler, { trigger, failureMode: options.failureMode });
}
