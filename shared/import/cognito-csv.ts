/**
 * Cognito's CSV import conventions: exactly the pool's header columns, `cognito:username` and
 * `cognito:mfa_enabled` filled, booleans TRUE/FALSE, UTF-8 without BOM, and per file at most 100 MB,
 * 500,000 users and 16,000 characters a row. Pure: the writer in outputs.ts does the I/O.
 */
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
  return header.map((column) => {
    if (column === 'cognito:username') return user.username;
    if (column === 'cognito:mfa_enabled') return user.mfaEnabled ? TRUE : FALSE;
    const value = user.attributes[column];
    if (BOOLEAN_ATTRIBUTES.has(column)) return value === 'true' ? TRUE : FALSE;
    return value ?? '';
  });
}

/** One CSV line (without its line break), quoted by csv-stringify where a field needs it. */
export function csvLine(row: readonly string[]): string {
  return stringify([row as string[]], { record_delimiter: 'unix', eof: false });
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
