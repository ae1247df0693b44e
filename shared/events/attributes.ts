/**
 * User-pool attribute names as Cognito defines them, in the order of the columns GetCSVHeader lists. Used
 * to check attribute maps we answer with (migration, inbound federation), to build sample events, to
 * write Cognito's import files and to keep identity claims out of entitlements.
 */
export const STANDARD_ATTRIBUTES = [
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'email',
  'email_verified',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
  'phone_number_verified',
  'address',
  'updated_at',
] as const;

export type StandardAttribute = (typeof STANDARD_ATTRIBUTES)[number];

const STANDARD = new Set<string>(STANDARD_ATTRIBUTES);

/**
 * Custom attribute names: `custom:` and 1..20 characters of Cognito's own pattern for a schema attribute
 * name, `[\p{L}\p{M}\p{S}\p{N}\p{P}]+` (letters, marks, symbols, numbers, punctuation; no spaces), so
 * `custom:dépt` and `custom:org/unit` are valid. The `u` flag counts characters, not UTF-16 units.
 */
const CUSTOM_ATTRIBUTE = /^custom:[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,20}$/u;

/** Attributes only Cognito itself sets: a trigger may read them but never answer with them. */
export function isCognitoOwnedAttribute(name: string): boolean {
  return name === 'sub' || name === 'identities' || name.startsWith('cognito:');
}

export function isWritableAttribute(name: string): boolean {
  return STANDARD.has(name) || CUSTOM_ATTRIBUTE.test(name);
}

/** Cognito's maximum length of one attribute value. */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 2048;

/** E.164: a plus sign and up to 15 digits, the form Cognito requires for phone_number. */
export const E164 = /^\+[1-9]\d{1,14}$/u;
