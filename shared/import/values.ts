/** Parsing and syntax rules for single values of a legacy export, as Cognito accepts them. Pure. */
import { E164, MAX_ATTRIBUTE_VALUE_LENGTH } from '../events/attributes.ts';

/** true/false in any case, 1/0, yes/no. Empty → undefined (absent); anything else → null (invalid). */
export function parseBoolean(text: string): boolean | undefined | null {
  const value = text.trim();
  if (value === '') return undefined;
  switch (value.toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
      return true;
    case 'false':
    case '0':
    case 'no':
      return false;
    default:
      return null;
  }
}

/** Cognito's user name pattern `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, at most 128 characters: no whitespace, no controls. */
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/** Printable ASCII without space: the common case, checked without Unicode property classes. */
const ASCII_USERNAME = /^[\x21-\x7e]{1,128}$/;

export function isValidUsername(username: string): boolean {
  return ASCII_USERNAME.test(username) || USERNAME.test(username);
}

/**
 * E-mail syntax as Cognito checks it in practice: one @, a non-empty local part, a dotted domain, no
 * whitespace, no characters that need quoting. Deliberately not RFC 5322 in full: a false refusal would
 * drop a real user.
 */
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@[^\s@"(),:;<>[\\\]]+\.[^\s@"(),:;<>[\\\].]+$/u;

export function isValidEmail(email: string): boolean {
  return email.length <= 2048 && EMAIL.test(email) && !email.includes('..');
}

export function isE164(phone: string): boolean {
  return E164.test(phone);
}

/** Cognito's limit for one attribute value (the event library's, under the import's name). */
export const MAX_ATTRIBUTE_LENGTH = MAX_ATTRIBUTE_VALUE_LENGTH;

/**
 * Characters some reader takes for white space at a value's ends: ECMAScript's (Unicode White_Space,
 * line terminators, BOM), Java's String.trim (every character up to U+0020) and NEL. Cognito trims
 * "leading or trailing white space" without saying whose: trimming the union first leaves nothing at
 * either end that any reading would trim, so the value written is the value Cognito keeps.
 */
const EDGE_SPACE = /^[\s\x00-\x20\x7f\x85\u180e]+|[\s\x00-\x20\x7f\x85\u180e]+$/gu;

/** The value without white space at its ends (see EDGE_SPACE); no new string when there is none. */
export function trimValue(text: string): string {
  if (text.length === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  // Printable ASCII at both ends: the common case, decided without a regular expression.
  if (first > 32 && first < 127 && last > 32 && last < 127) return text;
  return text.replace(EDGE_SPACE, '');
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Cognito's import format for birthdate (the guide: "mm/dd/yyyy", e.g. 02/01/1985 for February 1). */
const COGNITO_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (DAYS_IN_MONTH[month - 1] as number) + (month === 2 && leap ? 1 : 0);
}

/**
 * A birthdate as OIDC writes it (`YYYY-MM-DD`, the form Cognito's API and tokens use), from the two
 * forms that have one meaning: ISO `YYYY-MM-DD` and Cognito's own import form `MM/DD/YYYY` (the column is
 * Cognito's attribute, so its slash form is Cognito's month-first one). Null for anything else: a day
 * first form, a two-digit year, a date without its year, a day that does not exist.
 */
export function parseBirthdate(text: string): string | null {
  const iso = ISO_DATE.exec(text);
  const us = iso ? null : COGNITO_DATE.exec(text);
  const [year, month, day] = iso
    ? [iso[1], iso[2], iso[3]]
    : us
      ? [us[3], us[1], us[2]]
      : [undefined, undefined, undefined];
  if (year === undefined || month === undefined || day === undefined) return null;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return null;
  return `${year}-${month}-${day}`;
}

/** `YYYY-MM-DD` (as parseBirthdate answers) → Cognito's import form `MM/DD/YYYY`. */
export function birthdateForCognitoCsv(isoDate: string): string {
  return `${isoDate.slice(5, 7)}/${isoDate.slice(8, 10)}/${isoDate.slice(0, 4)}`;
}

/**
 * Epoch values below 10^11 are seconds, from 10^11 up to 10^14 milliseconds. The ranges cannot be
 * confused for an update time: 10^11 seconds is the year 5138, and 10^11 milliseconds is March 1973,
 * before any system an export could come from kept such a field.
 */
export const EPOCH_MILLISECONDS_FROM = 1e11;
const EPOCH_MILLISECONDS_BELOW = 1e14;
const EPOCH_DIGITS = /^\d{1,15}$/;
/** ISO 8601 date and time with its offset: a time without one would be read in some unknown zone. */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * `updated_at` as Cognito's import wants it, epoch seconds (the guide: "epoch time in seconds, for
 * example: 1471453471"), from epoch seconds, epoch milliseconds (told apart by EPOCH_MILLISECONDS_FROM;
 * fractions of a second are dropped) or an ISO 8601 date-time with Z or an offset. Null for anything
 * else, and for a time before 1970.
 */
export function parseUpdatedAt(text: string): string | null {
  if (EPOCH_DIGITS.test(text)) {
    const value = Number(text);
    if (value < EPOCH_MILLISECONDS_FROM) return String(value);
    return value < EPOCH_MILLISECONDS_BELOW ? String(Math.floor(value / 1000)) : null;
  }
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, zulu, sign, oh, om] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s ?? '0'].map(Number) as number[];
  if (!isCalendarDate(year as number, month as number, day as number)) return null;
  if ((hour as number) > 23 || (minute as number) > 59 || (second as number) > 59) return null;
  let offsetMinutes = 0;
  if (!zulu) {
    if (Number(oh) > 23 || Number(om) > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  }
  const millis =
    Date.UTC(year as number, (month as number) - 1, day as number, hour, minute, second) - offsetMinutes * 60_000;
  // Date.UTC maps years 0-99 to 1900-1999: such a year is before 1970 either way, and refused below.
  if (!Number.isFinite(millis) || millis < 0 || (year as number) < 1970) return null;
  return String(Math.floor(millis / 1000));
}
