/**
 * How long an invocation may take. Cognito waits 5 seconds for a synchronous trigger, whatever the
 * Lambda timeout says: there the budget is the earlier of the two. The custom e-mail and SMS senders are
 * invoked asynchronously (Cognito does not wait for them), so the only limit is the Lambda's own timeout.
 * Either way a margin is kept for answering, logging and flushing metrics after the budget runs out.
 */
import type { TriggerName } from '../events/registry.ts';

export const COGNITO_TRIGGER_TIMEOUT_MS = 5_000;
export const SAFETY_MARGIN_MS = 250;

/** Triggers Cognito invokes asynchronously: no 5-second limit, only the Lambda's timeout. */
const ASYNCHRONOUS_TRIGGERS: ReadonlySet<string> = new Set<TriggerName>(['CustomEmailSender', 'CustomSMSSender']);

export function isAsynchronousTrigger(trigger: string): boolean {
  return ASYNCHRONOUS_TRIGGERS.has(trigger);
}

/**
 * The milliseconds an invocation of `trigger` may use, given what the Lambda context says is left
 * (undefined outside Lambda, where a synchronous trigger still gets Cognito's 5 s and a sender the same).
 */
export function budgetMs(trigger: string, lambdaRemainingMs: number | undefined): number {
  const window = isAsynchronousTrigger(trigger)
    ? (lambdaRemainingMs ?? COGNITO_TRIGGER_TIMEOUT_MS)
    : Math.min(COGNITO_TRIGGER_TIMEOUT_MS, lambdaRemainingMs ?? COGNITO_TRIGGER_TIMEOUT_MS);
  return Math.max(0, window - SAFETY_MARGIN_MS);
}

export interface Budget {
  /** Milliseconds left before the invocation's budget runs out. */
  remainingMs(): number;
  /** Aborts when the budget runs out: pass it to SDK calls as `abortSignal`. */
  readonly signal: AbortSignal;
  /**
   * Aborts when the safety margin is almost spent too: the wrapper stops waiting for the policy then,
   * so a policy that ignores `signal` still cannot make the function miss its answer. Writes that record
   * an outcome after `signal` (see shared/mail/notify.ts) get the time in between.
   */
  readonly deadline: AbortSignal;
  /** Stops the timers behind the signals; called by the runtime when the invocation ends. */
  dispose(): void;
}

/** What is kept back of the margin for the wrapper itself to answer once `deadline` fires. */
const ANSWER_MS = 30;

export function startBudget(
  trigger: string,
  lambdaRemainingMs: number | undefined,
  now: () => number = Date.now,
): Budget {
  const limit = budgetMs(trigger, lambdaRemainingMs);
  const deadline = now() + limit;
  const controller = new AbortController();
  const hard = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('trigger budget exhausted')), limit);
  const hardTimer = setTimeout(
    () => hard.abort(new Error('trigger budget and margin exhausted')),
    limit + SAFETY_MARGIN_MS - ANSWER_MS,
  );
  timer.unref();
  hardTimer.unref();
  return {
    remainingMs: () => Math.max(0, deadline - now()),
    signal: controller.signal,
    deadline: hard.signal,
    dispose: () => {
      clearTimeout(timer);
      clearTimeout(hardTimer);
    },
  };
}
