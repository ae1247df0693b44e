/**
 * Cognito waits 5 seconds for a trigger, whatever the Lambda timeout says. The budget is the earlier of
 * the two, minus a margin for Cognito's own round trip.
 */
export const COGNITO_TRIGGER_TIMEOUT_MS = 5_000;
const SAFETY_MARGIN_MS = 250;

export interface Budget {
  /** Milliseconds left before Cognito gives up on this invocation. */
  remainingMs(): number;
  /** Aborts when the budget runs out: pass it to SDK calls as `abortSignal`. */
  readonly signal: AbortSignal;
  /** Stops the timer behind `signal`; called by the runtime when the invocation ends. */
  dispose(): void;
}

export function startBudget(lambdaRemainingMs: number | undefined, now: () => number = Date.now): Budget {
  const limit =
    Math.min(COGNITO_TRIGGER_TIMEOUT_MS, lambdaRemainingMs ?? COGNITO_TRIGGER_TIMEOUT_MS) - SAFETY_MARGIN_MS;
  const deadline = now() + Math.max(0, limit);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('Cognito trigger budget exhausted')), Math.max(0, limit));
  timer.unref();
  return {
    remainingMs: () => Math.max(0, deadline - now()),
    signal: controller.signal,
    dispose: () => clearTimeout(timer),
  };
}
