/**
 * The verifiers against published vectors (OpenBSD/Openwall bcrypt, the Argon2 reference implementation,
 * passlib's and Django's documentation and tests) and against hashes made by an independent
 * implementation (hash-wasm's scrypt and PBKDF2, hash-wasm's own encoders) in the notations legacy
 * systems write.
 */
import { createSHA256, argon2id, bcrypt, pbkdf2, scrypt } from 'hash-wasm';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { bcryptBase64Encode, digestsEqual, phcBase64Encode } from '../../../shared/passwords/encoding.ts';
import { hashFormatOf } from '../../../shared/passwords/formats.ts';
import {
  BUILT_IN_VERIFIERS,
  dummyHash,
  hashProblem,
  hashParameters,
  isWeakHashReason,
  MINIMUM_COSTS,
  timedVerify,
  UnverifiableHashError,
  verifierFor,
  verifyPassword,
  type PasswordVerifier,
} from '../../../shared/passwords/verify.ts';

const PUBLISHED: Array<[string, string, string]> = [
  // Openwall's crypt_blowfish test vectors (also in OpenBSD's regress suite).
  ['bcrypt $2a$ (Openwall)', 'U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  // The Argon2 reference implementation's test.c.
  [
    'argon2i (reference test.c)',
    'password',
    '$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA',
  ],
  [
    'argon2id (reference test.c)',
    'password',
    '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc',
  ],
  // passlib's documentation (scrypt) and test suite (pbkdf2_sha256), adapted base64.
  [
    'scrypt (passlib docs)',
    'password',
    '$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E',
  ],
  [
    'pbkdf2-sha256 (passlib tests)',
    'password',
    '$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ',
  ],
  [
    'pbkdf2-sha256 (passlib tests)',
    'password',
    '$pbkdf2-sha256$6400$0ZrzXitFSGltTQnBWOsdAw$Y11AchqV4b0sUisdZd0Xr97KWoymNE0LNNrnEgY4H9M',
  ],
  // Django's test_hashers (make_password("lètmein", "seasalt", "pbkdf2_sha256"), Django 5.0).
  [
    'Django pbkdf2_sha256 (Django tests)',
    'lètmein',
    'pbkdf2_sha256$720000$seasalt$eDupbcisD1UuIiou3hMuMu8oe/XwnpDw45r6AA5iv0E=',
  ],
];

describe('published vectors', () => {
  it.each(PUBLISHED)('%s: the right password verifies, a wrong one does not', async (_name, password, hash) => {
    expect(hashFormatOf(hash)).toBeDefined();
    expect(await verifyPassword(password, hash)).toBe(true);
    expect(await verifyPassword(`${password}!`, hash)).toBe(false);
    expect(await verifyPassword(password.slice(1), hash)).toBe(false);
  });
});

const PASSWORD = 'Grüße, Jürgen! 42';
const salt = () => randomBytes(16);

async function bcryptHash(prefix: '$2a$' | '$2b$' | '$2y$', password: string, cost = 5): Promise<string> {
  const encoded = await bcrypt({ password, salt: salt(), costFactor: cost, outputType: 'encoded' });
  return prefix + encoded.slice(4);
}

async function pbkdf2Digest(password: string, saltBytes: Uint8Array, iterations: number): Promise<Uint8Array> {
  return pbkdf2({
    password,
    salt: saltBytes,
    iterations,
    hashLength: 32,
    hashFunction: createSHA256(),
    outputType: 'binary',
  });
}

describe('hashes made by another implementation, in each notation', () => {
  it.each(['$2a$', '$2b$', '$2y$'] as const)('bcrypt %s', async (prefix) => {
    const hash = await bcryptHash(prefix, PASSWORD);
    expect(hashFormatOf(hash)?.algorithm).toBe('bcrypt');
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword(PASSWORD.toLowerCase(), hash)).toBe(false);
  });

  it('bcrypt reads the first 72 bytes, as every bcrypt does', async () => {
    const long = 'x'.repeat(72);
    const hash = await bcryptHash('$2b$', long);
    expect(await verifyPassword(`${long}anything after byte 72`, hash)).toBe(true);
    expect(await verifyPassword('x'.repeat(71), hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('argon2id (hash-wasm encoder, standard base64)', async () => {
    const hash = await argon2id({
      password: PASSWORD,
      salt: salt(),
      iterations: 2,
      parallelism: 2,
      memorySize: 1024,
      hashLength: 32,
      outputType: 'encoded',
    });
    expect(hash.startsWith('$argon2id$v=19$m=1024,t=2,p=2$')).toBe(true);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
  });

  it('scrypt, passlib notation (adapted base64)', async () => {
    const s = salt();
    const digest = await scrypt({
      password: PASSWORD,
      salt: s,
      costFactor: 2 ** 10,
      blockSize: 8,
      parallelism: 1,
      hashLength: 32,
      outputType: 'binary',
    });
    const hash = `$scrypt$ln=10,r=8,p=1$${phcBase64Encode(s, { adapted: true })}$${phcBase64Encode(digest, { adapted: true })}`;
    expect(hashFormatOf(hash)?.algorithm).toBe('scrypt');
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
  });

  it('pbkdf2-sha256, passlib notation and the PHC i= form', async () => {
    const s = salt();
    const digest = await pbkdf2Digest(PASSWORD, s, 1000);
    const body = `${phcBase64Encode(s, { adapted: true })}$${phcBase64Encode(digest, { adapted: true })}`;
    for (const hash of [`$pbkdf2-sha256$1000$${body}`, `$pbkdf2-sha256$i=1000$${body}`]) {
      expect(hashFormatOf(hash)?.algorithm).toBe('pbkdf2-sha256');
      expect(await verifyPassword(PASSWORD, hash)).toBe(true);
      expect(await verifyPassword('wrong', hash)).toBe(false);
    }
  });

  it('pbkdf2-sha256, Django notation (salt used as text, standard base64 digest)', async () => {
    const digest = await pbkdf2Digest(PASSWORD, new TextEncoder().encode('Na0mISalt2026xyz'), 1000);
    const hash = `pbkdf2_sha256$1000$Na0mISalt2026xyz$${Buffer.from(digest).toString('base64')}`;
    expect(hashFormatOf(hash)).toEqual({ algorithm: 'pbkdf2-sha256', notation: 'django' });
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
  });
});

describe('limits and unknown formats', () => {
  it('refuses costs outside the work limits instead of spending minutes on them', async () => {
    const bcrypt20 = `$2b$20$${bcryptBase64Encode(salt())}${bcryptBase64Encode(randomBytes(23))}`;
    const argonHuge = `$argon2id$v=19$m=4194304,t=3,p=4$${phcBase64Encode(salt())}$${phcBase64Encode(salt())}`;
    const scryptHuge = `$scrypt$ln=24,r=8,p=1$${phcBase64Encode(salt())}$${phcBase64Encode(salt())}`;
    const argonOld = `$argon2i$v=16$m=1024,t=2,p=1$${phcBase64Encode(salt())}$${phcBase64Encode(salt())}`;
    for (const hash of [bcrypt20, argonHuge, scryptHuge, argonOld]) {
      await expect(verifyPassword('x', hash)).rejects.toBeInstanceOf(UnverifiableHashError);
    }
    expect([bcrypt20, argonHuge, scryptHuge, argonOld].map(hashProblem)).toEqual([
      'cost over limit',
      'memory over limit',
      'memory out of range',
      'version 16 (Argon2 1.0) unsupported',
    ]);
    expect(hashProblem('5f4dcc3b5aa765d61d8327deb882cf99')).toBe('unknown format');
    expect(hashProblem(PUBLISHED[0]![2])).toBeUndefined();
  });

  it('has no verifier for formats it does not know, or for a missing hash', () => {
    expect(verifierFor(BUILT_IN_VERIFIERS, '5f4dcc3b5aa765d61d8327deb882cf99')).toBeUndefined();
    expect(verifierFor(BUILT_IN_VERIFIERS, '$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0')).toBeUndefined();
    expect(verifierFor(BUILT_IN_VERIFIERS, undefined)).toBeUndefined();
  });

  it('puts a team verifier first when listed first, and names who decided', async () => {
    const mine: PasswordVerifier = { name: 'legacy-md5', handles: (h) => h?.length === 32, verify: async () => true };
    const chain = [mine, ...BUILT_IN_VERIFIERS];
    const verifier = verifierFor(chain, '5f4dcc3b5aa765d61d8327deb882cf99');
    expect(verifier?.name).toBe('legacy-md5');
    const result = await timedVerify(verifier!, { password: 'p', hash: 'h', username: 'u' });
    expect(result).toMatchObject({ matched: true, verifier: 'legacy-md5' });
    expect(result.ms).toBeGreaterThanOrEqual(0);
  });

  it('compares digests of different lengths as unequal', () => {
    expect(digestsEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(digestsEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(digestsEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
  });
});

describe('dummy hashes', () => {
  const SPECS = [
    '$2b$05$',
    '$2y$06',
    '$argon2id$v=19$m=1024,t=2,p=1',
    '$argon2i$v=19$m=1024,t=2,p=2',
    '$scrypt$ln=10,r=8,p=1',
    '$pbkdf2-sha256$1000',
    'pbkdf2_sha256$1000',
  ];

  it.each(SPECS)('%s: a valid hash of exactly those parameters that no password matches', async (spec) => {
    const hash = dummyHash(spec);
    const format = hashFormatOf(hash);
    expect(format).toBeDefined();
    expect(hashParameters(hash)).toBe(spec.startsWith('$2') ? spec.replace(/\$?$/u, '$') : spec);
    expect(dummyHash(spec)).not.toBe(hash);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(await verifyPassword('Correct-Horse-42', hash)).toBe(false);
  });

  it('refuses parameters it cannot verify, naming the accepted forms', () => {
    expect(() => dummyHash('md5')).toThrow(/\$2b\$12\$/u);
    expect(() => dummyHash('$2b$25$')).toThrow(UnverifiableHashError);
  });
});

describe('the PHC string format for PBKDF2 (i=, l=, standard base64)', () => {
  // Bytes whose standard base64 holds "+" and "/", which passlib's adapted alphabet writes differently.
  const phcSalt = Buffer.from('fbefbeffffffc0ffee0123456789abcd', 'hex');
  const phc = (iterations: number, length: number, digestLength = length) =>
    `$pbkdf2-sha256$i=${iterations},l=${length}$${phcBase64Encode(phcSalt)}$${phcBase64Encode(
      pbkdf2Sync('Correct-Horse-42', phcSalt, iterations, digestLength, 'sha256'),
    )}`;

  it('recognises and verifies $pbkdf2-sha256$i=<n>,l=<bytes>$<salt>$<hash> (node:crypto vectors)', async () => {
    for (const hash of [phc(1000, 32), phc(1200, 64)]) {
      expect(hash).toMatch(/[+/]/u);
      expect(hash.endsWith('=')).toBe(false);
      expect(hashFormatOf(hash)).toEqual({ algorithm: 'pbkdf2-sha256', notation: 'phc' });
      expect(hashProblem(hash)).toBeUndefined();
      expect(await verifyPassword('Correct-Horse-42', hash)).toBe(true);
      expect(await verifyPassword('Correct-Horse-43', hash)).toBe(false);
    }
    expect(hashParameters(phc(1000, 32))).toBe('$pbkdf2-sha256$i=1000,l=32');
  });

  it('refuses a digest whose length is not the stated l (a truncated or altered string)', async () => {
    const hash = phc(1000, 32, 31);
    expect(hashFormatOf(hash)?.algorithm).toBe('pbkdf2-sha256');
    expect(hashProblem(hash)).toBe('digest length differs from l');
    await expect(verifyPassword('Correct-Horse-42', hash)).rejects.toBeInstanceOf(UnverifiableHashError);
  });

  it('makes a dummy of the PHC parameters, l included', async () => {
    const hash = dummyHash('$pbkdf2-sha256$i=1000,l=64');
    expect(hashParameters(hash)).toBe('$pbkdf2-sha256$i=1000,l=64');
    expect(hashProblem(hash)).toBeUndefined();
    expect(await verifyPassword('Correct-Horse-42', hash)).toBe(false);
  });
});

describe('Argon2 strings without v= (version 16, before Argon2 1.3)', () => {
  // The Argon2 reference implementation writes version 0x10 hashes without the v= field.
  const v16 = '$argon2i$m=65536,t=2,p=1$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ';

  it('recognises them as Argon2, and refuses to verify them with a stable reason (hash-wasm computes 19 only)', async () => {
    const argon2id16 = `$argon2id$m=1024,t=2,p=1$${phcBase64Encode(salt())}$${phcBase64Encode(salt())}`;
    expect(hashFormatOf(v16)).toEqual({ algorithm: 'argon2i', notation: 'phc' });
    expect(hashFormatOf(argon2id16)).toEqual({ algorithm: 'argon2id', notation: 'phc' });
    for (const hash of [v16, argon2id16, v16.replace('$m=', '$v=16$m=')]) {
      expect(hashProblem(hash)).toBe('version 16 (Argon2 1.0) unsupported');
      await expect(verifyPassword('password', hash)).rejects.toBeInstanceOf(UnverifiableHashError);
    }
  });

  it('still verifies version 19 strings, whose fields sit one place later', async () => {
    const s = salt();
    const hash = await argon2id({
      password: 'Correct-Horse-42',
      salt: s,
      iterations: 2,
      parallelism: 1,
      memorySize: 1024,
      hashLength: 32,
      outputType: 'encoded',
    });
    expect(hash.startsWith('$argon2id$v=19$')).toBe(true);
    expect(await verifyPassword('Correct-Horse-42', hash)).toBe(true);
  });
});

describe('floors shared by the import and migrate-user (MINIMUM_COSTS)', () => {
  const s = Buffer.from('fbefbeffffffc0ffee0123456789abcd', 'hex');
  const pbkdf2Phc = (iterations: number, bytes: number) =>
    `$pbkdf2-sha256$i=${iterations},l=${bytes}$${phcBase64Encode(s)}$${phcBase64Encode(
      pbkdf2Sync('Correct-Horse-42', s, iterations, bytes, 'sha256'),
    )}`;

  it('refuses a PBKDF2 digest of 1 byte: before the floor, about 1 wrong password in 256 signed in', async () => {
    const hash = pbkdf2Phc(1000, 1);
    expect(hashProblem(hash)).toBe('digest shorter than 16 bytes');
    expect(isWeakHashReason('digest shorter than 16 bytes')).toBe(true);
    await expect(verifyPassword('Correct-Horse-42', hash)).rejects.toBeInstanceOf(UnverifiableHashError);
    // Wrong passwords never sign in: every one is refused, none matched.
    let matched = 0;
    for (let i = 0; i < 512; i += 1) {
      matched += await verifyPassword(`wrong-${i}`, hash).then(
        (ok) => Number(ok),
        () => 0,
      );
    }
    expect(matched).toBe(0);
  });

  it('accepts exactly 16 bytes and refuses 15, in every notation with a free digest length', async () => {
    expect(hashProblem(pbkdf2Phc(1000, 16))).toBeUndefined();
    expect(await verifyPassword('Correct-Horse-42', pbkdf2Phc(1000, 16))).toBe(true);
    expect(hashProblem(pbkdf2Phc(1000, 15))).toBe('digest shorter than 16 bytes');
    const django = `pbkdf2_sha256$1000$Na0mISalt2026xyz$${pbkdf2Sync('x', 'Na0mISalt2026xyz', 1000, 8, 'sha256').toString('base64')}`;
    expect(hashProblem(django)).toBe('digest shorter than 16 bytes');
    const argon = await argon2id({
      password: 'x',
      salt: s,
      iterations: 2,
      parallelism: 1,
      memorySize: 1024,
      hashLength: 8,
      outputType: 'encoded',
    });
    expect(hashProblem(argon)).toBe('digest shorter than 16 bytes');
    const scryptShort = `$scrypt$ln=14,r=8,p=1$${phcBase64Encode(s, { adapted: true })}$${phcBase64Encode(randomBytes(15), { adapted: true })}`;
    expect(hashProblem(scryptShort)).toBe('digest shorter than 16 bytes');
  });

  it('refuses costs below the floors, named as weak (the import rejects them as hash-weak)', () => {
    expect(MINIMUM_COSTS).toMatchObject({ digestMinBytes: 16, pbkdf2MinIterations: 1000, scryptMinLogN: 10 });
    const cases: Array<[string, string]> = [
      [pbkdf2Phc(999, 32), 'iterations below floor'],
      [`$scrypt$ln=9,r=8,p=1$${phcBase64Encode(s)}$${phcBase64Encode(randomBytes(32))}`, 'memory below floor'],
      [`$argon2id$v=19$m=512,t=2,p=1$${phcBase64Encode(s)}$${phcBase64Encode(randomBytes(32))}`, 'memory below floor'],
      [
        `$argon2id$v=19$m=1024,t=0,p=1$${phcBase64Encode(s)}$${phcBase64Encode(randomBytes(32))}`,
        'iterations below floor',
      ],
    ];
    for (const [hash, reason] of cases) {
      expect(hashProblem(hash)).toBe(reason);
      expect(isWeakHashReason(reason)).toBe(true);
    }
    expect(isWeakHashReason('cost over limit')).toBe(false);
    expect(hashProblem(pbkdf2Phc(1000, 32))).toBeUndefined();
  });
});
