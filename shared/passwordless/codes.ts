/**
 * One-time codes and their comparison. A code is `length` decimal digits, each drawn with
 * crypto.randomInt, which rejects the top of its random range instead of reducing it modulo 10, so
 * every digit is equally likely (a byte % 10 would favour 0..5 by 26 against 25).
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export const MIN_CODE_LENGTH = 4;
export const MAX_CODE_LENGTH = 12;

/** Draws an integer in [0, max) uniformly; crypto.randomInt by default, replaceable in tests. */
export type RandomInt = (max: number) => number;

const cryptoRandomInt: RandomInt = (max) => randomInt(max);

export function generateCode(length: number, random: RandomInt = cryptoRandomInt): string {
  if (!Number.isInteger(length) || length < MIN_CODE_LENGTH || length > MAX_CODE_LENGTH) {
    throw new RangeError(`a code has ${MIN_CODE_LENGTH} to ${MAX_CODE_LENGTH} digits, not ${length}`);
  }
  let code = '';
  for (let i = 0; i < length; i++) {
    const digit = random(10);
    if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new RangeError(`not a digit: ${digit}`);
    code += String(digit);
  }
  return code;
}

/**
 * True when `a` and `b` are the same string, in time that depends on neither's content nor on where
 * they differ: both are hashed to 32 bytes first, so even their lengths are not compared directly.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const key = randomBytes(32);
  const digestA = createHmac('sha256', key).update(a, 'utf8').digest();
  const digestB = createHmac('sha256', key).update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}

/**
 * What create auth challenge keeps of a code for verify auth challenge: a salted hash, so that the
 * code itself is in no event Cognito passes on (privateChallengeParameters reach verify and any log
 * a careless change might write).
 */
export interface SealedCode {
  salt: string;
  digest: string;
}

export function sealCode(code: string, salt: string = randomBytes(16).toString('base64url')): SealedCode {
  return { salt, digest: createHmac('sha256', salt).update(code, 'utf8').digest('base64url') };
}

/** True when `answer` is the sealed code; constant time in the answer's content. */
export function matchesSealedCode(answer: string, sealed: SealedCode): boolean {
  const candidate = createHmac('sha256', sealed.salt).update(answer.trim(), 'utf8').digest('base64url');
  return constantTimeEqual(candidate, sealed.digest);
}
