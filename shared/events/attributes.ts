/**
 * User-pool attribute names as Cognito defines them. Used to check attribute maps we answer with
 * (migration, inbound federation) and to build sample events.
 */
export const STANDARD_ATTRIBUTES = [
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
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
