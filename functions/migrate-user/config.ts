import { defineConfig, type EnvReader, type SettingDescriptions } from '../../shared/config.ts';
import {
  dummyHash,
  hashParameters,
  BUILT_IN_VERIFIERS,
  verifierFor,
  type PasswordVerifier,
} from '../../shared/passwords/verify.ts';
import { remoteVerifier } from '../../shared/passwords/remote.ts';
import { breachCheck, type BreachCheck } from '../../shared/passwords/breach-check.ts';
import { DAY_SECONDS } from '../../shared/stores/expiry.ts';
import { tableName } from '../../shared/stores/table-names.ts';
import type { LockoutPolicy } from '../../shared/stores/lockout.ts';
import { LOOKUP_MODES, type LookupMode } from './lookup.ts';
import { COGNITO_DEFAULT_POLICY, type PasswordPolicy } from './password-policy.ts';
import type { Dummy } from './verification.ts';

export interface MigrateUserConfig {
  legacyUsersTable: string;
  attemptsTable: string;
  lockout: LockoutPolicy;
  attemptsTtlSeconds: number;
  lookup: LookupMode;
  /** The pool signs in by user name with the e-mail as an alias: answer `username` for alias sign-ins. */
  signInAliases: boolean;
  passwordPolicy: PasswordPolicy;
  /** How long a migrated row (and its hash) lives after the migration. */
  hashTtlSeconds: number;
  /** Answer enableSMSMFA for users the legacy system had MFA on, when they have a phone number. */
  enableSmsMfa: boolean;
  /** Tried in order; the first that handles a user's stored hash verifies it. */
  verifiers: readonly PasswordVerifier[];
  dummy: Dummy;
  /** The dummy's parameters, for logs. */
  dummyParameters: string;
  /** Checks a verified password against a Pwned Passwords range API; undefined: the check is off. */
  breachedPasswords: { baseUrl: string; timeoutMs: number; check: BreachCheck } | undefined;
}

export const DEFAULT_DUMMY_PARAMETERS = '$2b$10$';

function dummyFrom(env: EnvReader): Dummy {
  const spec = env.string('MIGRATION_DUMMY_HASH', DEFAULT_DUMMY_PARAMETERS);
  let hash: string;
  try {
    hash = dummyHash(spec);
  } catch (error) {
    env.problems.push(`MIGRATION_DUMMY_HASH: ${(error as Error).message}`);
    hash = dummyHash(DEFAULT_DUMMY_PARAMETERS);
  }
  return { hash, verifier: verifierFor(BUILT_IN_VERIFIERS, hash) ?? (BUILT_IN_VERIFIERS[0] as PasswordVerifier) };
}

/** An HTTPS URL, or plain HTTP on this machine only (tests, a local stand-in); undefined when not. */
function secureUrl(env: EnvReader, name: string, url: string): string | undefined {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const local = parsed?.hostname === '127.0.0.1' || parsed?.hostname === 'localhost';
  if (!parsed || !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && local))) {
    env.problems.push(`${name}: expected an https:// URL`);
    return undefined;
  }
  return url;
}

/** The old system's verification endpoint. */
function remoteFrom(env: EnvReader): PasswordVerifier | undefined {
  const url = env.string('MIGRATION_REMOTE_VERIFY_URL');
  const timeoutMs = env.int('MIGRATION_REMOTE_VERIFY_TIMEOUT_MS', 1500, { min: 100, max: 4000 });
  if (url === undefined || secureUrl(env, 'MIGRATION_REMOTE_VERIFY_URL', url) === undefined) return undefined;
  return remoteVerifier({ url, timeoutMs, name: 'remote' });
}

export const PWNED_PASSWORDS_API = 'https://api.pwnedpasswords.com';

/**
 * The breached-password check, off unless asked for. Its timeout is short: it runs after the password
 * verified, inside Cognito's 5 s, and an answer that does not come only skips it.
 */
function breachedPasswordsFrom(env: EnvReader): MigrateUserConfig['breachedPasswords'] {
  const on = env.bool('MIGRATION_BREACHED_PASSWORD_CHECK', false);
  const url = env.string('MIGRATION_BREACHED_PASSWORD_URL', PWNED_PASSWORDS_API);
  const timeoutMs = env.int('MIGRATION_BREACHED_PASSWORD_TIMEOUT_MS', 800, { min: 100, max: 2000 });
  const baseUrl = secureUrl(env, 'MIGRATION_BREACHED_PASSWORD_URL', url);
  if (!on || baseUrl === undefined) return undefined;
  return { baseUrl, timeoutMs, check: breachCheck({ baseUrl, timeoutMs }) };
}

/** Reads the configuration from `env` (exported for tests; the handler uses loadConfig). */
export function readMigrateUserConfig(env: EnvReader): MigrateUserConfig {
  const lockSeconds = env.int('LOCKOUT_SECONDS', 900, { min: 1, max: 86_400 });
  const remote = remoteFrom(env);
  const dummy = dummyFrom(env);
  return {
    legacyUsersTable: tableName(env, 'legacyUsers'),
    attemptsTable: tableName(env, 'signInAttempts'),
    lockout: { maxAttempts: env.int('LOCKOUT_MAX_ATTEMPTS', 5, { min: 1, max: 100 }), lockMs: lockSeconds * 1000 },
    attemptsTtlSeconds: Math.max(lockSeconds * 4, 86_400),
    lookup: env.oneOf('MIGRATION_LOOKUP', LOOKUP_MODES, 'both'),
    signInAliases: env.bool('MIGRATION_SIGN_IN_ALIASES', false),
    passwordPolicy: {
      minLength: env.int('MIGRATION_PASSWORD_MIN_LENGTH', COGNITO_DEFAULT_POLICY.minLength, { min: 6, max: 99 }),
      requireUppercase: env.bool('MIGRATION_PASSWORD_REQUIRE_UPPERCASE', COGNITO_DEFAULT_POLICY.requireUppercase),
      requireLowercase: env.bool('MIGRATION_PASSWORD_REQUIRE_LOWERCASE', COGNITO_DEFAULT_POLICY.requireLowercase),
      requireNumbers: env.bool('MIGRATION_PASSWORD_REQUIRE_NUMBERS', COGNITO_DEFAULT_POLICY.requireNumbers),
      requireSymbols: env.bool('MIGRATION_PASSWORD_REQUIRE_SYMBOLS', COGNITO_DEFAULT_POLICY.requireSymbols),
    },
    hashTtlSeconds: env.int('LEGACY_HASH_TTL_DAYS', 30, { min: 1, max: 3650 }) * DAY_SECONDS,
    enableSmsMfa: env.bool('MIGRATION_ENABLE_SMS_MFA', false),
    verifiers: remote ? [...BUILT_IN_VERIFIERS, remote] : BUILT_IN_VERIFIERS,
    dummy,
    dummyParameters: hashParameters(dummy.hash) ?? '',
    breachedPasswords: breachedPasswordsFrom(env),
  };
}

export const loadConfig = defineConfig(readMigrateUserConfig);

export const settingDescriptions: SettingDescriptions = {
  MIGRATION_LOOKUP:
    '`username`: the typed name is the legacy user name; `email`: it is the e-mail (pools that sign in by e-mail, like the one this stack creates); `both`: either, the user name winning. An e-mail that several legacy rows share signs nobody in.',
  MIGRATION_SIGN_IN_ALIASES:
    'the pool signs in by user name with e-mail as an alias: a user who typed their address is created under their legacy user name (the answer then carries `username`, as the developer guide asks for alias sign-ins); leave `false` for pools whose user name is the e-mail',
  MIGRATION_DUMMY_HASH:
    "algorithm and cost of the directory's most expensive hash (`$2b$12$`, `$argon2id$v=19$m=65536,t=3,p=4`, `$scrypt$ln=17,r=8,p=1`, `pbkdf2_sha256$600000`; default: OWASP's bcrypt minimum): an unknown user costs one verification of a dummy of these, any check at least that (Security, below)",
  MIGRATION_PASSWORD_MIN_LENGTH: "the pool's minimum length, counted in characters",
  MIGRATION_PASSWORD_REQUIRE_UPPERCASE:
    "the pool's rule: an upper-case letter A-Z; leading or trailing white space always fails",
  MIGRATION_PASSWORD_REQUIRE_LOWERCASE: "the pool's rule: a lower-case letter a-z",
  MIGRATION_PASSWORD_REQUIRE_NUMBERS: "the pool's rule: a digit 0-9",
  MIGRATION_PASSWORD_REQUIRE_SYMBOLS:
    "the pool's rule: one of Cognito's special characters (the developer guide's list, in `functions/migrate-user/password-policy.ts`) or an inner space",
  LEGACY_HASH_TTL_DAYS: "days a migrated row (and its hash) is kept before DynamoDB's TTL removes it",
  MIGRATION_ENABLE_SMS_MFA: 'answer `enableSMSMFA` for users whose legacy row has `mfaEnabled` and a phone number',
  MIGRATION_REMOTE_VERIFY_URL:
    'an HTTPS endpoint of the old system that verifies users the directory holds no hash for (below)',
  MIGRATION_REMOTE_VERIFY_TIMEOUT_MS: 'its timeout',
  MIGRATION_BREACHED_PASSWORD_CHECK:
    'check each verified password against a Pwned Passwords range API (k-anonymity: 5 hex characters of its SHA-1 leave the function); a breached one migrates the user as `RESET_REQUIRED` (below)',
  MIGRATION_BREACHED_PASSWORD_URL:
    "the API's base URL: `https://api.pwnedpasswords.com`, or a mirror speaking its `range` protocol (HTTPS; plain HTTP on 127.0.0.1 only)",
  MIGRATION_BREACHED_PASSWORD_TIMEOUT_MS:
    'its timeout; when it cannot answer in time the user migrates as without the check',
};
