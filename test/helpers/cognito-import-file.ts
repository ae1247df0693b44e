/**
 * A reader of Cognito's user import file as the developer guide documents it ("Creating the user import
 * .csv file", section "Formatting the .csv file"), written from the guide and sharing nothing with our
 * writer: not csv-parse, which would take a quoted field for a value and hide exactly the mistake this
 * stand-in is here to catch. It reads what Cognito would read and reports each line Cognito would fail
 * (or read differently from what we meant), with the guide's rule.
 *
 * Where the guide is silent, the reading is the strict one: a backslash not before a comma, a quotation
 * mark and a carriage return are reported, since Cognito's reading of them is not documented.
 */

export interface CognitoImportUser {
  /** The line of the file (the header is line 1). */
  line: number;
  /** Column → value as Cognito reads it: `\,` is a comma, white space at the ends trimmed. */
  values: Record<string, string>;
}

export interface CognitoImportFailure {
  line: number;
  reason: string;
}

export interface CognitoImportFile {
  header: string[];
  users: CognitoImportUser[];
  failures: CognitoImportFailure[];
}

/** The guide's limits: "The maximum row length is 16,000 characters", 100 MB, 500,000 rows. */
const MAX_ROW_CHARS = 16_000;
const MAX_BYTES = 100_000_000;
const MAX_USERS = 500_000;
const BOOLEAN = /^(true|false)$/i;
/** "The birthdate values, if present, must be in the format mm/dd/yyyy". */
const BIRTHDATE = /^(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])\/\d{4}$/;
/** "epoch time in seconds, for example: 1471453471": whole seconds, and not milliseconds in disguise. */
const EPOCH_SECONDS = /^\d{1,11}$/;

/** The fields of one line: commas separate them, except a comma after a backslash, which is the value's. */
function fieldsOf(text: string): { fields: string[]; problem?: string } {
  const fields: string[] = [];
  let field = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === '\\') {
      if (text[i + 1] !== ',')
        return { fields, problem: 'a backslash not before a comma (the guide gives it no meaning)' };
      field += ',';
      i += 1;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '"') {
      return { fields, problem: 'a quotation mark (the guide: values "should not be in quotation marks")' };
    } else if (c === '\r') {
      return { fields, problem: 'a carriage return (one user per line; its reading is not documented)' };
    } else field += c;
  }
  fields.push(field);
  // "Any leading or trailing white space in an attribute value will be trimmed."
  return { fields: fields.map((value) => value.trim()) };
}

/**
 * Reads `text` as Cognito's import would. `expectedHeader`: the pool's GetCSVHeader columns ("All
 * columns in the header must be present"; "The order of columns ... doesn't matter").
 */
export function readCognitoImportFile(text: string, expectedHeader?: readonly string[]): CognitoImportFile {
  const failures: CognitoImportFailure[] = [];
  const fail = (line: number, reason: string) => failures.push({ line, reason });
  if (text.charCodeAt(0) === 0xfeff) fail(1, 'a byte order mark (the guide: "UTF-8 format without byte order mark")');
  if (Buffer.byteLength(text, 'utf8') > MAX_BYTES) fail(0, 'over 100 MB');
  const lines = text.replace(/^\ufeff/, '').split('\n');
  if (lines.at(-1) === '') lines.pop();

  const headerRead = fieldsOf(lines[0] ?? '');
  const header = headerRead.fields;
  if (headerRead.problem) fail(1, headerRead.problem);
  if (expectedHeader) {
    const missing = expectedHeader.filter((name) => !header.includes(name));
    const extra = header.filter((name) => !expectedHeader.includes(name));
    if (missing.length || extra.length || new Set(header).size !== header.length)
      fail(1, `the header is not the pool's (missing: ${missing.join(' ') || '-'}; extra: ${extra.join(' ') || '-'})`);
  }
  if (!header.includes('cognito:username') || !header.includes('cognito:mfa_enabled'))
    fail(1, 'the header lacks cognito:username or cognito:mfa_enabled');
  if (lines.length - 1 > MAX_USERS) fail(0, 'over 500,000 users');

  const users: CognitoImportUser[] = [];
  const usernames = new Set<string>();
  for (let index = 1; index < lines.length; index += 1) {
    const line = index + 1;
    const raw = lines[index] as string;
    if (raw.length > MAX_ROW_CHARS) {
      fail(line, 'over 16,000 characters');
      continue;
    }
    if (raw === '') {
      fail(line, 'an empty line (each row after the first contains the values for a user)');
      continue;
    }
    const { fields, problem } = fieldsOf(raw);
    if (problem) {
      fail(line, problem);
      continue;
    }
    if (fields.length !== header.length) {
      fail(line, `${fields.length} fields for ${header.length} columns`);
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((name, i) => (values[name] = fields[i] as string));
    const problemOf = (): string | undefined => {
      const username = values['cognito:username'] ?? '';
      if (username === '') return 'no cognito:username (required)';
      if (/[ \t]/.test(username)) return 'cognito:username "cannot contain spaces or tabs"';
      if (usernames.has(username)) return 'cognito:username repeated ("must be unique within your user pool")';
      if (!BOOLEAN.test(values['cognito:mfa_enabled'] ?? '')) return 'cognito:mfa_enabled empty or not true/false';
      for (const flag of ['email_verified', 'phone_number_verified']) {
        const value = values[flag];
        if (value !== undefined && value !== '' && !BOOLEAN.test(value)) return `${flag} not true/false`;
      }
      const verified = (flag: string) => (values[flag] ?? '').toLowerCase() === 'true';
      if (!verified('email_verified') && !verified('phone_number_verified'))
        return 'neither email_verified nor phone_number_verified is true';
      if (verified('email_verified') && !values.email) return 'email_verified is true without an email';
      if (verified('phone_number_verified') && !values.phone_number)
        return 'phone_number_verified is true without a phone_number';
      if (values.birthdate && !BIRTHDATE.test(values.birthdate)) return 'birthdate not mm/dd/yyyy';
      if (values.updated_at && !EPOCH_SECONDS.test(values.updated_at)) return 'updated_at not epoch seconds';
      return undefined;
    };
    const rowProblem = problemOf();
    if (rowProblem) {
      fail(line, rowProblem);
      continue;
    }
    usernames.add(values['cognito:username'] as string);
    users.push({ line, values });
  }
  return { header, users, failures };
}
