/**
 * One row of a legacy export checked by the rules Cognito's CSV import and sign-in apply, before it
 * reaches either the legacy directory or an import file. Pure: uniqueness in the file is the
 * processor's (it keeps state across rows); everything else is decided from the row alone.
 */
import { hashProblem, isWeakHashReason } from '../passwords/algorithms.ts';
import { BOOLEAN_ATTRIBUTES, type ResolvedColumns } from './columns.ts';
import type { PoolSettings } from './pool.ts';
import {
  isE164,
  isValidEmail,
  isValidUsername,
  MAX_ATTRIBUTE_LENGTH,
  parseBirthdate,
  parseBoolean,
  parseUpdatedAt,
  trimValue,
} from './values.ts';

/** Why a row is rejected: the `reason` column of rejects.csv and the keys of the summary. */
export const REJECT_REASONS = {
  'column-count': 'the row has a different number of fields than the header',
  'username-missing': 'no user name',
  'username-invalid': 'the user name has whitespace or control characters, or is over 128 characters',
  'username-duplicate': 'an earlier row has the same user name (compared case-insensitively)',
  'boolean-invalid': 'not a boolean (true/false, 1/0, yes/no)',
  'email-invalid': 'not an e-mail address',
  'phone-invalid': 'not an E.164 phone number (+ and up to 15 digits)',
  'birthdate-invalid': 'not a date as YYYY-MM-DD or MM/DD/YYYY, or a day that does not exist',
  'updated-at-invalid':
    'not epoch seconds, epoch milliseconds or an ISO 8601 date-time with Z or an offset, or before 1970',
  'attribute-too-long': 'over 2048 characters',
  'required-missing': 'the pool requires this attribute',
  'custom-undeclared': 'a custom attribute the pool does not declare',
  'no-verified-contact': 'none of the auto-verified attributes (e-mail, phone) is present and verified',
  'mfa-inconsistent': "MFA does not match the pool's MFA setting",
  'mfa-needs-phone': 'MFA is on but there is no phone number to send codes to',
  'hash-unrecognised': 'the password hash is in no supported format',
  'hash-unverifiable':
    'the password hash is in a known format that migrate-user cannot verify (Argon2 version 16, or a cost over its work limits)',
  'hash-weak':
    'the password hash is too weak to trust: a digest shorter than 16 bytes, or a cost below the floor (shared/passwords MINIMUM_COSTS)',
  'email-duplicate': 'an earlier row has the same e-mail, which users sign in with',
  'phone-duplicate': 'an earlier row has the same phone number, which users sign in with',
  'row-too-long': "the user's row in the Cognito import file would exceed 16,000 characters",
  'value-line-break': "a value holds a line break: Cognito's import file has one user per line",
  'value-backslash':
    "a value holds a backslash: Cognito's import format gives it a meaning before a comma and documents none elsewhere",
  'value-quote':
    "a value holds a quotation mark: Cognito's import format has no quoting, and values are not in quotation marks",
} as const;

export type RejectReason = keyof typeof REJECT_REASONS;

/** A row that passed: what the directory item and the Cognito row are made of. */
export interface ValidUser {
  /** As the export spelled it. */
  username: string;
  /**
   * Non-empty Cognito attributes, trimmed; booleans as "true"/"false", `birthdate` as YYYY-MM-DD and
   * `updated_at` as epoch seconds (the forms Cognito's API takes; its import file's birthdate form is the
   * writer's business).
   */
  attributes: Record<string, string>;
  passwordHash: string | undefined;
  mfaEnabled: boolean;
}

export interface Rejection {
  column: string;
  reason: RejectReason;
}

export type RowVerdict = { ok: true; user: ValidUser } | ({ ok: false } & Rejection);

const reject = (column: string, reason: RejectReason): RowVerdict => ({ ok: false, column, reason });

/** The row's user name as given (for rejects.csv), whatever else is wrong with it. */
export function usernameOf(fields: readonly string[], columns: ResolvedColumns): string {
  return fields[columns.username] ?? '';
}

export function validateRow(fields: readonly string[], columns: ResolvedColumns, settings: PoolSettings): RowVerdict {
  return rowValidator(columns, settings)(fields);
}

/** What to check of one attribute column, decided once per file rather than per row. */
const Check = {
  Plain: 0,
  Boolean: 1,
  Email: 2,
  Phone: 3,
  /** A custom attribute the pool does not declare: any value rejects the row. */
  Undeclared: 4,
  Birthdate: 5,
  UpdatedAt: 6,
} as const;

/**
 * validateRow for one file's columns and one pool: the per-column decisions (which check, which
 * attribute names) made once, since the import calls it for every row of the file.
 */
export function rowValidator(
  columns: ResolvedColumns,
  settings: PoolSettings,
): (fields: readonly string[]) => RowVerdict {
  const fieldCount = columns.fileHeader.length;
  const checks = columns.attributes.map(({ name, index }) => ({
    name,
    index,
    check: BOOLEAN_ATTRIBUTES.has(name)
      ? Check.Boolean
      : name.startsWith('custom:') && !settings.customAttributes.includes(name)
        ? Check.Undeclared
        : name === 'email'
          ? Check.Email
          : name === 'phone_number'
            ? Check.Phone
            : name === 'birthdate'
              ? Check.Birthdate
              : name === 'updated_at'
                ? Check.UpdatedAt
                : Check.Plain,
  }));
  const required = [...settings.requiredAttributes];
  const reachable = settings.autoVerifiedAttributes.map((name) => ({ name, verified: `${name}_verified` }));
  const reachableColumn = settings.autoVerifiedAttributes.join('|');

  return (fields) => {
    if (fields.length !== fieldCount) return reject('', 'column-count');

    const username = fields[columns.username] as string;
    if (username === '') return reject('username', 'username-missing');
    if (!isValidUsername(username)) return reject('username', 'username-invalid');

    const attributes: Record<string, string> = {};
    for (const { name, index, check } of checks) {
      // Surrounding whitespace is an export artefact, never part of an address or a name; Cognito's
      // import trims it too, so the value kept is the value Cognito gets.
      const value = trimValue(fields[index] as string);
      if (value === '') continue;
      if (value.length > MAX_ATTRIBUTE_LENGTH) return reject(name, 'attribute-too-long');
      switch (check) {
        case Check.Boolean: {
          const flag = parseBoolean(value);
          if (flag === null) return reject(name, 'boolean-invalid');
          attributes[name] = flag ? 'true' : 'false';
          continue;
        }
        case Check.Undeclared:
          return reject(name, 'custom-undeclared');
        case Check.Email:
          if (!isValidEmail(value)) return reject(name, 'email-invalid');
          break;
        case Check.Phone:
          if (!isE164(value)) return reject(name, 'phone-invalid');
          break;
        case Check.Birthdate: {
          const date = parseBirthdate(value);
          if (date === null) return reject(name, 'birthdate-invalid');
          attributes[name] = date;
          continue;
        }
        case Check.UpdatedAt: {
          const seconds = parseUpdatedAt(value);
          if (seconds === null) return reject(name, 'updated-at-invalid');
          attributes[name] = seconds;
          continue;
        }
        case Check.Plain:
          break;
      }
      attributes[name] = value;
    }

    for (const name of required) {
      if (attributes[name] === undefined) return reject(name, 'required-missing');
    }

    // Cognito's import refuses a user with no verified contact it could reach (an auto-verified one).
    if (
      reachable.length > 0 &&
      !reachable.some(({ name, verified }) => attributes[name] && attributes[verified] === 'true')
    ) {
      return reject(reachableColumn, 'no-verified-contact');
    }

    let mfaEnabled = settings.mfa === 'ON';
    if (columns.mfaEnabled !== undefined) {
      const flag = parseBoolean(fields[columns.mfaEnabled] as string);
      if (flag === null) return reject('mfa_enabled', 'boolean-invalid');
      if (flag !== undefined) {
        if ((settings.mfa === 'OFF' && flag) || (settings.mfa === 'ON' && !flag)) {
          return reject('mfa_enabled', 'mfa-inconsistent');
        }
        mfaEnabled = flag;
      }
    }
    // Imported users cannot bring a TOTP secret: MFA for them means SMS, which needs a phone number.
    if (mfaEnabled && attributes.phone_number === undefined) return reject('mfa_enabled', 'mfa-needs-phone');

    let passwordHash: string | undefined;
    if (columns.passwordHash !== undefined) {
      const hash = (fields[columns.passwordHash] as string).trim();
      if (hash !== '') {
        // What migrate-user would refuse at sign-in is refused here, where the export can still be fixed.
        const problem = hashProblem(hash);
        if (problem === 'unknown format') return reject('password_hash', 'hash-unrecognised');
        if (problem !== undefined && isWeakHashReason(problem)) return reject('password_hash', 'hash-weak');
        if (problem !== undefined) return reject('password_hash', 'hash-unverifiable');
        passwordHash = hash;
      }
    }

    return { ok: true, user: { username, attributes, passwordHash, mfaEnabled } };
  };
}
