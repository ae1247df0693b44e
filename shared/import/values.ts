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
