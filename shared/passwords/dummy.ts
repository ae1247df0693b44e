/**
 * Dummy hashes: syntactically valid hashes, of a chosen algorithm and cost, with random salt and digest,
 * so that no password matches them. Verifying against one costs exactly what verifying a real hash of
 * those parameters costs, which is what an unknown user (or one without a usable hash) must cost.
 * Made without hashing anything: no cold-start work.
 */
import { randomBytes } from 'node:crypto';
import { checkVerifiable, parseHash } from './algorithms.ts';
import { bcryptBase64Encode, phcBase64Encode } from './encoding.ts';

const SALT_BYTES = 16;
const DIGEST_BYTES = 32;

function candidate(spec: string): string | undefined {
  const prefix = spec.trim().replace(/\$+$/u, '');
  if (/^\$2[aby]\$\d{2}$/u.test(prefix)) {
    return `${prefix}$${bcryptBase64Encode(randomBytes(SALT_BYTES))}${bcryptBase64Encode(randomBytes(23))}`;
  }
  if (/^\$argon2(id|i)\$v=\d+\$m=\d+,t=\d+,p=\d+$/u.test(prefix)) {
    return `${prefix}$${phcBase64Encode(randomBytes(SALT_BYTES))}$${phcBase64Encode(randomBytes(DIGEST_BYTES))}`;
  }
  if (/^\$(scrypt\$ln=\d+,r=\d+,p=\d+|pbkdf2-sha256\$(\d+|i=\d+(,l=\d+)?))$/u.test(prefix)) {
    const adapted = { adapted: true };
    // The PHC form may state the digest length (`l=64`): the dummy's digest has that length.
    const length = Number(/,l=(\d+)$/u.exec(prefix)?.[1] ?? DIGEST_BYTES);
    return `${prefix}$${phcBase64Encode(randomBytes(SALT_BYTES), adapted)}$${phcBase64Encode(randomBytes(length), adapted)}`;
  }
  if (/^pbkdf2_sha256\$\d+$/u.test(prefix)) {
    // Django's salts are 22 letters and digits, used as text.
    const salt = randomBytes(SALT_BYTES)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/gu, 'x')
      .slice(0, 22);
    return `${prefix}$${salt}$${randomBytes(DIGEST_BYTES).toString('base64')}`;
  }
  return undefined;
}

/**
 * A dummy hash from the parameter part of a hash: `$2b$12$`, `$argon2id$v=19$m=65536,t=3,p=4`,
 * `$scrypt$ln=17,r=8,p=1`, `$pbkdf2-sha256$600000` (or `$pbkdf2-sha256$i=600000,l=32`), `pbkdf2_sha256$600000`. Throws for anything else
 * (including costs outside the verifier's work limits), naming the accepted forms.
 */
export function dummyHash(spec: string): string {
  const hash = candidate(spec);
  const parsed = hash === undefined ? undefined : parseHash(hash);
  if (!hash || !parsed) {
    throw new Error(
      'expected hash parameters such as $2b$12$, $argon2id$v=19$m=65536,t=3,p=4, $scrypt$ln=17,r=8,p=1, $pbkdf2-sha256$600000 or pbkdf2_sha256$600000',
    );
  }
  checkVerifiable(parsed);
  return hash;
}

/** The parameter part of a stored hash, without salt and digest (`$2b$12$`, `$scrypt$ln=17,r=8,p=1`): what dummyHash takes, and safe to log. */
export function hashParameters(hash: string): string | undefined {
  if (!parseHash(hash)) return undefined;
  if (hash.startsWith('$2')) return hash.slice(0, 7);
  const parts = hash.split('$');
  return parts.slice(0, parts.length - 2).join('$');
}
