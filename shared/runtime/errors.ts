/**
 * Errors and what reaches the user. Cognito shows a trigger's error message to the client
 * (`PreSignUp failed with error <message>.`), so only a UserFacingError keeps its message.
 */

/** A deliberate, user-safe refusal: its message is shown to the user as it is. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
  constructor(
    message: string,
    /** A stable, non-personal reason for logs and metrics, e.g. `disposable-domain`. */
    readonly reason: string = 'denied',
  ) {
    super(message);
  }
}

/**
 * What the user sees when anything else goes wrong: nothing about the cause, nothing about the user. No
 * closing period in any user-facing text: Cognito adds one ("... failed with error <message>.").
 */
export const GENERIC_FAILURE_MESSAGE = 'We could not complete your request. Please try again later';

/** The error a trigger throws in place of an internal one, so that no internal detail reaches a client. */
export class TriggerFailure extends Error {
  override readonly name = 'TriggerFailure';
  constructor() {
    super(GENERIC_FAILURE_MESSAGE);
  }
}

/** Raised at cold start when the function's environment is invalid: a deployment error, not a user's. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

/** Whatever was thrown, as an Error the logger can serialise (message, name and stack, redacted). */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
