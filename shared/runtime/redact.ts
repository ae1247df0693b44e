/**
 * Redaction applied to every log line, whatever the level: the logger runs each key and value through
 * `redactLogValue`, so a secret is removed even when a policy logs a whole object by mistake.
 */

/** Keys whose values are secret or personal, compared without case, `_` or `-`. */
const SECRET_KEYS = new Set(
  [
    'password',
    'passwd',
    'newPassword',
    'oldPassword',
    'previousPassword',
    'temporaryPassword',
    'passwordHash',
    'hash',
    'salt',
    'code',
    'otp',
    'challengeAnswer',
    'privateChallengeParameters',
    'token',
    'accessToken',
    'idToken',
    'refreshToken',
    'sessionToken',
    'session',
    'secret',
    'secretHash',
    'clientSecret',
    'authorization',
    'cookie',
    'email',
    'phone',
    'phoneNumber',
    'userName',
    'username',
    'preferredUsername',
    'userAttributes',
    'validationData',
    'clientMetadata',
    'tokenResponse',
    'samlResponse',
    'userInfo',
  ].map(normalizeKey),
);

/** Keys containing one of these fragments are secret too (e.g. `legacyPasswordHash`, `x-api-token`). */
const SECRET_KEY_FRAGMENTS = ['password', 'secret', 'token', 'hash', 'otp', 'email', 'phone', 'ciphertext'];

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_:]/gu, '');
}

export function isSecretKey(key: string): boolean {
  const normalized = normalizeKey(key);
  return SECRET_KEYS.has(normalized) || SECRET_KEY_FRAGMENTS.some((fragment) => normalized.includes(fragment));
}

export const REDACTED = '[REDACTED]';

const EMAIL = /([\p{L}\p{N}._%+'-])[\p{L}\p{N}._%+'-]*@([\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)/gu;
const PHONE = /\+\d[\d\s().-]{6,18}\d/gu;
const JWT = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/gu;
const PASSWORD_HASH = /\$(?:2[abxy]|argon2(?:id|i|d)|pbkdf2[\w-]*|scrypt|[156])\$[^\s"']+/gu;
/** Long base64 runs: KMS ciphertexts of codes, encoded hashes, opaque session tokens. */
const OPAQUE_BLOB = /[A-Za-z0-9+/_-]{40,}={0,2}/gu;

/** Masks secrets inside free text: keeps the first character and domain of an e-mail, the last two phone digits. */
export function redactText(text: string): string {
  return text
    .replace(JWT, REDACTED)
    .replace(PASSWORD_HASH, REDACTED)
    .replace(OPAQUE_BLOB, REDACTED)
    .replace(EMAIL, (_match, first: string, domain: string) => `${first}***@${domain}`)
    .replace(PHONE, (match) => `+***${match.replace(/\D/gu, '').slice(-2)}`);
}

/** A JSON.stringify replacer: secret keys lose their values, strings lose embedded secrets. */
export function redactLogValue(key: string, value: unknown): unknown {
  if (key && isSecretKey(key) && value !== null && value !== undefined && value !== '') return REDACTED;
  if (typeof value === 'string') return redactText(value);
  return value;
}
