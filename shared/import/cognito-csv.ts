/**
 * Cognito's CSV import conventions: exactly the pool's header columns, `cognito:username` and
 * `cognito:mfa_enabled` filled, booleans TRUE/FALSE, UTF-8 without BOM, and per file at most 100 MB,
 * 500,000 users and 16,000 characters a row. Pure: the writer in outputs.ts does the I/O.
 */
import { Stringifier } from 'csv-stringify';
import { stringify } from 'csv-stringify/sync';
import { BOOLEAN_ATTRIBUTES } from './columns.ts';
import type { ValidUser } from './validate.ts';

export interface CognitoFileLimits {
  maxBytes: number;
  maxUsers: number;
  maxRowChars: number;
}

/** 100 MB read as 10^8 bytes, the stricter reading of Cognito's "100 MB". */
export const COGNITO_FILE_LIMITS: CognitoFileLimits = Object.freeze({
  maxBytes: 100_000_000,
  maxUsers: 500_000,
  maxRowChars: 16_000,
});

const TRUE = 'TRUE';
const FALSE = 'FALSE';

/** The fields of one user's row, in header order. */
export function cognitoFields(user: ValidUser, header: readonly string[]): string[] {
  return cognitoRowPlan(header)(user);
}

/**
 * A function filling one row for `header`, decided once per header rather than per row and column:
 * the import calls it a million times.
 */
export function cognitoRowPlan(header: readonly string[]): (user: ValidUser) => string[] {
  const kinds = header.map((column) =>
    column === 'cognito:username' ? 0 : column === 'cognito:mfa_enabled' ? 1 : BOOLEAN_ATTRIBUTES.has(column) ? 2 : 3,
  );
  const columns = [...header];
  return (user) => {
    const row = new Array<string>(columns.length);
    for (let i = 0; i < columns.length; i += 1) {
      const kind = kinds[i];
      if (kind === 0) row[i] = user.username;
      else if (kind === 1) row[i] = user.mfaEnabled ? TRUE : FALSE;
      else if (kind === 2) row[i] = user.attributes[columns[i] as string] === 'true' ? TRUE : FALSE;
      else row[i] = user.attributes[columns[i] as string] ?? '';
    }
    return row;
  };
}

/** The per-record function inside csv-stringify's Stringifier (6.x): the quoting, without a stream per call. */
interface StringifierApi {
  stringify(record: readonly string[]): [Error | undefined, string | undefined];
}

const QUOTING = { record_delimiter: 'unix', eof: false } as const;
const api = (new Stringifier(QUOTING) as unknown as { api?: StringifierApi }).api;

/**
 * One CSV line (without its line break), quoted by csv-stringify where a field needs it. The sync API
 * builds a stringifier per call, which cost more than parsing the row did; the stringifier's own
 * per-record function quotes identically (a unit test holds the two equal).
 */
export function csvLine(row: readonly string[]): string {
  // Fields with nothing to quote are joined as csv-stringify would join them (a property test holds
  // the two equal); any field with a separator, quote or line break goes through csv-stringify.
  let quoting = false;
  for (let i = 0; i < row.length && !quoting; i += 1) quoting = needsQuoting(row[i] as string);
  if (!quoting) return row.join(',');
  if (api) {
    const [error, line] = api.stringify(row);
    if (error) throw error;
    return line ?? '';
  }
  return stringify([row as string[]], QUOTING);
}

/** A separator, a quote or a line break: one scan of the field rather than one per character sought. */
const SPECIAL = /[,"\n\r]/;

function needsQuoting(field: string): boolean {
  return field.length > 0 && SPECIAL.test(field);
}

/** Whether a line of `lineBytes` (its line break included) still fits a file holding `bytes` and `users`. */
export function fitsInFile(
  file: { bytes: number; users: number },
  lineBytes: number,
  limits: CognitoFileLimits = COGNITO_FILE_LIMITS,
): boolean {
  return file.users + 1 <= limits.maxUsers && file.bytes + lineBytes <= limits.maxBytes;
}

/** The n-th import file's name: cognito-import-0001.csv. */
export function cognitoFileName(index: number): string {
  return `cognito-import-${String(index).padStart(4, '0')}.csv`;
}
