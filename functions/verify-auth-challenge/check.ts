/**
 * Whether an answer is right, before any single-use bookkeeping. Pure (given the time).
 * - A request for a new message (`action: resend`) is never compared: it is not a guess.
 * - EMAIL_OTP: the answer against the sealed code, in constant time, while the code is valid.
 * - MAGIC_LINK: the token's MAC, binding (pool, client, user) and expiry; the caller then uses its
 *   nonce once.
 */
import { matchesSealedCode } from '../../shared/passwordless/codes.ts';
import {
  verifyLinkToken,
  type LinkBinding,
  type LinkClaims,
  type LinkRefusal,
} from '../../shared/passwordless/magic-link.ts';

export type AnswerCheck =
  | { correct: true; link?: LinkClaims }
  | {
      correct: false;
      reason: 'resend' | 'malformed-challenge' | 'method-off' | 'code-expired' | 'code-wrong' | LinkRefusal;
    };

export interface AnswerFacts {
  privateChallengeParameters: Readonly<Record<string, string>>;
  answer: string;
  resendRequested: boolean;
  binding: LinkBinding;
  now: number;
}

export function checkAnswer(facts: AnswerFacts, linkKey: Uint8Array | undefined): AnswerCheck {
  if (facts.resendRequested) return { correct: false, reason: 'resend' };
  const parameters = facts.privateChallengeParameters;
  if (parameters.signInMethod === 'EMAIL_OTP') {
    const { salt, digest } = parameters;
    const expiresAt = Number(parameters.expiresAt);
    if (!salt || !digest || !Number.isInteger(expiresAt)) return { correct: false, reason: 'malformed-challenge' };
    // Compared even when expired, so that the answer's timing says nothing about the code's age.
    const matches = matchesSealedCode(facts.answer, { salt, digest });
    if (Math.floor(facts.now / 1000) >= expiresAt) return { correct: false, reason: 'code-expired' };
    return matches ? { correct: true } : { correct: false, reason: 'code-wrong' };
  }
  if (parameters.signInMethod === 'MAGIC_LINK') {
    if (!linkKey) return { correct: false, reason: 'method-off' };
    const check = verifyLinkToken(linkKey, facts.answer, facts.binding, facts.now);
    return check.valid ? { correct: true, link: check.claims } : { correct: false, reason: check.reason };
  }
  return { correct: false, reason: 'malformed-challenge' };
}
