/**
 * Cognito's user import file, held to the Amazon Cognito Developer Guide: "Creating the user import .csv
 * file" (doc_source/cognito-user-pools-using-import-tool-csv-header.md), its section "Formatting the .csv
 * file": the rules and the complete sample file, transcribed below as the guide gives them. Each test
 * names the rule it rests on. The import writes through `npm run import`'s run (the deployed import
 * replays the same processor's lines, test/unit/import/s3-map.test.ts); the files are read back with the
 * local job server's reader of the guide's format (test/helpers/cognito-import-file.ts), never csv-parse.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { COGNITO_FILE_LIMITS, fitsInFile } from '../../shared/import/cognito-csv.ts';
import { poolSettings, type PoolSettings } from '../../shared/import/pool.ts';
import { runImport } from '../../shared/import/run.ts';
import { readCognitoImportFile } from '../helpers/cognito-import-file.ts';

/** "The downloaded user import .csv header file looks like this:" */
const GUIDE_HEADER =
  'cognito:username,name,given_name,family_name,middle_name,nickname,preferred_username,profile,picture,website,email,email_verified,gender,birthdate,zoneinfo,locale,phone_number,phone_number_verified,address,updated_at,cognito:mfa_enabled';

/** "A complete sample user import .csv file looks like this:" */
const GUIDE_SAMPLE = [
  GUIDE_HEADER,
  'John,,John,Doe,,,,,,,johndoe@example.com,TRUE,,02/01/1985,,,+12345550100,TRUE,123 Any Street,,FALSE',
  'Jane,,Jane,Roe,,,,,,,janeroe@example.com,TRUE,,01/01/1985,,,+12345550199,TRUE,100 Main Street,,FALSE',
].join('\n');

/** The guide's pool: GetCSVHeader's columns in the downloaded order, e-mail and phone auto-verified, MFA off. */
const SETTINGS: PoolSettings = poolSettings({
  csvHeader: GUIDE_HEADER.split(','),
  usernameAttributes: [],
  autoVerifiedAttributes: ['email', 'phone_number'],
  requiredAttributes: [],
  mfa: 'OFF',
});

const EXPORT_HEADER = [
  'username',
  'given_name',
  'family_name',
  'email',
  'email_verified',
  'birthdate',
  'phone_number',
  'phone_number_verified',
  'address',
  'updated_at',
  'nickname',
  'name',
  'middle_name',
  'profile',
  'picture',
  'website',
  'mfa_enabled',
];
type ExportRow = Partial<Record<(typeof EXPORT_HEADER)[number], string>>;

const JOHN: ExportRow = {
  username: 'John',
  given_name: 'John',
  family_name: 'Doe',
  email: 'johndoe@example.com',
  email_verified: 'true',
  birthdate: '1985-02-01',
  phone_number: '+12345550100',
  phone_number_verified: 'true',
  address: '123 Any Street',
};
const JANE: ExportRow = {
  ...JOHN,
  username: 'Jane',
  family_name: 'Roe',
  given_name: 'Jane',
  email: 'janeroe@example.com',
  birthdate: '01/01/1985',
  phone_number: '+12345550199',
  address: '100 Main Street',
};

const dir = mkdtempSync(join(tmpdir(), 'conformance-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let runs = 0;

/** Runs the import (dry run) over the rows; answers the first Cognito file's bytes and the rejects. */
async function imported(rows: ExportRow[], settings: PoolSettings = SETTINGS) {
  runs += 1;
  const input = join(dir, `export-${runs}.csv`);
  const out = join(dir, `out-${runs}`);
  writeFileSync(
    input,
    stringify([EXPORT_HEADER, ...rows.map((row) => EXPORT_HEADER.map((name) => row[name] ?? ''))], {
      record_delimiter: 'unix',
    }),
  );
  const { summary } = await runImport({ input, out, settings });
  const file = summary.files[0] === undefined ? undefined : readFileSync(join(out, summary.files[0]));
  const rejects = readFileSync(join(out, 'rejects.csv'), 'utf8').trim().split('\n').slice(1);
  const read = file && readCognitoImportFile(file.toString('utf8'), settings.csvHeader);
  return { file, text: file?.toString('utf8'), rejects, read, users: read ? read.users.map((u) => u.values) : [] };
}

describe('Formatting the .csv file: "A complete sample user import .csv file"', () => {
  it("the guide's sample reads as two users with no failing line", () => {
    const read = readCognitoImportFile(`${GUIDE_SAMPLE}\n`, GUIDE_HEADER.split(','));
    expect(read.failures).toEqual([]);
    expect(read.users.map((user) => user.values)).toEqual([
      expect.objectContaining({ 'cognito:username': 'John', birthdate: '02/01/1985', address: '123 Any Street' }),
      expect.objectContaining({
        'cognito:username': 'Jane',
        phone_number: '+12345550199',
        'cognito:mfa_enabled': 'FALSE',
      }),
    ]);
  });

  it("the import writes the guide's sample byte for byte from an export of John and Jane", async () => {
    const { text, rejects } = await imported([JOHN, JANE]);
    expect(rejects).toEqual([]);
    expect(text).toBe(`${GUIDE_SAMPLE}\n`);
  });
});

describe('Formatting the .csv file: the rules', () => {
  it('"The first row in the file is the downloaded header row" and "All columns in the header must be present"', async () => {
    const { text } = await imported([JOHN]);
    expect(text?.split('\n')[0]).toBe(GUIDE_HEADER);
    // Every column present in the user's row, empty where there is no value.
    expect(text?.split('\n')[1]?.split(',')).toHaveLength(GUIDE_HEADER.split(',').length);
  });

  it('"The order of columns in the .csv file doesn\'t matter": the pool\'s order is kept, whatever it is', async () => {
    const reversed = poolSettings({ csvHeader: [...SETTINGS.csvHeader].reverse() }, SETTINGS);
    const { text, users, read } = await imported([JOHN], reversed);
    expect(text?.split('\n')[0]).toBe([...SETTINGS.csvHeader].reverse().join(','));
    expect(read?.failures).toEqual([]);
    expect(users[0]).toMatchObject({ 'cognito:username': 'John', birthdate: '02/01/1985' });
  });

  it('"Each row after the first row contains the attribute values for a user": one line each; a line break cannot be written', async () => {
    const { text, rejects } = await imported([JOHN, { ...JANE, address: '100 Main Street\nSpringfield' }]);
    expect(text?.trimEnd().split('\n')).toHaveLength(2);
    expect(rejects).toEqual(['3,address,value-line-break,Jane']);
  });

  it('"The cognito:username field is required and must be unique within your user pool"', async () => {
    const { users, rejects } = await imported([
      JOHN,
      { ...JANE, username: '' },
      { ...JANE, username: 'john', email: 'other@example.com', phone_number: '+12345550111' },
    ]);
    expect(users.map((user) => user['cognito:username'])).toEqual(['John']);
    expect(rejects).toEqual([
      '3,username,username-missing,',
      // Compared case-insensitively: the stricter reading of "unique", as the pools this imports into are.
      '4,username,username-duplicate,john',
    ]);
  });

  it('"At least one of the auto-verified attributes must be true for each user"', async () => {
    const { users, rejects } = await imported([
      JOHN,
      { ...JANE, email_verified: 'false', phone_number_verified: 'false' },
      { ...JANE, username: 'Jim', email_verified: 'false', phone_number_verified: 'true' },
    ]);
    expect(users.map((user) => [user['cognito:username'], user.email_verified, user.phone_number_verified])).toEqual([
      ['John', 'TRUE', 'TRUE'],
      ['Jim', 'FALSE', 'TRUE'],
    ]);
    expect(rejects).toEqual(['3,email|phone_number,no-verified-contact,Jane']);
  });

  it('"Attribute values that are strings should not be in quotation marks"', async () => {
    const { text, rejects } = await imported([
      { ...JOHN, given_name: 'John, Jr.' },
      { ...JANE, nickname: 'the "quoted" one' },
    ]);
    expect(text).not.toContain('"');
    expect(rejects).toEqual(['3,nickname,value-quote,Jane']);
  });

  it('"If an attribute value contains a comma, you must put a backslash (\\) before the comma"', async () => {
    const { text, users, read } = await imported([{ ...JOHN, address: '123 Any Street, Apt 4, Anytown' }]);
    expect(text).toContain(',123 Any Street\\, Apt 4\\, Anytown,');
    expect(read?.failures).toEqual([]);
    expect(users[0]?.address).toBe('123 Any Street, Apt 4, Anytown');
  });

  it('a backslash: the guide gives it a meaning only before a comma, so a value holding one is refused, not guessed', async () => {
    const { rejects } = await imported([JOHN, { ...JANE, address: 'C:\\Any Street' }]);
    expect(rejects).toEqual(['3,address,value-backslash,Jane']);
  });

  it('"The .csv file contents should be in UTF-8 format without byte order mark"', async () => {
    const { file, users } = await imported([{ ...JOHN, given_name: 'Jöhn', family_name: '山田' }]);
    expect([...(file?.subarray(0, 3) ?? [])]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(file?.includes(Buffer.from('Jöhn,山田', 'utf8'))).toBe(true);
    expect(users[0]).toMatchObject({ given_name: 'Jöhn', family_name: '山田' });
  });

  it('"cognito:username ... can be any Unicode string. However, it cannot contain spaces or tabs"', async () => {
    const { rejects, users } = await imported([
      { ...JOHN, username: 'Jöhn_😀' },
      { ...JANE, username: 'Jane Roe' },
      { ...JANE, username: 'Jane\tRoe', email: 'other@example.com', phone_number: '+12345550111' },
    ]);
    expect(users.map((user) => user['cognito:username'])).toEqual(['Jöhn_😀']);
    // An invalid user name is not written to rejects.csv (issue 18: a shifted row may hold a hash there).
    expect(rejects).toEqual(['3,username,username-invalid,', '4,username,username-invalid,']);
  });

  it('"birthdate ... must be in the format mm/dd/yyyy ... February 1, 1985 must be encoded as 02/01/1985"', async () => {
    const { users, rejects } = await imported([JOHN, { ...JANE, birthdate: '1985-13-01' }]);
    expect(users[0]?.birthdate).toBe('02/01/1985');
    expect(rejects).toEqual(['3,birthdate,birthdate-invalid,Jane']);
  });

  it('"cognito:mfa_enabled ... If you\'ve set MFA to be off, this field must be false ... it can\'t be empty"', async () => {
    const { users } = await imported([JOHN]);
    expect(users[0]?.['cognito:mfa_enabled']).toBe('FALSE');
    const required = await imported([{ ...JOHN, mfa_enabled: 'true' }], poolSettings({ mfa: 'ON' }, SETTINGS));
    expect(required.users[0]?.['cognito:mfa_enabled']).toBe('TRUE');
  });

  it('"The maximum row length is 16,000 characters"', async () => {
    // Nine values of 2,000 characters: each within Cognito's 2,048 for an attribute, the row over 16,000.
    const long = 'x'.repeat(2_000);
    const columns = [
      'given_name',
      'family_name',
      'nickname',
      'address',
      'name',
      'middle_name',
      'profile',
      'picture',
      'website',
    ];
    const { rejects } = await imported([JOHN, { ...JANE, ...Object.fromEntries(columns.map((name) => [name, long])) }]);
    expect(rejects).toEqual(['3,,row-too-long,Jane']);
  });

  it('"The maximum .csv file size is 100 MB" and "The maximum number of rows (users) in the file is 500,000"', () => {
    expect(COGNITO_FILE_LIMITS).toMatchObject({ maxBytes: 100_000_000, maxUsers: 500_000, maxRowChars: 16_000 });
    expect(fitsInFile({ bytes: 1_000, users: 499_999 }, 100)).toBe(true);
    expect(fitsInFile({ bytes: 1_000, users: 500_000 }, 100)).toBe(false);
    expect(fitsInFile({ bytes: 100_000_000 - 100, users: 1 }, 101)).toBe(false);
  });

  it('"The updated_at field value is expected to be epoch time in seconds, for example: 1471453471"', async () => {
    const { users, rejects } = await imported([
      { ...JOHN, updated_at: '1471453471' },
      { ...JANE, updated_at: '2016-08-17T17:04:31Z' },
      { ...JANE, username: 'Jim', email: 'jim@example.com', phone_number: '+12345550122', updated_at: '1471453471000' },
      { ...JANE, username: 'Joe', email: 'joe@example.com', phone_number: '+12345550133', updated_at: 'last week' },
    ]);
    expect(users.map((user) => user.updated_at)).toEqual(['1471453471', '1471453471', '1471453471']);
    expect(rejects).toEqual(['5,updated_at,updated-at-invalid,Joe']);
  });

  it('"Any leading or trailing white space in an attribute value will be trimmed": written trimmed', async () => {
    const { text, users } = await imported([{ ...JOHN, given_name: '  John\t', address: ' 123 Any Street\u00a0' }]);
    expect(text?.split('\n')[1]).toBe(
      'John,,John,Doe,,,,,,,johndoe@example.com,TRUE,,02/01/1985,,,+12345550100,TRUE,123 Any Street,,FALSE',
    );
    expect(users[0]).toMatchObject({ given_name: 'John', address: '123 Any Street' });
  });
});
