/**
 * Cognito's CSV import format, as the developer guide's "Formatting the .csv file" (Creating the user
 * import .csv file) states it: the header from GetCSVHeader (column order free), one user per line,
 * values *not* in quotation marks, a comma inside a value written `\,`, `cognito:username` without spaces
 * or tabs, `birthdate` as mm/dd/yyyy, `updated_at` in epoch seconds, white space at a value's ends
 * trimmed, UTF-8 without BOM, per file at most 100 MB, 500,000 users and 16,000 characters a row.
 *
 * It is not RFC 4180 CSV: no quoting, so a value cannot hold a line break. The guide gives the backslash
 * a meaning only before a comma and says nothing of one elsewhere (kept? an escape of the next
 * character? `\\` one backslash?), so a value holding one is refused rather than written in a form
 * Cognito might read differently; the same for a quotation mark, which a reader told that values are
 * "not in quotation marks" may take for quoting. Pure: run.ts and s3-assemble.ts do the I/O.
 */
import { BOOLEAN_ATTRIBUTES } from './columns.ts';
import type { RejectReason, ValidUser } from './validate.ts';
import { birthdateForCognitoCsv } from './values.ts';

export interface CognitoFileLimits {
  maxBytes: number;
  maxUsers: number;
  /** Counted in UTF-16 code units of the line as written (escapes included): never fewer than characters. */
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

/** The fields of one user's row, in header order, as values (before escaping). */
export function cognitoFields(user: ValidUser, header: readonly string[]): string[] {
  return cognitoRowPlan(header)(user);
}

/**
 * A function filling one row for `header`, decided once per header rather than per row and column:
 * the import calls it a million times. Values come trimmed from validation (validate.ts).
 */
export function cognitoRowPlan(header: readonly string[]): (user: ValidUser) => string[] {
  const kinds = header.map((column) =>
    column === 'cognito:username'
      ? 0
      : column === 'cognito:mfa_enabled'
        ? 1
        : BOOLEAN_ATTRIBUTES.has(column)
          ? 2
          : column === 'birthdate'
            ? 4
            : 3,
  );
  const columns = [...header];
  return (user) => {
    const row = new Array<string>(columns.length);
    for (let i = 0; i < columns.length; i += 1) {
      const kind = kinds[i];
      if (kind === 0) row[i] = user.username;
      else if (kind === 1) row[i] = user.mfaEnabled ? TRUE : FALSE;
      else if (kind === 2) row[i] = user.attributes[columns[i] as string] === 'true' ? TRUE : FALSE;
      else if (kind === 4) {
        const date = user.attributes.birthdate;
        row[i] = date === undefined ? '' : birthdateForCognitoCsv(date);
      } else row[i] = user.attributes[columns[i] as string] ?? '';
    }
    return row;
  };
}

/** Why a value cannot be written in Cognito's format. */
export type UnwritableReason = Extract<RejectReason, 'value-line-break' | 'value-backslash' | 'value-quote'>;

/** A row that cannot be written: the column (`username` for cognito:username) and why. */
export interface Unwritable {
  column: string;
  reason: UnwritableReason;
}

/**
 * Every character a value needs looked at for: the separator (escaped) and what cannot be written. Line
 * breaks are Unicode's mandatory ones (LF, VT, FF, CR, NEL, LS, PS): a reader splitting lines on any of
 * them would cut the user in two.
 */
const SPECIAL = /[,\\"\n\v\f\r\x85\u2028\u2029]/;
const LINE_BREAK = /[\n\v\f\r\x85\u2028\u2029]/;
const COMMAS = /,/g;

/** Why `value` cannot be written in Cognito's format, or undefined if it can. */
export function unwritable(value: string): UnwritableReason | undefined {
  if (LINE_BREAK.test(value)) return 'value-line-break';
  if (value.includes('\\')) return 'value-backslash';
  if (value.includes('"')) return 'value-quote';
  return undefined;
}

/** A writable value as it goes in the file: each comma preceded by a backslash. */
export function escapeCognitoValue(value: string): string {
  return value.replace(COMMAS, '\\,');
}

/**
 * The line (without its line break) for a row of values, or why it cannot be written. One scan of each
 * field, then a plain join in the common case of nothing to escape: this runs a million times.
 */
export function cognitoLine(row: readonly string[], header: readonly string[]): string | Unwritable {
  let special = false;
  for (let i = 0; i < row.length && !special; i += 1) {
    const value = row[i] as string;
    special = value.length > 0 && SPECIAL.test(value);
  }
  if (!special) return row.join(',');
  const fields = new Array<string>(row.length);
  for (let i = 0; i < row.length; i += 1) {
    const value = row[i] as string;
    if (value.length === 0 || !SPECIAL.test(value)) {
      fields[i] = value;
      continue;
    }
    const reason = unwritable(value);
    if (reason !== undefined) {
      const column = header[i] ?? '';
      return { column: column === 'cognito:username' ? 'username' : column, reason };
    }
    fields[i] = escapeCognitoValue(value);
  }
  return fields.join(',');
}

/** The writer of one user's line for `header`: cognitoRowPlan and cognitoLine, decided once per header. */
export function cognitoLineWriter(header: readonly string[]): (user: ValidUser) => string | Unwritable {
  const fill = cognitoRowPlan(header);
  const columns = [...header];
  return (user) => cognitoLine(fill(user), columns);
}

/** The header line (without its line break); a header that would need escaping is not Cognito's. */
export function cognitoHeaderLine(header: readonly string[]): string {
  const line = cognitoLine(header, header);
  if (typeof line !== 'string' || line.includes('\\') || header.some((name) => name.trim() !== name || name === ''))
    throw new Error(`not a Cognito CSV header: ${JSON.stringify(header)}`);
  return line;
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
