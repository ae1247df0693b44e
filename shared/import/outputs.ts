/**
 * What the import writes for people to open: rejects.csv rows and error texts. A rejected row is
 * untrusted (its fields may be shifted, a hash where the user name belongs), and a CSV is opened in
 * spreadsheets, which run a cell that looks like a formula: both are decided here, once.
 */
import { stringify } from 'csv-stringify/sync';
import { hashFormatOf } from '../passwords/formats.ts';
import { REDACTED, redactText } from '../runtime/redact.ts';
import { isValidUsername } from './values.ts';

export const REJECTS_HEADER = 'line,column,reason,username\n';

/**
 * Modular-crypt (`$id$...`) and Django-style (`algo$rounds$...`) strings of formats we do not verify:
 * still hashes, still not to be written.
 */
const HASH_NOTATION = /^(?:\$[\w-]+\$|[a-z\d]+_[a-z\d]+\$\d+\$)/iu;

/**
 * The user name a rejects.csv row may show: the value when it is a valid Cognito user name and no
 * password hash (nor anything else the log redaction would hide: digests, tokens), else ''. E-mail
 * addresses stay whole: the file is the operator's, who needs to find the row.
 */
export function rejectedUsername(value: string): string {
  if (!isValidUsername(value)) return '';
  if (hashFormatOf(value) || HASH_NOTATION.test(value)) return '';
  return redactText(value).includes(REDACTED) ? '' : value;
}

/** OWASP CSV injection: what a spreadsheet reads as a formula (or, after a tab or CR, may). */
const FORMULA_START = /^[=+\-@\t\r]/u;

/** OWASP's rule for a cell: prefixed with a single quote (the writer then quotes it, see rejectsText). */
export function spreadsheetSafe(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * rejects.csv lines for [line, column, reason, username] rows: the user name through rejectedUsername,
 * every cell spreadsheet-safe and a prefixed one quoted, so it opens as one text cell.
 */
export function rejectsText(rows: ReadonlyArray<readonly [string, string, string, string]>): string {
  return stringify(
    rows.map(([line, column, reason, username]) =>
      [line, column, reason, rejectedUsername(username)].map(spreadsheetSafe),
    ),
    { record_delimiter: 'unix', quoted_match: /^'[=+\-@\t\r]/u },
  );
}
