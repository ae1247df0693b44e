/**
 * The challengeMetadata create auth challenge writes on each challenge, which Cognito hands back in
 * the session (to define and create, never to the client): the method, why the challenge was made,
 * and for a code its sealed form and expiry, so that a retry after a wrong answer asks for the same
 * code without sending a new one (create does not see earlier privateChallengeParameters).
 *
 *   EMAIL_OTP|new|<salt>|<digest>|<expiresAt>   MAGIC_LINK|resent   MAGIC_LINK|redeem
 */
import type { SealedCode } from './codes.ts';
import { SIGN_IN_METHODS, type SignInMethod } from './config.ts';

/**
 * new: the session's first message; resent: a new message the client asked for (`action: resend`);
 * retry: the same challenge again after a wrong answer, nothing sent; redeem: a magic link from an
 * earlier message is to be answered, nothing sent.
 */
export const CHALLENGE_ORIGINS = ['new', 'resent', 'retry', 'redeem'] as const;
export type ChallengeOrigin = (typeof CHALLENGE_ORIGINS)[number];

export interface ChallengeState {
  method: SignInMethod;
  origin: ChallengeOrigin;
  /** EMAIL_OTP only. */
  code?: SealedCode & { expiresAt: number };
}

export function formatMetadata(state: ChallengeState): string {
  const base = `${state.method}|${state.origin}`;
  return state.code ? `${base}|${state.code.salt}|${state.code.digest}|${state.code.expiresAt}` : base;
}

/** The state a metadata string describes; undefined for one we did not write. */
export function parseMetadata(metadata: string | null | undefined): ChallengeState | undefined {
  if (!metadata) return undefined;
  const [method, origin, salt, digest, expiresAt] = metadata.split('|');
  if (!(SIGN_IN_METHODS as readonly string[]).includes(method ?? '')) return undefined;
  if (!(CHALLENGE_ORIGINS as readonly string[]).includes(origin ?? '')) return undefined;
  const state: ChallengeState = { method: method as SignInMethod, origin: origin as ChallengeOrigin };
  if (state.method === 'EMAIL_OTP') {
    const expiry = Number(expiresAt);
    if (!salt || !digest || !Number.isInteger(expiry)) return undefined;
    state.code = { salt, digest, expiresAt: expiry };
  }
  return state;
}
