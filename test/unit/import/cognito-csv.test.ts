/**
 * The Cognito import file's format (the developer guide, "Creating the user import .csv file" >
 * "Formatting the .csv file"): what the processor writes for each accepted row, read back by the local
 * job server's reader of that format (test/helpers/cognito-import-file.ts, not csv-parse).
 */
import fc from 'fast-check';
import {
  cognitoFields,
  cognitoHeaderLine,
  cognitoLine,
  escapeCognitoValue,
  unwritable,
} from '../../../shared/import/cognito-csv.ts';
import { resolveColumns } from '../../../shared/import/columns.ts';
import { DEFAULT_POOL_SETTINGS, poolSettings } from '../../../shared/import/pool.ts';
import { createRowProcessor } from '../../../shared/import/processor.ts';
import { parseBirthdate, parseUpdatedAt, trimValue } from '../../../shared/import/values.ts';
import { readCognitoImportFile } from '../../helpers/cognito-import-file.ts';

const INPUT = [
  'username',
  'email',
  'email_verified',
  'given_name',
  'family_name',
  'nickname',
  'address',
  'birthdate',
  'updated_at',
];
const HEADER = DEFAULT_POOL_SETTINGS.csvHeader;

type Row = Partial<Record<(typeof INPUT)[number], string>>;

function fieldsOf(values: Row): string[] {
  const base: Row = { username: 'jana', email: 'jana@example.com', email_verified: 'true', ...values };
  return INPUT.map((name) => base[name] ?? '');
}

/** The processor's verdict on one row at `line`, and its Cognito line read back as Cognito reads a file. */
function process(values: Row, line = 2) {
  const processor = createRowProcessor({
    columns: resolveColumns(INPUT),
    settings: DEFAULT_POOL_SETTINGS,
    importedAt: '2026-01-01T00:00:00.000Z',
  });
  const { accepted, rejected } = processor.processBatch([{ line, fields: fieldsOf(values) }]);
  const written = accepted[0]?.cognitoLine;
  const read = written === undefined ? undefined : readCognitoImportFile(`${HEADER.join(',')}\n${written}\n`, HEADER);
  return { accepted, rejected, written, read, user: read?.users[0]?.values };
}

describe('values in the file', () => {
  it('writes a comma inside a value as \\, and never quotes', () => {
    const { written, read, user } = process({ family_name: "O'Brien, Jr.", address: '1 Main St, Springfield, IL' });
    expect(written).toContain("O'Brien\\, Jr.");
    expect(written).toContain('1 Main St\\, Springfield\\, IL');
    expect(written).not.toContain('"');
    expect(read?.failures).toEqual([]);
    expect(user).toMatchObject({ family_name: "O'Brien, Jr.", address: '1 Main St, Springfield, IL' });
  });

  it('escapes a comma at either end of a value and a value that is only a comma', () => {
    expect(escapeCognitoValue(',a,')).toBe('\\,a\\,');
    const { user, read } = process({ given_name: ',', nickname: 'Doe,', address: ',1 Main St' });
    expect(read?.failures).toEqual([]);
    expect(user).toMatchObject({ given_name: ',', nickname: 'Doe,', address: ',1 Main St' });
  });

  it('writes a user name with a comma escaped, as cognito:username reads it back', () => {
    const { user, read } = process({ username: 'smith,j' });
    expect(read?.failures).toEqual([]);
    expect(user?.['cognito:username']).toBe('smith,j');
  });

  it('trims white space at the ends as any reader would (spaces, tabs, NBSP, ideographic space, controls)', () => {
    const { user, written, read } = process({
      given_name: ' \tJana\u00a0',
      family_name: '\u3000Nováková\u0001',
      nickname: '\ufeffjn ',
    });
    expect(read?.failures).toEqual([]);
    expect(user).toMatchObject({ given_name: 'Jana', family_name: 'Nováková', nickname: 'jn' });
    expect(written).toContain(',Jana,Nováková,');
    expect(trimValue('\u0085 a b \u180e')).toBe('a b');
  });

  it('keeps Unicode as it is: accents, combining marks, CJK, emoji', () => {
    const values = { given_name: 'Zoë', family_name: 'e\u0301clair', nickname: '山田😀', address: 'Straße 1, Köln' };
    const { user, read } = process(values);
    expect(read?.failures).toEqual([]);
    expect(user).toMatchObject(values);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
    ['VT', '\v'],
    ['FF', '\f'],
    ['NEL', '\u0085'],
    ['LS', '\u2028'],
    ['PS', '\u2029'],
  ])('rejects a value holding a line break (%s) at its line: one user per line', (_, nl) => {
    const { accepted, rejected } = process({ address: `1 Main St${nl}Springfield` }, 7);
    expect(accepted).toEqual([]);
    expect(rejected).toEqual([{ line: 7, column: 'address', reason: 'value-line-break', username: 'jana' }]);
  });

  it('rejects a backslash anywhere (the guide defines only \\, ), in a value or a user name', () => {
    expect(process({ nickname: 'C:\\Users' }, 3).rejected).toEqual([
      { line: 3, column: 'nickname', reason: 'value-backslash', username: 'jana' },
    ]);
    expect(process({ nickname: 'ends with\\' }).rejected[0]?.reason).toBe('value-backslash');
    expect(process({ username: 'dom\\user' }).rejected[0]).toMatchObject({
      column: 'username',
      reason: 'value-backslash',
    });
    // What an already escaped comma in the export would become: refused, not doubled into \\, .
    expect(process({ address: 'a\\,b' }).rejected[0]?.reason).toBe('value-backslash');
  });

  it('rejects a quotation mark in a value (values are not in quotation marks)', () => {
    expect(process({ nickname: 'the "quoted" one' }, 4).rejected).toEqual([
      { line: 4, column: 'nickname', reason: 'value-quote', username: 'jana' },
    ]);
    expect(unwritable("O'Brien")).toBeUndefined();
  });

  it('counts the row limit on the line as written, escapes included', () => {
    const settings = poolSettings({ customAttributes: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] });
    const header = ['username', 'email', 'email_verified', ...settings.customAttributes];
    const processor = createRowProcessor({ columns: resolveColumns(header), settings, importedAt: 'x' });
    const fill = (text: string) => ['wide', 'wide@example.com', 'true', ...settings.customAttributes.map(() => text)];
    const plain = processor.processBatch([{ line: 2, fields: fill('z'.repeat(1_990)) }]);
    const length = plain.accepted[0]?.cognitoLine.length ?? Infinity;
    expect(length).toBeLessThanOrEqual(16_000);
    // The same number of characters in the export, a few of them commas: each is two in the file.
    const commas = Math.floor((16_000 - length) / 8) + 1;
    const value = ','.repeat(commas) + 'z'.repeat(1_990 - commas);
    const escaped = processor.processBatch([{ line: 3, fields: fill(value) }]);
    expect(escaped.rejected).toEqual([{ line: 3, column: '', reason: 'row-too-long', username: 'wide' }]);
  });

  it('writes the header as it is and refuses one that is not a header', () => {
    expect(cognitoHeaderLine(HEADER)).toBe(HEADER.join(','));
    expect(() => cognitoHeaderLine(['a,b', 'cognito:username'])).toThrow(/not a Cognito CSV header/);
    expect(cognitoLine(['a', 'b\nc'], ['x', 'cognito:username'])).toEqual({
      column: 'username',
      reason: 'value-line-break',
    });
  });
});

describe('birthdate: mm/dd/yyyy in the file', () => {
  it.each([
    ['1985-02-01', '1985-02-01', '02/01/1985'],
    ['02/01/1985', '1985-02-01', '02/01/1985'],
    ['2000-02-29', '2000-02-29', '02/29/2000'],
  ])('%s → %s in the directory, %s in the file', (input, iso, inFile) => {
    expect(parseBirthdate(input)).toBe(iso);
    const { accepted, user, read } = process({ birthdate: input });
    expect(accepted[0]?.item.attributes.birthdate).toBe(iso);
    expect(read?.failures).toEqual([]);
    expect(user?.birthdate).toBe(inFile);
  });

  it.each(['1985-2-1', '13/01/1985', '31/12/1985', '1985-02-30', '1900-02-29', '02/01/85', '1985', '--02-01', 'soon'])(
    'rejects %s as birthdate-invalid',
    (input) => {
      expect(parseBirthdate(input)).toBeNull();
      expect(process({ birthdate: input }, 5).rejected).toEqual([
        { line: 5, column: 'birthdate', reason: 'birthdate-invalid', username: 'jana' },
      ]);
    },
  );
});

describe('updated_at: epoch seconds in the file', () => {
  it.each([
    ['1471453471', '1471453471'],
    ['0', '0'],
    ['99999999999', '99999999999'],
    ['1471453471000', '1471453471'],
    ['1471453471999', '1471453471'],
    ['100000000000', '100000000'],
    ['2016-08-17T17:04:31Z', '1471453471'],
    ['2016-08-17T17:04:31.999Z', '1471453471'],
    ['2016-08-17T19:04:31+02:00', '1471453471'],
    ['2016-08-17 12:04:31-0500', '1471453471'],
    ['2016-08-17T17:04Z', '1471453440'],
  ])('%s → %s', (input, seconds) => {
    expect(parseUpdatedAt(input)).toBe(seconds);
    const { user, read } = process({ updated_at: input });
    expect(read?.failures).toEqual([]);
    expect(user?.updated_at).toBe(seconds);
  });

  it.each([
    '2016-08-17T17:04:31',
    '2016-08-17',
    '2016-02-30T00:00:00Z',
    '2016-08-17T24:00:00Z',
    '1969-12-31T23:59:59Z',
    '1970-01-01T00:30:00+01:00',
    '1471453471.5',
    '-1',
    '100000000000000',
    'yesterday',
  ])('rejects %s as updated-at-invalid', (input) => {
    expect(parseUpdatedAt(input)).toBeNull();
    expect(process({ updated_at: input }, 6).rejected).toEqual([
      { line: 6, column: 'updated_at', reason: 'updated-at-invalid', username: 'jana' },
    ]);
  });
});

describe('written, then read back as Cognito reads it', () => {
  const chars = [
    'a',
    'Z',
    '0',
    '.',
    '-',
    ',',
    ' ',
    '\t',
    '\\',
    '"',
    "'",
    '\n',
    '\r',
    '\u00a0',
    'é',
    'e\u0301',
    '山',
    '😀',
    '\u2028',
  ];
  const text = fc.string({ unit: fc.constantFrom(...chars), maxLength: 24 });
  const username = fc.string({
    unit: fc.constantFrom('a', 'Z', '9', '.', ',', '\\', '"', 'é', '😀', ' '),
    minLength: 1,
    maxLength: 12,
  });

  it('gives every accepted row its values back, trimmed; refuses only what cannot be written', () => {
    fc.assert(
      fc.property(username, text, text, text, text, (name, given, family, nickname, address) => {
        const values = { username: name, given_name: given, family_name: family, nickname, address };
        const { accepted, rejected, read, user } = process(values);
        if (accepted.length === 0) {
          const reason = rejected[0]?.reason;
          expect(['username-invalid', 'value-line-break', 'value-backslash', 'value-quote']).toContain(reason);
          return;
        }
        expect(read?.failures).toEqual([]);
        const item = accepted[0]?.item;
        expect(user).toEqual(
          Object.fromEntries(
            HEADER.map((column, i) => [
              column,
              cognitoFields(
                {
                  username: item?.usernameAsGiven ?? '',
                  attributes: item?.attributes ?? {},
                  passwordHash: undefined,
                  mfaEnabled: false,
                },
                HEADER,
              )[i],
            ]),
          ),
        );
        for (const [column, value] of Object.entries(values)) {
          if (column === 'username') expect(user?.['cognito:username']).toBe(value);
          else expect([column, user?.[column]]).toEqual([column, trimValue(value)]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
