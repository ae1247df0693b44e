/**
 * The built-in hash algorithms: parse a stored string into its parameters, and compute the digest of a
 * password under those parameters. Pure JavaScript and WebAssembly only (hash-wasm for bcrypt and Argon2,
 * node:crypto, which is built into Node, for scrypt and PBKDF2): native addons built here would not load
 * on Lambda's arm64.
 */
import { pbkdf2 as pbkdf2Callback, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';
import { argon2i, argon2id, bcrypt } from 'hash-wasm';
import { bcryptBase64Decode, digestsEqual, phcBase64Decode } from './encoding.ts';
import { hashFormatOf, type HashAlgorithm, type HashFormat } from './formats.ts';

const pbkdf2 = promisify(pbkdf2Callback);
const scrypt = promisify(scryptCallback) as (
  password: Buffer,
  salt: Buffer,
  length: number,
  options: ScryptOptions,
) => Promise<Buffer>;

/** A stored hash we recognise but will not verify: parameters outside the limits, or a version we lack. */
export class UnverifiableHashError extends Error {
  override readonly name = 'UnverifiableHashError';
  constructor(
    readonly algorithm: HashAlgorithm,
    /** Stable and free of the hash itself: fit for logs and metrics. */
    readonly reason: string,
  ) {
    super(`${algorithm} hash not verifiable: ${reason}`);
  }
}

/**
 * Work limits. A row with absurd parameters (an export error, or a planted row) must not make one
 * sign-in take minutes or gigabytes; the costs in use today are well inside them.
 */
export const WORK_LIMITS = {
  bcryptMaxCost: 15,
  argon2MaxMemoryKiB: 256 * 1024,
  argon2MaxIterations: 16,
  argon2MaxParallelism: 16,
  scryptMaxMemoryBytes: 256 * 1024 * 1024,
  scryptMaxParallelism: 16,
  pbkdf2MaxIterations: 5_000_000,
} as const;

/**
 * Floors, shared by the import (which rejects the row as `hash-weak`) and migrate-user (which refuses to
 * verify). The digest floor is about correctness: a PBKDF2 string with a 1-byte digest lets 1 wrong
 * password in 256 sign in; 16 bytes (128 bits) makes a chance match impossible in practice. The cost
 * floors refuse degenerate parameters, where the "hash" is little more than one plain digest that a
 * stolen export gives up at once; they sit below OWASP's Password Storage Cheat Sheet minimums for new
 * hashes (bcrypt 10, PBKDF2-HMAC-SHA256 600,000, scrypt N=2^17 r=8 p=1, Argon2id m=19 MiB t=2 p=1) on
 * purpose: a hash that is merely old still migrates its user (Cognito then keeps the password under its
 * own scheme), where refusing it would send every such user through a password reset.
 */
export const MINIMUM_COSTS = {
  /** Every algorithm: bytes of the stored digest (bcrypt's is always 23). */
  digestMinBytes: 16,
  /** The format's own minimum (2^4 rounds): bcrypt strings below it do not exist. */
  bcryptMinCost: 4,
  /** RFC 8018 section 4.2: "A minimum of 1000 iterations is recommended." */
  pbkdf2MinIterations: 1_000,
  /** N = 2^10 with r = 8: 1 MiB per hash, the Argon2 floor below. */
  scryptMinLogN: 10,
  /** 1 MiB: below it Argon2's memory hardness, its reason to exist, is gone. */
  argon2MinMemoryKiB: 1024,
  argon2MinIterations: 1,
} as const;

/** checkVerifiable's reasons that mean "too weak" (the import's `hash-weak`) rather than "cannot verify". */
const WEAK_REASONS = new Set([
  'digest shorter than 16 bytes',
  'cost below floor',
  'iterations below floor',
  'memory below floor',
]);

/** Whether a reason from hashProblem or UnverifiableHashError means the hash is too weak to trust. */
export function isWeakHashReason(reason: string): boolean {
  return WEAK_REASONS.has(reason);
}

/** Decoded bytes, or (for checks alone) just how many there would be. */
type Bytes = { readonly length: number };

export type ParsedHash<B extends Bytes = Buffer> =
  | { algorithm: 'bcrypt'; cost: number; salt: B; checksum: string }
  | {
      algorithm: 'argon2id' | 'argon2i';
      version: number;
      memoryKiB: number;
      iterations: number;
      parallelism: number;
      salt: B;
      digest: B;
    }
  | { algorithm: 'scrypt'; logN: number; blockSize: number; parallelism: number; salt: B; digest: B }
  | {
      algorithm: 'pbkdf2-sha256';
      notation: 'phc' | 'django';
      iterations: number;
      /** The digest length the string states (PHC `l=`), when it states one. */
      length?: number;
      salt: B;
      digest: B;
    };

/** How the parts of a hash string become bytes. */
interface Decoders<B extends Bytes> {
  /** bcrypt's base64, at most `bytes` of it. */
  bcrypt(text: string, bytes: number): B;
  /** PHC base64, standard or adapted, padded or not. */
  phc(text: string): B;
  /** Standard base64 (Django's digests). */
  base64(text: string): B;
  /** Text used as bytes (Django's salts). */
  utf8(text: string): B;
}

const DECODE: Decoders<Buffer> = {
  bcrypt: (text, bytes) => bcryptBase64Decode(text).subarray(0, bytes),
  phc: phcBase64Decode,
  base64: (text) => Buffer.from(text, 'base64'),
  utf8: (text) => Buffer.from(text, 'utf8'),
};

/** Bytes base64 text of this many characters decodes to (padding, if any, not counted). */
const base64Bytes = (text: string): Bytes => {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end -= 1;
  return { length: Math.floor((end * 3) / 4) };
};

/** Lengths only: what checkVerifiable needs, without decoding (the import checks millions of rows). */
const MEASURE: Decoders<Bytes> = {
  bcrypt: (text, bytes) => ({ length: Math.min(bytes, base64Bytes(text).length) }),
  phc: base64Bytes,
  base64: base64Bytes,
  utf8: (text) => ({ length: Buffer.byteLength(text, 'utf8') }),
};

/** The Argon2 version of a PHC string without `v=`: 0x10, before Argon2 1.3 (0x13, 19) added the field. */
const ARGON2_VERSION_10 = 16;

function parameters(text: string): Record<string, number> {
  // A loop, not split/map/fromEntries: the import checks a hash per row, millions of rows.
  const result: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    result[at < 0 ? pair : pair.slice(0, at)] = at < 0 ? 0 : Number(pair.slice(at + 1));
  }
  return result;
}

/** The parameters of a stored hash, or undefined when it is no format we know (see formats.ts). */
export function parseHash(hash: string): ParsedHash | undefined {
  return parseWith(hash, DECODE);
}

function parseWith<B extends Bytes>(
  hash: string,
  decode: Decoders<B>,
  format = hashFormatOf(hash),
): ParsedHash<B> | undefined {
  if (!format) return undefined;
  const parts = hash.split('$');
  switch (format.algorithm) {
    case 'bcrypt': {
      // $2b$12$<22 salt><31 checksum>
      const body = parts[3] ?? '';
      return {
        algorithm: 'bcrypt',
        cost: Number(parts[2]),
        salt: decode.bcrypt(body.slice(0, 22), 16),
        checksum: body.slice(22),
      };
    }
    case 'argon2id':
    case 'argon2i': {
      // $argon2id$v=19$m=65536,t=3,p=4$<salt>$<digest>; without `v=` (before Argon2 1.3) the version is 16.
      const fields = parts.slice(2);
      const version = fields[0]?.startsWith('v=') ? Number(fields.shift()?.slice(2)) : ARGON2_VERSION_10;
      const { m = 0, t = 0, p = 0 } = parameters(fields[0] ?? '');
      return {
        algorithm: format.algorithm,
        version,
        memoryKiB: m,
        iterations: t,
        parallelism: p,
        salt: decode.phc(fields[1] ?? ''),
        digest: decode.phc(fields[2] ?? ''),
      };
    }
    case 'scrypt': {
      // passlib: $scrypt$ln=17,r=8,p=1$<salt>$<digest>, adapted base64
      const { ln = 0, r = 0, p = 0 } = parameters(parts[2] ?? '');
      return {
        algorithm: 'scrypt',
        logN: ln,
        blockSize: r,
        parallelism: p,
        salt: decode.phc(parts[3] ?? ''),
        digest: decode.phc(parts[4] ?? ''),
      };
    }
    case 'pbkdf2-sha256': {
      if (format.notation === 'django') {
        // pbkdf2_sha256$600000$<salt, used as text>$<digest, standard base64>
        return {
          algorithm: 'pbkdf2-sha256',
          notation: 'django',
          iterations: Number(parts[1]),
          salt: decode.utf8(parts[2] ?? ''),
          digest: decode.base64(parts[3] ?? ''),
        };
      }
      // passlib: $pbkdf2-sha256$600000$<salt>$<digest>, adapted base64; the PHC string format:
      // $pbkdf2-sha256$i=600000,l=32$<salt>$<digest>, standard base64 (both decode alike).
      const named = (parts[2] ?? '').startsWith('i=');
      const { i = 0, l } = named ? parameters(parts[2] ?? '') : { i: Number(parts[2]), l: undefined };
      return {
        algorithm: 'pbkdf2-sha256',
        notation: 'phc',
        iterations: i,
        ...(l !== undefined ? { length: l } : {}),
        salt: decode.phc(parts[3] ?? ''),
        digest: decode.phc(parts[4] ?? ''),
      };
    }
  }
}

/** Throws UnverifiableHashError when the parameters are outside WORK_LIMITS or otherwise unusable. */
export function checkVerifiable(parsed: ParsedHash<Bytes>): void {
  const refuse = (reason: string) => {
    throw new UnverifiableHashError(parsed.algorithm, reason);
  };
  switch (parsed.algorithm) {
    case 'bcrypt':
      if (parsed.cost > WORK_LIMITS.bcryptMaxCost) refuse('cost over limit');
      if (parsed.cost < MINIMUM_COSTS.bcryptMinCost) refuse('cost below floor');
      return;
    case 'argon2id':
    case 'argon2i':
      // hash-wasm computes version 0x13 (19) only; 0x10 (16) differs inside the algorithm (blocks are
      // overwritten, not XORed, after the first pass), so no parameter of it gives a 16 digest, and
      // no other implementation that loads on arm64 Lambda is at hand (node:crypto has Argon2 from 24.7).
      if (parsed.version === ARGON2_VERSION_10) refuse('version 16 (Argon2 1.0) unsupported');
      if (parsed.version !== 19) refuse('version other than 19');
      if (parsed.memoryKiB > WORK_LIMITS.argon2MaxMemoryKiB) refuse('memory over limit');
      if (parsed.iterations > WORK_LIMITS.argon2MaxIterations) refuse('iterations out of range');
      if (parsed.parallelism < 1 || parsed.parallelism > WORK_LIMITS.argon2MaxParallelism)
        refuse('parallelism out of range');
      if (parsed.memoryKiB < 8 * parsed.parallelism) refuse('memory below 8 KiB per lane');
      if (parsed.salt.length < 8) refuse('salt shorter than 8 bytes');
      if (parsed.digest.length < MINIMUM_COSTS.digestMinBytes) refuse('digest shorter than 16 bytes');
      if (parsed.iterations < MINIMUM_COSTS.argon2MinIterations) refuse('iterations below floor');
      if (parsed.memoryKiB < MINIMUM_COSTS.argon2MinMemoryKiB) refuse('memory below floor');
      return;
    case 'scrypt': {
      const memory = 128 * parsed.blockSize * 2 ** parsed.logN;
      if (parsed.logN < 1 || parsed.blockSize < 1 || memory > WORK_LIMITS.scryptMaxMemoryBytes)
        refuse('memory out of range');
      if (parsed.parallelism < 1 || parsed.parallelism > WORK_LIMITS.scryptMaxParallelism)
        refuse('parallelism out of range');
      if (parsed.digest.length < MINIMUM_COSTS.digestMinBytes) refuse('digest shorter than 16 bytes');
      if (parsed.logN < MINIMUM_COSTS.scryptMinLogN) refuse('memory below floor');
      return;
    }
    case 'pbkdf2-sha256':
      if (parsed.iterations > WORK_LIMITS.pbkdf2MaxIterations) refuse('iterations out of range');
      if (parsed.length !== undefined && parsed.length !== parsed.digest.length) refuse('digest length differs from l');
      if (parsed.digest.length < MINIMUM_COSTS.digestMinBytes) refuse('digest shorter than 16 bytes');
      if (!(parsed.iterations >= MINIMUM_COSTS.pbkdf2MinIterations)) refuse('iterations below floor');
      return;
  }
}

/** bcrypt reads at most 72 bytes of the password ($2b$ and $2y$ truncate there; $2a$ the same below 256). */
const BCRYPT_MAX_BYTES = 72;

/**
 * True when `password` hashes to the stored digest under the stored parameters. The digest comparison
 * is constant-time. Throws UnverifiableHashError for parameters outside the limits.
 */
export async function matches(password: string, parsed: ParsedHash): Promise<boolean> {
  checkVerifiable(parsed);
  const secret = Buffer.from(password, 'utf8');
  // hash-wasm refuses an empty password, and Cognito never sends one.
  if (secret.length === 0) return false;
  switch (parsed.algorithm) {
    case 'bcrypt': {
      const encoded = await bcrypt({
        password: secret.subarray(0, BCRYPT_MAX_BYTES),
        salt: parsed.salt,
        costFactor: parsed.cost,
        outputType: 'encoded',
      });
      return digestsEqual(Buffer.from(encoded.slice(-31), 'latin1'), Buffer.from(parsed.checksum, 'latin1'));
    }
    case 'argon2id':
    case 'argon2i': {
      const compute = parsed.algorithm === 'argon2id' ? argon2id : argon2i;
      const digest = await compute({
        password: secret,
        salt: parsed.salt,
        iterations: parsed.iterations,
        parallelism: parsed.parallelism,
        memorySize: parsed.memoryKiB,
        hashLength: parsed.digest.length,
        outputType: 'binary',
      });
      return digestsEqual(digest, parsed.digest);
    }
    case 'scrypt': {
      const N = 2 ** parsed.logN;
      const digest = await scrypt(secret, parsed.salt, parsed.digest.length, {
        N,
        r: parsed.blockSize,
        p: parsed.parallelism,
        // Node's default ceiling is 32 MiB; N=2^17, r=8 needs 128 MiB (checkVerifiable bounds it).
        maxmem: 128 * parsed.blockSize * N + 16 * 1024 * 1024,
      });
      return digestsEqual(digest, parsed.digest);
    }
    case 'pbkdf2-sha256': {
      const digest = await pbkdf2(secret, parsed.salt, parsed.iterations, parsed.digest.length, 'sha256');
      return digestsEqual(digest, parsed.digest);
    }
  }
}

/**
 * Why a stored hash cannot be verified here, or undefined when it can: "unknown format", or a
 * UnverifiableHashError reason ("version other than 19", "cost over limit", ...). For the import, to
 * reject rows migrate-user would refuse; safe to write to a rejects file (it never quotes the hash).
 */
export function hashProblem(hash: string): string | undefined {
  const format = hashFormatOf(hash);
  if (!format) return 'unknown format';
  // bcrypt, the commonest: its pattern fixes every length, so the cost is all there is to check.
  if (format.algorithm === 'bcrypt') {
    const cost = Number(hash.slice(4, 6));
    if (cost > WORK_LIMITS.bcryptMaxCost) return 'cost over limit';
    return cost < MINIMUM_COSTS.bcryptMinCost ? 'cost below floor' : undefined;
  }
  // The verdict depends only on the parameters and the salt's and digest's lengths, which an export
  // repeats for all its users: decided once per such shape.
  const digestAt = hash.lastIndexOf('$');
  const saltAt = hash.lastIndexOf('$', digestAt - 1);
  const shape = `${hash.slice(0, saltAt)}$${unpaddedLength(hash, saltAt + 1, digestAt)}$${unpaddedLength(hash, digestAt + 1, hash.length)}`;
  const known = PROBLEMS.get(shape);
  if (known !== undefined) return known === '' ? undefined : known;
  const problem = problemOf(hash, format);
  if (PROBLEMS.size >= MAX_SHAPES) PROBLEMS.clear();
  PROBLEMS.set(shape, problem ?? '');
  return problem;
}

/** Verdicts by shape (parameters and lengths; '' for none), a bounded few: exports hold one or two shapes. */
const PROBLEMS = new Map<string, string>();
const MAX_SHAPES = 256;

/** Characters from `start` to `end`, trailing base64 padding left out. */
function unpaddedLength(text: string, start: number, end: number): number {
  let last = end;
  while (last > start && text.charCodeAt(last - 1) === 61 /* = */) last -= 1;
  return last - start;
}

function problemOf(hash: string, format: HashFormat): string | undefined {
  const parsed = parseWith(hash, MEASURE, format);
  if (!parsed) return 'unknown format';
  try {
    checkVerifiable(parsed);
    return undefined;
  } catch (error) {
    if (error instanceof UnverifiableHashError) return error.reason;
    throw error;
  }
}
