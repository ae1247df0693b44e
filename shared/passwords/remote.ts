/**
 * A verifier that asks the old system itself: for directories exported without hashes, or with hashes
 * in a scheme only the old system knows. It POSTs `{"username", "password"}` as JSON to an HTTPS endpoint
 * of that system and reads the answer:
 *
 * - 200 with `{"valid": true}`: the password is right (any other 200 body: wrong);
 * - 401, 403 or 404: wrong password or no such user;
 * - anything else, a redirect, a timeout or a network error: an error, so the sign-in fails closed.
 *
 * The timeout is short (Cognito waits 5 s for the whole trigger) and the call is also aborted with the
 * trigger's budget. Redirects are never followed: the password must not travel anywhere else.
 */
import type { PasswordVerifier } from './verify.ts';

export interface RemoteVerifierOptions {
  /** The old system's verification endpoint. */
  url: string;
  /** Give up after this long (milliseconds). */
  timeoutMs: number;
  /** Which users it verifies, by their stored hash; default: users without a hash. */
  handles?: (hash: string | undefined) => boolean;
  /** Extra request headers, e.g. an API key of the old system. */
  headers?: Readonly<Record<string, string>>;
  /** Name in logs and metrics. */
  name?: string;
}

/** Raised when the old system gives no usable answer; its message holds no user data. */
export class RemoteVerifierError extends Error {
  override readonly name = 'RemoteVerifierError';
}

const REFUSALS = new Set([401, 403, 404]);

export function remoteVerifier(options: RemoteVerifierOptions): PasswordVerifier {
  const handles = options.handles ?? ((hash) => hash === undefined);
  return {
    name: options.name ?? 'remote',
    handles,
    async verify({ username, password, signal }) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
          body: JSON.stringify({ username, password }),
          redirect: 'manual',
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        });
      } catch (error) {
        const reason = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : (error as Error).name;
        throw new RemoteVerifierError(`the old system did not answer: ${reason}`, { cause: error });
      }
      if (REFUSALS.has(response.status)) {
        await response.body?.cancel();
        return false;
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new RemoteVerifierError(`the old system answered HTTP ${response.status}`);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new RemoteVerifierError('the old system answered 200 without JSON');
      }
      return typeof body === 'object' && body !== null && (body as { valid?: unknown }).valid === true;
    },
  };
}
