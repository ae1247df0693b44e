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
    'answer',
    'accessKeyId',
  ].map(normalizeKey),
);

/** Keys containing one of these fragments are secret too (e.g. `legacyPasswordHash`, `cognito:username`). */
const SECRET_KEY_FRAGMENTS = [
  'password',
  'passcode',
  'secret',
  'token',
  'hash',
  'otp',
  'email',
  'phone',
  'ciphertext',
  'username',
  'credential',
];

/** `confirmationCode`, `mfaCode`: a key ending in "code" is a code, but for status and error codes. */
const SECRET_CODE_KEY = /code$/u;
const HARMLESS_CODE_KEY = /(status|error|exit|response|country|language|region|currency)code$/u;

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_:]/gu, '');
}

export function isSecretKey(key: string): boolean {
  const normalized = normalizeKey(key);
  return (
    SECRET_KEYS.has(normalized) ||
    SECRET_KEY_FRAGMENTS.some((fragment) => normalized.includes(fragment)) ||
    (SECRET_CODE_KEY.test(normalized) && !HARMLESS_CODE_KEY.test(normalized))
  );
}

export const REDACTED = '[REDACTED]';

/**
 * The whole local part, whatever it holds (`john&jane`, `o'brien`), from after a space, quote, bracket or
 * slash; the domain may be a single label (`jane@localhost`). A slash ends the local part so that
 * module paths in stack traces (`node_modules/@aws-sdk`) survive. The local part is at most 64
 * characters (RFC 5321), which also keeps the scan linear on long text without an `@`.
 */
const EMAIL = /([^\s"'<>()[\]{},;:@/])[^\s"<>()[\]{},;:@/]{0,63}@([\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*)/gu;
/** The same, URL-encoded (`jane%40example.com`). */
const ENCODED_EMAIL = /([^\s"'<>()[\]{},;:@/%])[^\s"<>()[\]{},;:@/]{0,63}%40([\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*)/gu;
const PHONE = /\+\d[\d\s().-]{6,18}\d/gu;
/**
 * National and 00-prefixed numbers (`07700 900123`, `0049 151 2345678`): 0, then 8 to 14 more digits.
 * Not between colons, where 12 digits are an AWS account id (`arn:aws:iam::012345678901:role/x`).
 */
const NATIONAL_PHONE = /(?<![\w.:-])0\d(?:[\s-]?\d){7,13}(?![\w:-])/gu;
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
    .replace(ENCODED_EMAIL, (_match, first: string, domain: string) => `${first}***%40${domain}`)
    .replace(PHONE, (match) => `+***${match.replace(/\D/gu, '').slice(-2)}`)
    .replace(NATIONAL_PHONE, (match) => `0***${match.replace(/\D/gu, '').slice(-2)}`);
}

/** A JSON.stringify replacer: secret keys lose their values, strings lose embedded secrets. */
export function redactLogValue(key: string, value: unknown): unknown {
  if (key && isSecretKey(key) && value !== null && value !== undefined && value !== '') return REDACTED;
  if (typeof value === 'string') return redactText(value);
  return value;
}
