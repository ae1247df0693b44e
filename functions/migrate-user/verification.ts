/**
 * What a sign-in verifies against. Pure: picks; the handler verifies.
 *
 * A user we can verify is verified against their hash (or by their team verifier). Everyone else (no
 * such user, a user without a hash nobody verifies, a hash outside the work limits) is verified against
 * the dummy hash, of the algorithm and cost the directory typically holds, and then refused: the same
 * answer, after the same work.
 */
import { verifierFor, type PasswordVerifier } from '../../shared/passwords/verify.ts';
import type { FoundUser } from './lookup.ts';

export interface VerificationTarget {
  verifier: PasswordVerifier;
  hash: string | undefined;
  /** False when this is the dummy: a match (never expected) must still be refused. */
  real: boolean;
}

export interface Dummy {
  verifier: PasswordVerifier;
  hash: string;
}

export function verificationTarget(
  found: FoundUser | undefined,
  verifiers: readonly PasswordVerifier[],
  dummy: Dummy,
): VerificationTarget {
  const hash = found?.item.passwordHash;
  const verifier = found ? verifierFor(verifiers, hash) : undefined;
  return verifier ? { verifier, hash, real: true } : { ...dummy, real: false };
}

/** The cost part of a hash's parameters (`12`, `m=65536,t=3,p=4`, `ln=17,r=8,p=1`, `600000`): safe to log. */
export function costOf(parameters: string | undefined): string | undefined {
  return parameters?.split('$').filter(Boolean).at(-1);
}
