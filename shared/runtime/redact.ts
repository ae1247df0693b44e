/**
 * Redaction applied to every log line, whatever the level: the logger runs each key and value through
 * `redactLogValue`, so a secret is removed even when a policy logs a whole object by mistake.
 */
import { STANDARD_ATTRIBUTES } from '../events/attributes.ts';

/**
 * Words that name a secret. Log keys are matched greedily (anywhere in the key: a log loses little by
 * over-redacting); attribute names kept in storage are matched by words (see isSecretName), so that
 * `custom:hashtag` survives while `custom:passwordhash` does not.
 */
const SECRET_WORDS = [
  'password',
  'passwd',
  'passcode',
  'secret',
  'token',
  'hash',
  'salt',
  'otp',
  'credential',
  'ciphertext',
  'answer',
];

/** Words that name personal data: never logged, but kept where the suite stores a profile. */
const PERSONAL_WORDS = ['email', 'phone', 'username'];

/** Whole keys that are secret or personal without containing one of the words, compared normalised. */
const SECRET_KEYS = new Set(
  [
    'code',
    'privateChallengeParameters',
    'session',
    'authorization',
    'cookie',
    'userName',
    'userAttributes',
    'validationData',
    'clientMetadata',
    'samlResponse',
    'userInfo',
    'accessKeyId',
    // The account-takeover notice's one-click links, as the templates name them (Cognito's own names,
    // ONE_CLICK_LINK_*, are personal keys below; FEEDBACK_TOKEN holds a secret word).
    'validLink',
    'invalidLink',
  ].map(normalizeKey),
);

/**
 * Keys that name a user attribute or another personal value, compared normalised and whole (a key that
 * merely contains one, such as `function_name`, is not one): every standard attribute and `sub` (the
 * event library's list), the account-takeover attributes of the custom e-mail sender (IP address, city,
 * country, device, and the one-click links, which act on the event), and client addresses.
 */
const PERSONAL_KEYS = new Set(
  [
    ...STANDARD_ATTRIBUTES,
    'sub',
    'IP_ADDRESS',
    'CITY',
    'COUNTRY',
    'DEVICE_NAME',
    'ONE_CLICK_LINK_VALID',
    'ONE_CLICK_LINK_INVALID',
    'ipAddress',
    'sourceIp',
    'userAgent',
  ].map(normalizeKey),
);

/**
 * Whole maps of user or provider attributes (`userAttributes`, `userAttributesToMap`, the provider's
 * `attributes`, ...), and keys that can only name an attribute: `custom:` and `dev:` attributes, and the
 * claim names of SAML assertions and OIDC providers, which are URIs or URNs.
 */
const ATTRIBUTE_MAP = /attributes(?:tomap)?$/u;
const ATTRIBUTE_NAME = /^(?:custom:|dev:|https?:\/\/|urn:)/iu;

/**
 * `name` is a user attribute, and also what the logger calls an error's class: an error name is kept
 * (`TypeError`, `ConditionalCheckFailedException`, `TriggerFailure`), anything else is a person's.
 */
const ERROR_NAME = /^[A-Z][A-Za-z0-9]*(?:Error|Exception|Failure|Fault)$|^Error$/u;

/** `confirmationCode`, `mfaCode`: a name ending in "code" is a code, but for status, error and such codes. */
const SECRET_CODE_KEY = /code$/u;
const HARMLESS_CODE_KEY = /(status|error|exit|response|country|language|region|currency|zip|postal)code$/u;

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_:.]/gu, '');
}

const isSecretCode = (normalized: string) => SECRET_CODE_KEY.test(normalized) && !HARMLESS_CODE_KEY.test(normalized);

/** Whether a log key's value must not be logged: secret or personal. */
export function isSecretKey(key: string): boolean {
  const normalized = normalizeKey(key);
  return (
    SECRET_KEYS.has(normalized) ||
    PERSONAL_KEYS.has(normalized) ||
    ATTRIBUTE_MAP.test(normalized) ||
    ATTRIBUTE_NAME.test(key) ||
    [...SECRET_WORDS, ...PERSONAL_WORDS].some((word) => normalized.includes(word)) ||
    isSecretCode(normalized)
  );
}

/**
 * Whether an attribute name names a secret that must not be stored (`custom:password_hash`,
 * `legacyPasswordHash`, `custom:passwordhash`, `custom:recovery_code`): a word of the name (split at
 * `:`, `_`, `-`, `.` and camelCase) is, or ends in, a secret word, or the name ends in "code".
 */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/gu, '$1_$2')
    .toLowerCase()
    .split(/[-_:.]+/u);
  const secretWord = (word: string) =>
    SECRET_WORDS.some((secret) => word === secret || word === `${secret}s` || word.endsWith(secret));
  return words.some(secretWord) || isSecretCode(normalizeKey(name));
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
/**
 * Long base64 or hex runs: KMS ciphertexts of codes, encoded hashes, opaque session tokens. Those carry
 * padding, a `+`, mixed case with digits, or are hex; the resource names, ARNs and paths that debugging
 * needs (lower-case words and hyphens) are left alone.
 */
const OPAQUE_BLOB = /[A-Za-z0-9+/_-]{40,}={0,2}/gu;
const looksRandom = (run: string) =>
  run.endsWith('=') ||
  run.includes('+') ||
  (/[A-Z]/u.test(run) && /[a-z]/u.test(run) && /\d/u.test(run)) ||
  (/^[\da-f]+$/iu.test(run) && /\d/u.test(run));

/**
 * The query and fragment of a link: where one-click links, magic links and pre-signed URLs carry what
 * acts on the account or the object. Where the link goes (scheme, host, path) stays, for debugging.
 */
const LINK_QUERY = /\b(https?:\/\/[^\s?#"'<>]+)[?#][^\s"'<>]*/giu;

/**
 * Masks secrets inside free text: keeps the first character and domain of an e-mail, the last two phone
 * digits, a link without its query.
 */
export function redactText(text: string): string {
  return text
    .replace(LINK_QUERY, (_match, target: string) => `${target}?${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(PASSWORD_HASH, REDACTED)
    .replace(OPAQUE_BLOB, (run) => (looksRandom(run) ? REDACTED : run))
    .replace(EMAIL, (_match, first: string, domain: string) => `${first}***@${domain}`)
    .replace(ENCODED_EMAIL, (_match, first: string, domain: string) => `${first}***%40${domain}`)
    .replace(PHONE, (match) => `+***${match.replace(/\D/gu, '').slice(-2)}`)
    .replace(NATIONAL_PHONE, (match) => `0***${match.replace(/\D/gu, '').slice(-2)}`);
}

/** A JSON.stringify replacer: secret keys lose their values, strings lose embedded secrets. */
export function redactLogValue(key: string, value: unknown): unknown {
  const errorName = key === 'name' && typeof value === 'string' && ERROR_NAME.test(value);
  if (key && !errorName && isSecretKey(key) && value !== null && value !== undefined && value !== '') return REDACTED;
  if (typeof value === 'string') return redactText(value);
  return value;
}
