/**
 * Password hash formats a legacy export may hold, recognised from the stored string itself. The import
 * uses this to accept or reject a row; migrate-user uses it to pick the verifier. Pure: no I/O, no crypto.
 */

export type HashAlgorithm = 'bcrypt' | 'argon2id' | 'argon2i' | 'scrypt' | 'pbkdf2-sha256';

export interface HashFormat {
  algorithm: HashAlgorithm;
  /** The string's family, for logs and the import summary: which notation the export used. */
  notation: 'modular-crypt' | 'phc' | 'django';
}

const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;
const B64 = '[A-Za-z0-9+/.]+={0,2}';
// `v=` is absent from hashes written before Argon2 1.3 (the version is then 16, 0x10).
const ARGON2 = new RegExp(`^\\$(argon2id|argon2i)\\$(?:v=(16|19)\\$)?m=\\d+,t=\\d+,p=\\d+\\$${B64}\\$${B64}$`);
const SCRYPT = new RegExp(`^\\$scrypt\\$ln=\\d+,r=\\d+,p=\\d+\\$${B64}\\$${B64}$`);
// passlib writes the rounds bare (`$600000$`, adapted base64); the PHC string format as @phc/pbkdf2 and
// others write it names them, with the digest length: `$i=600000,l=32$` (standard base64, unpadded).
const PBKDF2_PHC = new RegExp(`^\\$pbkdf2-sha256\\$(?:\\d+|i=\\d+(?:,l=\\d+)?)\\$${B64}\\$${B64}$`);
const PBKDF2_DJANGO = /^pbkdf2_sha256\$\d+\$[^$]+\$[A-Za-z0-9+/]+={0,2}$/;

/** The format of a stored hash, or undefined when it is none we can verify. */
export function hashFormatOf(hash: string): HashFormat | undefined {
  if (BCRYPT.test(hash)) return { algorithm: 'bcrypt', notation: 'modular-crypt' };
  const argon = ARGON2.exec(hash);
  if (argon) return { algorithm: argon[1] as 'argon2id' | 'argon2i', notation: 'phc' };
  if (SCRYPT.test(hash)) return { algorithm: 'scrypt', notation: 'phc' };
  if (PBKDF2_PHC.test(hash)) return { algorithm: 'pbkdf2-sha256', notation: 'phc' };
  if (PBKDF2_DJANGO.test(hash)) return { algorithm: 'pbkdf2-sha256', notation: 'django' };
  return undefined;
}
