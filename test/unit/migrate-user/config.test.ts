/** migrate-user's settings: defaults, and every bad value named at cold start. */
import { readMigrateUserConfig } from '../../../functions/migrate-user/config.ts';
import { readConfig } from '../../../shared/config.ts';
import { ConfigError } from '../../../shared/runtime/index.ts';

const TABLES = { LEGACY_USERS_TABLE: 'legacy', SIGN_IN_ATTEMPTS_TABLE: 'attempts' };
const read = (env: Record<string, string>) => readConfig(readMigrateUserConfig, { ...TABLES, ...env });

describe('migrate-user configuration', () => {
  it('has defaults that mirror a new pool', () => {
    const config = read({});
    expect(config).toMatchObject({
      legacyUsersTable: 'legacy',
      attemptsTable: 'attempts',
      lockout: { maxAttempts: 5, lockMs: 900_000 },
      lookup: 'both',
      signInAliases: false,
      passwordPolicy: {
        minLength: 8,
        requireUppercase: true,
        requireLowercase: true,
        requireNumbers: true,
        requireSymbols: true,
      },
      hashTtlSeconds: 30 * 86_400,
      enableSmsMfa: false,
      dummyParameters: '$2b$10$',
    });
    expect(config.verifiers.map((v) => v.name)).toEqual(['bcrypt', 'argon2id', 'argon2i', 'scrypt', 'pbkdf2-sha256']);
    expect(config.dummy.verifier.name).toBe('bcrypt');
  });

  it('takes the dummy of the directory’s typical hash, and a remote verifier', () => {
    const config = read({
      MIGRATION_DUMMY_HASH: '$argon2id$v=19$m=65536,t=3,p=4',
      MIGRATION_REMOTE_VERIFY_URL: 'https://legacy.example.com/verify',
      MIGRATION_LOOKUP: 'email',
      LEGACY_HASH_TTL_DAYS: '7',
    });
    expect(config.dummyParameters).toBe('$argon2id$v=19$m=65536,t=3,p=4');
    expect(config.dummy.verifier.name).toBe('argon2id');
    expect(config.verifiers.at(-1)?.name).toBe('remote');
    expect(config.lookup).toBe('email');
    expect(config.hashTtlSeconds).toBe(7 * 86_400);
  });

  it('names every bad variable, never its value', () => {
    let error: unknown;
    try {
      read({
        MIGRATION_DUMMY_HASH: 'md5-secret-value',
        MIGRATION_REMOTE_VERIFY_URL: 'http://legacy.example.com/verify',
        MIGRATION_LOOKUP: 'phone',
        MIGRATION_PASSWORD_MIN_LENGTH: '3',
        LEGACY_USERS_TABLE: '',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'MIGRATION_DUMMY_HASH',
      'MIGRATION_REMOTE_VERIFY_URL',
      'MIGRATION_LOOKUP',
      'MIGRATION_PASSWORD_MIN_LENGTH',
      'LEGACY_USERS_TABLE',
    ]) {
      expect(problems).toContain(name);
    }
    expect(problems).not.toContain('md5-secret-value');
  });

  it('allows plain HTTP for a remote verifier on this machine only', () => {
    expect(read({ MIGRATION_REMOTE_VERIFY_URL: 'http://127.0.0.1:8080/verify' }).verifiers.at(-1)?.name).toBe('remote');
  });

  it('keeps the breached-password check off unless asked, then asks Pwned Passwords within 800 ms', () => {
    expect(read({}).breachedPasswords).toBeUndefined();
    expect(read({ MIGRATION_BREACHED_PASSWORD_CHECK: 'true' }).breachedPasswords).toMatchObject({
      baseUrl: 'https://api.pwnedpasswords.com',
      timeoutMs: 800,
      check: expect.any(Function),
    });
    expect(
      read({
        MIGRATION_BREACHED_PASSWORD_CHECK: 'true',
        MIGRATION_BREACHED_PASSWORD_URL: 'http://127.0.0.1:9999',
        MIGRATION_BREACHED_PASSWORD_TIMEOUT_MS: '300',
      }).breachedPasswords,
    ).toMatchObject({ baseUrl: 'http://127.0.0.1:9999', timeoutMs: 300 });
  });

  it('refuses a breached-password API that is not HTTPS, and a timeout beyond 2 s', () => {
    expect(() =>
      read({
        MIGRATION_BREACHED_PASSWORD_CHECK: 'maybe',
        MIGRATION_BREACHED_PASSWORD_URL: 'http://pwned.example.com',
        MIGRATION_BREACHED_PASSWORD_TIMEOUT_MS: '5000',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'MIGRATION_BREACHED_PASSWORD_CHECK: expected true or false',
          'MIGRATION_BREACHED_PASSWORD_TIMEOUT_MS: expected a whole number from 100 to 2000',
          'MIGRATION_BREACHED_PASSWORD_URL: expected an https:// URL',
        ],
      }),
    );
  });
});
