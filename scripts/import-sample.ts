/**
 * `npm run import:sample -- --users <n> --out <file.csv>`: a realistic legacy export to try the import
 * with: every hash format migrate-user verifies, a known password per format (printed, and in docs/import.md, "The sample"),
 * some users without a hash (they will reset), quoted fields with commas, mixed boolean spellings,
 * birthdates and update times in each form the import converts, and after the users one deliberately
 * bad row per kind of rejection (a value with a line break among them).
 *
 * Hashing is slow by design, so each (format, password) is hashed once with a few salts and reused:
 * a million rows take seconds, not days.
 */
import { randomBytes, scryptSync, pbkdf2Sync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { argon2i, argon2id, bcrypt } from 'hash-wasm';

/** The password of every sample user whose hash has this format. */
export const SAMPLE_PASSWORDS = {
  'bcrypt-2a': 'Legacy-Bcrypt2a-42',
  'bcrypt-2b': 'Legacy-Bcrypt2b-42',
  'bcrypt-2y': 'Legacy-Bcrypt2y-42',
  argon2id: 'Legacy-Argon2id-42',
  argon2i: 'Legacy-Argon2i-42',
  scrypt: 'Legacy-Scrypt-42',
  'pbkdf2-sha256': 'Legacy-Pbkdf2-42',
  'pbkdf2-django': 'Legacy-Django-42',
} as const;

export type SampleFormat = keyof typeof SAMPLE_PASSWORDS;
export const SAMPLE_FORMATS = Object.keys(SAMPLE_PASSWORDS) as SampleFormat[];

export const SAMPLE_COLUMNS = [
  'username',
  'password_hash',
  'email',
  'email_verified',
  'phone_number',
  'phone_number_verified',
  'given_name',
  'family_name',
  'name',
  'middle_name',
  'nickname',
  'profile',
  'picture',
  'website',
  'address',
  'locale',
  'birthdate',
  'updated_at',
  'mfa_enabled',
  'custom:tenant',
] as const;

const SALTS_PER_FORMAT = 3;
/** PHC's base64: standard alphabet, no padding. */
const b64 = (bytes: Buffer | Uint8Array) => Buffer.from(bytes).toString('base64').replace(/=+$/, '');
/** passlib's "adapted base64" for $pbkdf2-sha256$: '.' instead of '+', no padding. */
const ab64 = (bytes: Buffer) => b64(bytes).replace(/\+/g, '.');

async function hashOnce(format: SampleFormat, password: string): Promise<string> {
  const salt = randomBytes(16);
  switch (format) {
    case 'bcrypt-2a':
    case 'bcrypt-2b':
    case 'bcrypt-2y': {
      const encoded = await bcrypt({ password, salt, costFactor: 10, outputType: 'encoded' });
      // One algorithm, three historical prefixes; every verifier treats them alike.
      return `$2${format.slice(-1)}$${encoded.slice(4)}`;
    }
    case 'argon2id':
    case 'argon2i': {
      const hash = format === 'argon2id' ? argon2id : argon2i;
      return hash({
        password,
        salt,
        parallelism: 1,
        iterations: 2,
        memorySize: 19_456,
        hashLength: 32,
        outputType: 'encoded',
      });
    }
    case 'scrypt': {
      const ln = 15;
      const key = scryptSync(password, salt, 32, { N: 2 ** ln, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
      return `$scrypt$ln=${ln},r=8,p=1$${b64(salt)}$${b64(key)}`;
    }
    case 'pbkdf2-sha256': {
      const rounds = 100_000;
      return `$pbkdf2-sha256$${rounds}$${ab64(salt)}$${ab64(pbkdf2Sync(password, salt, rounds, 32, 'sha256'))}`;
    }
    case 'pbkdf2-django': {
      const iterations = 260_000;
      const text = salt.toString('hex').slice(0, 22);
      return `pbkdf2_sha256$${iterations}$${text}$${pbkdf2Sync(password, text, iterations, 32, 'sha256').toString('base64')}`;
    }
  }
}

/** A few hashes per format, each of that format's sample password. */
export async function sampleHashes(salts = SALTS_PER_FORMAT): Promise<Record<SampleFormat, string[]>> {
  const entries = await Promise.all(
    SAMPLE_FORMATS.map(async (format) => {
      const hashes: string[] = [];
      for (let i = 0; i < salts; i += 1) hashes.push(await hashOnce(format, SAMPLE_PASSWORDS[format]));
      return [format, hashes] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<SampleFormat, string[]>;
}

const GIVEN = ['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Zoë', 'José', 'Björn', 'Chidi', 'Mei'];
const FAMILY = [
  'Lovelace',
  'Hopper',
  "O'Brien, Jr.",
  'Hamilton',
  'Turing',
  'Müller',
  'García',
  'Nakamura',
  'Okafor',
  'Ivanova',
];
const TRUTHY = ['true', 'TRUE', 'True', '1', 'yes', 'Yes'];
const LOCALES = ['en', 'de', 'fr-CA', 'ja', 'es'];

/** The format of the i-th user's hash, or undefined for users without one (every tenth). */
export function formatOf(i: number): SampleFormat | undefined {
  return i % 10 === 9 ? undefined : SAMPLE_FORMATS[i % SAMPLE_FORMATS.length];
}

export const sampleUsername = (i: number) => `legacy.user${String(i).padStart(7, '0')}`;
export const sampleEmail = (i: number) => `legacy.user${String(i).padStart(7, '0')}@example.com`;

/** ISO dates, Cognito's own mm/dd/yyyy, and none: the import writes mm/dd/yyyy. */
export function sampleBirthdate(i: number): string {
  const [year, month, day] = [1950 + (i % 50), 1 + (i % 12), 1 + (i % 28)].map((n) => String(n).padStart(2, '0'));
  return i % 3 === 0 ? `${year}-${month}-${day}` : i % 3 === 1 ? `${month}/${day}/${year}` : '';
}

/** Epoch seconds, epoch milliseconds and ISO 8601 date-times: the import writes epoch seconds. */
export function sampleUpdatedAt(i: number): string {
  const seconds = 1_600_000_000 + i;
  return i % 3 === 0
    ? String(seconds)
    : i % 3 === 1
      ? String(seconds * 1000 + 123)
      : new Date(seconds * 1000).toISOString();
}

function userRow(i: number, hashes: Record<SampleFormat, string[]>): string[] {
  const format = formatOf(i);
  const given = GIVEN[i % GIVEN.length] as string;
  const family = FAMILY[(i * 7) % FAMILY.length] as string;
  const hasPhone = i % 3 === 0;
  return [
    // Some exports keep the login name's case; the directory compares names case-insensitively.
    i % 4 === 0 ? sampleUsername(i).toUpperCase() : sampleUsername(i),
    format ? ((hashes[format][i % SALTS_PER_FORMAT] as string) ?? '') : '',
    i % 5 === 0 ? `  ${sampleEmail(i)} ` : sampleEmail(i),
    TRUTHY[i % TRUTHY.length] as string,
    hasPhone ? `+1555${String(i % 10_000_000).padStart(7, '0')}` : '',
    hasPhone ? (i % 2 === 0 ? 'true' : 'no') : '',
    given,
    family,
    `${given} ${family}`,
    '',
    i % 6 === 0 ? given.toLowerCase() : '',
    '',
    '',
    '',
    // Commas, which Cognito's file escapes as \, (a line break would be refused: one user per line).
    i % 8 === 0 ? `${i} Main Street, Springfield, IL` : '',
    LOCALES[i % LOCALES.length] as string,
    sampleBirthdate(i),
    sampleUpdatedAt(i),
    'false',
    '',
  ];
}

/** One row per kind of rejection the default pool settings produce, after the good users. */
export function badRows(hash: string): Array<{ reason: string; row: string[] }> {
  const base = (username: string, email: string) => {
    const row: string[] = SAMPLE_COLUMNS.map(() => '');
    row[0] = username;
    row[1] = hash;
    row[2] = email;
    row[3] = 'true';
    return row;
  };
  const set = (row: string[], column: (typeof SAMPLE_COLUMNS)[number], value: string) => {
    row[SAMPLE_COLUMNS.indexOf(column)] = value;
    return row;
  };
  const long = 'x'.repeat(2_000);
  const rowTooLong = base('bad.row-too-long', 'bad.row-too-long@example.com');
  for (const column of [
    'given_name',
    'family_name',
    'name',
    'middle_name',
    'nickname',
    'profile',
    'picture',
    'website',
    'address',
  ] as const) {
    set(rowTooLong, column, long);
  }
  return [
    // First, so the rows after it start a line further down (editor lines, not records).
    {
      reason: 'value-line-break',
      row: set(base('bad.line-break', 'bad.line-break@example.com'), 'address', '1 Main Street\nSpringfield, IL'),
    },
    { reason: 'username-invalid', row: base('bad user', 'bad.whitespace@example.com') },
    { reason: 'username-missing', row: base('', 'bad.missing@example.com') },
    { reason: 'username-duplicate', row: base(sampleUsername(0), 'bad.duplicate-name@example.com') },
    { reason: 'email-invalid', row: base('bad.email', 'not-an-address') },
    { reason: 'phone-invalid', row: set(base('bad.phone', 'bad.phone@example.com'), 'phone_number', '555-0100') },
    { reason: 'boolean-invalid', row: set(base('bad.boolean', 'bad.boolean@example.com'), 'email_verified', 'maybe') },
    { reason: 'attribute-too-long', row: set(base('bad.long', 'bad.long@example.com'), 'nickname', 'y'.repeat(2_049)) },
    { reason: 'required-missing', row: base('bad.no-email', '') },
    { reason: 'custom-undeclared', row: set(base('bad.custom', 'bad.custom@example.com'), 'custom:tenant', 'acme') },
    {
      reason: 'no-verified-contact',
      row: set(base('bad.unverified', 'bad.unverified@example.com'), 'email_verified', 'false'),
    },
    { reason: 'mfa-inconsistent', row: set(base('bad.mfa', 'bad.mfa@example.com'), 'mfa_enabled', 'true') },
    {
      reason: 'hash-unrecognised',
      row: set(base('bad.hash', 'bad.hash@example.com'), 'password_hash', 'md5$5f4dcc3b5aa765d61d8327deb882cf99'),
    },
    {
      // Argon2 version 16 (no v=, as libraries before Argon2 1.3 wrote it): known, but not verifiable here.
      reason: 'hash-unverifiable',
      row: set(
        base('bad.hash-version', 'bad.hash-version@example.com'),
        'password_hash',
        '$argon2i$m=65536,t=2,p=1$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ',
      ),
    },
    { reason: 'email-duplicate', row: base('bad.duplicate-email', sampleEmail(1).toUpperCase()) },
    { reason: 'row-too-long', row: rowTooLong },
    {
      reason: 'value-backslash',
      row: set(base('bad.backslash', 'bad.backslash@example.com'), 'nickname', 'back\\slash'),
    },
    { reason: 'value-quote', row: set(base('bad.quote', 'bad.quote@example.com'), 'nickname', 'the "quoted" one') },
    {
      reason: 'birthdate-invalid',
      row: set(base('bad.birthdate', 'bad.birthdate@example.com'), 'birthdate', '31/12/1985'),
    },
    {
      reason: 'updated-at-invalid',
      row: set(base('bad.updated-at', 'bad.updated-at@example.com'), 'updated_at', '2024-01-15 10:00'),
    },
    { reason: 'column-count', row: ['bad.short-row', hash, 'bad.short@example.com'] },
  ];
}

export interface SampleResult {
  users: number;
  badRows: number;
  seconds: number;
}

/** Writes `users` good users and the bad rows to `file`. */
export async function writeSample(
  file: string,
  users: number,
  /** Hashes made before (sampleHashes), for a caller that writes several samples or needs fewer salts. */
  made?: Record<SampleFormat, string[]>,
): Promise<SampleResult> {
  const started = performance.now();
  const hashes = made ?? (await sampleHashes());
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(stringify([[...SAMPLE_COLUMNS]], { record_delimiter: 'unix' }));
  const chunk = 2_000;
  for (let from = 0; from < users; from += chunk) {
    const rows: string[][] = [];
    for (let i = from; i < Math.min(users, from + chunk); i += 1) rows.push(userRow(i, hashes));
    await write(stringify(rows, { record_delimiter: 'unix' }));
  }
  const bad = badRows(hashes['bcrypt-2b'][0] as string);
  await write(
    stringify(
      bad.map((b) => b.row),
      { record_delimiter: 'unix' },
    ),
  );
  out.end();
  await once(out, 'finish');
  return { users, badRows: bad.length, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

async function main(): Promise<number> {
  let values: { users?: string; out?: string };
  try {
    ({ values } = parseArgs({ options: { users: { type: 'string' }, out: { type: 'string' } } }));
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 2;
  }
  const users = Number(values.users);
  if (!values.out || !Number.isInteger(users) || users < 0) {
    process.stderr.write('usage: npm run import:sample -- --users <n> --out <file.csv>\n');
    return 2;
  }
  const result = await writeSample(values.out, users);
  process.stdout.write(
    `wrote ${result.users} users and ${result.badRows} deliberately bad rows to ${values.out} in ${result.seconds} s\n` +
      `passwords (every user whose hash has this format; every tenth user has no hash and must reset):\n` +
      SAMPLE_FORMATS.map((format) => `  ${format.padEnd(14)} ${SAMPLE_PASSWORDS[format]}`).join('\n') +
      '\n',
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
