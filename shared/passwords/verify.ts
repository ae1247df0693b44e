/**
 * Password verification against a legacy directory's stored hashes, through a list of pluggable
 * verifiers: the built-in ones recognise their algorithm from the stored string (formats.ts); a team
 * adds its own (for example remoteVerifier, which asks the old system) by putting it in the list.
 */
import { matches, parseHash } from './algorithms.ts';
import { hashFormatOf, type HashAlgorithm } from './formats.ts';

export interface VerifyRequest {
  /** What the user typed. Never log it. */
  password: string;
  /** The stored hash, or undefined when the directory holds none for this user. Never log it. */
  hash: string | undefined;
  /** The legacy login name as the directory spells it, for verifiers that ask another system. */
  username: string;
  /** Aborts the verification (Cognito's budget ran out). */
  signal?: AbortSignal;
}

export interface PasswordVerifier {
  /** Stable and non-personal, for logs and metrics: `bcrypt`, `legacy-api`, ... */
  readonly name: string;
  /** Whether this verifier checks a user whose stored hash is `hash` (undefined: none stored). */
  handles(hash: string | undefined): boolean;
  /**
   * True when the password is right. Throws when it cannot tell (an unreachable service, a hash outside
   * the work limits): the caller fails closed.
   */
  verify(request: VerifyRequest): Promise<boolean>;
}

function algorithmVerifier(algorithm: HashAlgorithm): PasswordVerifier {
  return {
    name: algorithm,
    handles: (hash) => hash !== undefined && hashFormatOf(hash)?.algorithm === algorithm,
    async verify({ password, hash }) {
      const parsed = hash === undefined ? undefined : parseHash(hash);
      if (!parsed) return false;
      return matches(password, parsed);
    },
  };
}

/** One verifier per built-in algorithm: bcrypt, Argon2id, Argon2i, scrypt, PBKDF2-SHA256 (PHC and Django). */
export const BUILT_IN_VERIFIERS: readonly PasswordVerifier[] = (
  ['bcrypt', 'argon2id', 'argon2i', 'scrypt', 'pbkdf2-sha256'] as const
).map(algorithmVerifier);

export interface Verification {
  matched: boolean;
  /** The name of the verifier that decided. */
  verifier: string;
  /** How long it took, in milliseconds. */
  ms: number;
}

/** The first verifier in `verifiers` that handles `hash`, or undefined. */
export function verifierFor(
  verifiers: readonly PasswordVerifier[],
  hash: string | undefined,
): PasswordVerifier | undefined {
  return verifiers.find((verifier) => verifier.handles(hash));
}

/** Verifies with `verifier`, timed. */
export async function timedVerify(verifier: PasswordVerifier, request: VerifyRequest): Promise<Verification> {
  const startedAt = performance.now();
  const matched = await verifier.verify(request);
  return { matched, verifier: verifier.name, ms: Math.round((performance.now() - startedAt) * 100) / 100 };
}

/** Verifies a password against a stored hash with the built-in verifiers: false for any format we do not know. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const verifier = verifierFor(BUILT_IN_VERIFIERS, hash);
  return verifier ? verifier.verify({ password, hash, username: '' }) : false;
}

export { hashProblem, isWeakHashReason, MINIMUM_COSTS, UnverifiableHashError, WORK_LIMITS } from './algorithms.ts';
export { dummyHash, hashParameters } from './dummy.ts';
