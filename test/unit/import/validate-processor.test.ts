import { cognitoFields, cognitoFileName, cognitoLine, fitsInFile } from '../../../shared/import/cognito-csv.ts';
import { resolveColumns } from '../../../shared/import/columns.ts';
import { DEFAULT_POOL_SETTINGS, poolSettings, type PoolSettings } from '../../../shared/import/pool.ts';
import { createRowProcessor, type RowInput } from '../../../shared/import/processor.ts';
import { expectedRows } from '../../../shared/import/run.ts';
import { HashSet64 } from '../../../shared/import/unique.ts';
import { validateRow } from '../../../shared/import/validate.ts';

const HEADER = [
  'username',
  'password_hash',
  'email',
  'email_verified',
  'phone_number',
  'phone_number_verified',
  'given_name',
  'mfa_enabled',
  'custom:tenant',
];
const BCRYPT = '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234';
const columns = resolveColumns(HEADER);

function row(values: Partial<Record<(typeof HEADER)[number], string>>): string[] {
  const base: Record<string, string> = {
    username: 'jana',
    password_hash: BCRYPT,
    email: 'jana@example.com',
    email_verified: 'true',
  };
  return HEADER.map((name) => values[name] ?? base[name] ?? '');
}

const verdict = (fields: string[], settings: PoolSettings = DEFAULT_POOL_SETTINGS) => {
  const result = validateRow(fields, columns, settings);
  return result.ok ? 'ok' : `${result.reason} @ ${result.column}`;
};

describe('validateRow: Cognito rules per row', () => {
  it('accepts a complete row and keeps its attributes with booleans as true/false', () => {
    const result = validateRow(row({ given_name: '  Jana ', email_verified: 'YES' }), columns, DEFAULT_POOL_SETTINGS);
    expect(result).toEqual({
      ok: true,
      user: {
        username: 'jana',
        attributes: { email: 'jana@example.com', email_verified: 'true', given_name: 'Jana' },
        passwordHash: BCRYPT,
        mfaEnabled: false,
      },
    });
  });

  it.each([
    [{ username: '' }, 'username-missing @ username'],
    [{ username: 'jana novak' }, 'username-invalid @ username'],
    [{ email_verified: 'maybe' }, 'boolean-invalid @ email_verified'],
    [{ email: 'jana.example.com' }, 'email-invalid @ email'],
    [{ phone_number: '0170 1234567' }, 'phone-invalid @ phone_number'],
    [{ given_name: 'x'.repeat(2049) }, 'attribute-too-long @ given_name'],
    [{ email: '', email_verified: '' }, 'required-missing @ email'],
    [{ 'custom:tenant': 'acme' }, 'custom-undeclared @ custom:tenant'],
    [{ email_verified: 'false' }, 'no-verified-contact @ email'],
    [{ mfa_enabled: 'true' }, 'mfa-inconsistent @ mfa_enabled'],
    [{ mfa_enabled: 'perhaps' }, 'boolean-invalid @ mfa_enabled'],
    [{ password_hash: '5f4dcc3b5aa765d61d8327deb882cf99' }, 'hash-unrecognised @ password_hash'],
    // Known formats migrate-user would refuse at sign-in: Argon2 version 16 (no v=), a bcrypt cost over its limit.
    [
      { password_hash: '$argon2i$m=65536,t=2,p=1$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ' },
      'hash-unverifiable @ password_hash',
    ],
    [{ password_hash: BCRYPT.replace(/^\$2b\$\d\d\$/u, '$2b$20$') }, 'hash-unverifiable @ password_hash'],
    // Too weak to trust, a reason of its own: a 1-byte PBKDF2 digest lets 1 wrong password in 256 sign in.
    [{ password_hash: '$pbkdf2-sha256$i=600000,l=1$++++//8AwP/uASNFZ4mrzQ$6w' }, 'hash-weak @ password_hash'],
    [{ password_hash: 'pbkdf2_sha256$600000$Na0mISalt2026xyz$6dTFmBGWh7wJ' }, 'hash-weak @ password_hash'],
    [
      { password_hash: '$pbkdf2-sha256$i=1,l=32$++++//8AwP/uASNFZ4mrzQ$6dTFmBGWh7wJyYtykgl/FZcrGzS0VKlRZs3TYp9Cu0k' },
      'hash-weak @ password_hash',
    ],
  ])('rejects %p: %s', (values, expected) => {
    expect(verdict(row(values))).toBe(expected);
  });

  it('accepts the PHC string form of PBKDF2 ($pbkdf2-sha256$i=..,l=..$, standard base64)', () => {
    const hash = '$pbkdf2-sha256$i=600000,l=32$++++//8AwP/uASNFZ4mrzQ$6dTFmBGWh7wJyYtykgl/FZcrGzS0VKlRZs3TYp9Cu0k';
    expect(verdict(row({ password_hash: hash }))).toBe('ok');
  });

  it('accepts a row without a hash (the user will reset) and a custom attribute the pool declares', () => {
    expect(verdict(row({ password_hash: '' }))).toBe('ok');
    expect(verdict(row({ 'custom:tenant': 'acme' }), poolSettings({ customAttributes: ['tenant'] }))).toBe('ok');
  });

  it('rejects a row with a different number of fields than the header', () => {
    expect(verdict(['jana', BCRYPT])).toBe('column-count @ ');
  });

  it('takes a verified phone as the contact when the pool auto-verifies phones', () => {
    const settings = poolSettings({ autoVerifiedAttributes: ['email', 'phone_number'], requiredAttributes: [] });
    expect(
      verdict(
        row({ email: '', email_verified: '', phone_number: '+15555550100', phone_number_verified: '1' }),
        settings,
      ),
    ).toBe('ok');
    expect(
      verdict(
        row({ email: '', email_verified: '', phone_number: '+15555550100', phone_number_verified: 'no' }),
        settings,
      ),
    ).toBe('no-verified-contact @ email|phone_number');
  });

  it("keeps MFA consistent with the pool's setting", () => {
    const on = poolSettings({ mfa: 'ON' });
    const optional = poolSettings({ mfa: 'OPTIONAL' });
    const phone = { phone_number: '+15555550100' };
    expect(verdict(row({ ...phone, mfa_enabled: 'false' }), on)).toBe('mfa-inconsistent @ mfa_enabled');
    expect(verdict(row({ ...phone }), on)).toBe('ok');
    expect(verdict(row({ mfa_enabled: 'true' }), optional)).toBe('mfa-needs-phone @ mfa_enabled');
    expect(verdict(row({ ...phone, mfa_enabled: 'true' }), optional)).toBe('ok');
    expect(verdict(row({ mfa_enabled: 'no' }), optional)).toBe('ok');
  });
});

describe('the row-batch processor', () => {
  const rows = (...fields: string[][]): RowInput[] => fields.map((f, i) => ({ line: i + 2, fields: f }));
  const processor = (settings: PoolSettings = DEFAULT_POOL_SETTINGS) =>
    createRowProcessor({ columns, settings, importedAt: '2026-01-01T00:00:00.000Z' });

  it('answers directory items of exactly the contract shape and the Cognito line of each accepted row', () => {
    const { accepted, rejected } = processor().processBatch(
      rows(
        row({ username: 'Jana', email: ' Jana@Example.com ' }),
        row({ username: 'ota', email: 'ota@example.com', password_hash: '' }),
      ),
    );
    expect(rejected).toEqual([]);
    expect(accepted[0]?.item).toEqual({
      username: 'jana',
      usernameAsGiven: 'Jana',
      email: 'jana@example.com',
      attributes: { email: 'Jana@Example.com', email_verified: 'true' },
      passwordHash: BCRYPT,
      mfaEnabled: false,
      importedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(Object.keys(accepted[1]?.item ?? {})).not.toContain('passwordHash');
    expect(accepted[0]?.cognitoLine).toBe(
      cognitoLine(
        cognitoFields(
          {
            username: 'Jana',
            attributes: { email: 'Jana@Example.com', email_verified: 'true' },
            passwordHash: BCRYPT,
            mfaEnabled: false,
          },
          DEFAULT_POOL_SETTINGS.csvHeader,
        ),
        DEFAULT_POOL_SETTINGS.csvHeader,
      ),
    );
    expect(accepted[0]?.cognitoLine).toContain('Jana@Example.com,TRUE,');
    expect(accepted[0]?.cognitoLine.endsWith(',FALSE,Jana')).toBe(true);
  });

  it('rejects a user name seen before in any case, across batches; a rejected row claims nothing', () => {
    const p = processor();
    expect(p.processBatch(rows(row({ username: 'jana', email: 'not-an-address' }))).accepted).toHaveLength(0);
    expect(p.processBatch(rows(row({ username: 'jana' }))).accepted).toHaveLength(1);
    const { rejected } = p.processBatch(rows(row({ username: 'JANA', email: 'other@example.com' })));
    expect(rejected).toEqual([{ line: 2, column: 'username', reason: 'username-duplicate', username: 'JANA' }]);
  });

  it('rejects an e-mail or phone seen before only when users sign in with it', () => {
    const withEmail = processor();
    withEmail.processBatch(rows(row({ username: 'a', email: 'same@example.com' })));
    expect(withEmail.processBatch(rows(row({ username: 'b', email: 'SAME@example.com' }))).rejected[0]?.reason).toBe(
      'email-duplicate',
    );

    const plain = poolSettings({ usernameAttributes: [] });
    const byName = processor(plain);
    byName.processBatch(rows(row({ username: 'a', email: 'same@example.com' })));
    expect(byName.processBatch(rows(row({ username: 'b', email: 'same@example.com' }))).accepted).toHaveLength(1);

    const phones = processor(poolSettings({ usernameAttributes: [], aliasAttributes: ['phone_number'] }));
    phones.processBatch(rows(row({ username: 'a', phone_number: '+15555550100' })));
    expect(phones.processBatch(rows(row({ username: 'b', phone_number: '+15555550100' }))).rejected[0]?.reason).toBe(
      'phone-duplicate',
    );
  });

  it('rejects a user whose Cognito row would pass 16,000 characters', () => {
    const settings = poolSettings({ customAttributes: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] });
    const header = ['username', 'email', 'email_verified', ...settings.customAttributes];
    const wide = createRowProcessor({ columns: resolveColumns(header), settings, importedAt: 'x' });
    const fields = ['wide', 'wide@example.com', 'true', ...settings.customAttributes.map(() => 'z'.repeat(2_000))];
    expect(wide.processBatch([{ line: 7, fields }]).rejected).toEqual([
      { line: 7, column: '', reason: 'row-too-long', username: 'wide' },
    ]);
  });
});

describe('Cognito CSV conventions', () => {
  it('fills the header columns in order, booleans TRUE/FALSE, cognito:username and cognito:mfa_enabled', () => {
    const fields = cognitoFields(
      {
        username: 'Jana',
        attributes: { email: 'j@example.com', email_verified: 'true' },
        passwordHash: undefined,
        mfaEnabled: true,
      },
      ['email', 'email_verified', 'phone_number_verified', 'name', 'cognito:mfa_enabled', 'cognito:username'],
    );
    expect(fields).toEqual(['j@example.com', 'TRUE', 'FALSE', '', 'TRUE', 'Jana']);
  });

  it('starts a new file before 500,000 users or 100 MB', () => {
    expect(fitsInFile({ bytes: 100, users: 499_999 }, 50)).toBe(true);
    expect(fitsInFile({ bytes: 100, users: 500_000 }, 50)).toBe(false);
    expect(fitsInFile({ bytes: 99_999_950, users: 1 }, 50)).toBe(true);
    expect(fitsInFile({ bytes: 99_999_951, users: 1 }, 50)).toBe(false);
    expect(cognitoFileName(1)).toBe('cognito-import-0001.csv');
    expect(cognitoFileName(12)).toBe('cognito-import-0012.csv');
  });
});

describe('HashSet64', () => {
  it('knows every value added, through growth, and only those', () => {
    const set = new HashSet64(16);
    for (let i = 0; i < 50_000; i += 1) expect(set.add(`user${i}@example.com`)).toBe(true);
    expect(set.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 1) expect(set.has(`user${i}@example.com`)).toBe(true);
    expect(set.add('user7@example.com')).toBe(false);
    let falseHits = 0;
    for (let i = 50_000; i < 100_000; i += 1) if (set.has(`user${i}@example.com`)) falseHits += 1;
    expect(falseHits).toBe(0);
    // 8 bytes a slot, at most 3/4 full, grown in steps of 1.5x: between 4/3 and 2 slots a value.
    expect(set.bytes).toBeGreaterThanOrEqual((50_000 / 0.75) * 8);
    expect(set.bytes).toBeLessThanOrEqual((50_000 / 0.75) * 1.5 * 8 + 64);
  });

  it('takes all the room it was told of at once, and never grows for those values', () => {
    const set = new HashSet64(16);
    set.reserve(30_000);
    const reserved = set.bytes;
    // Sized to the estimate, not rounded up to a power of two.
    expect(reserved).toBeLessThanOrEqual(Math.ceil(30_000 / 0.75 + 1) * 8);
    for (let i = 0; i < 30_000; i += 1) expect(set.add(`user${i}@example.com`)).toBe(true);
    expect(set.bytes).toBe(reserved);
    for (let i = 0; i < 30_000; i += 1) expect(set.has(`user${i}@example.com`)).toBe(true);
    expect(set.has('user30000@example.com')).toBe(false);
    set.reserve(10);
    expect(set.bytes).toBe(reserved);
    // Past the estimate it still grows, keeping every value.
    for (let i = 30_000; i < 45_000; i += 1) set.add(`user${i}@example.com`);
    expect(set.bytes).toBeGreaterThan(reserved);
    for (let i = 0; i < 45_000; i += 1) expect(set.has(`user${i}@example.com`)).toBe(true);
  });
});

describe('expectedRows', () => {
  it('scales the rows read by the bytes left, with a tenth to spare', () => {
    expect(expectedRows(2_000, 400_000, 200_000_000)).toBe(1_100_000);
    expect(expectedRows(0, 0, 1_000)).toBe(0);
  });
});

describe('the row processor told how many rows will come', () => {
  it('still finds duplicates after reserving', () => {
    const processor = createRowProcessor({
      columns: resolveColumns(['username', 'email', 'email_verified']),
      settings: DEFAULT_POOL_SETTINGS,
      importedAt: '2026-01-01T00:00:00.000Z',
    });
    processor.processBatch([{ line: 2, fields: ['alice', 'alice@example.com', 'true'] }]);
    processor.reserve(100_000);
    const { accepted, rejected } = processor.processBatch([
      { line: 3, fields: ['ALICE', 'other@example.com', 'true'] },
      { line: 4, fields: ['bob', 'Alice@Example.com', 'true'] },
      { line: 5, fields: ['carol', 'carol@example.com', 'true'] },
    ]);
    expect(rejected.map((row) => row.reason)).toEqual(['username-duplicate', 'email-duplicate']);
    expect(accepted.map((row) => row.line)).toEqual([5]);
  });
});
