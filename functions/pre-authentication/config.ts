import { defineConfig, type SettingDescriptions } from '../../shared/config.ts';
import { tableName } from '../../shared/stores/table-names.ts';
import type { LockoutPolicy } from '../../shared/stores/lockout.ts';

export interface PreAuthenticationConfig {
  profilesTable: string;
  attemptsTable: string;
  lockout: LockoutPolicy;
  /** How long an attempts record lives without activity before DynamoDB deletes it. */
  attemptsTtlSeconds: number;
}

export const loadConfig = defineConfig<PreAuthenticationConfig>((env) => {
  const lockSeconds = env.int('LOCKOUT_SECONDS', 900, { min: 1, max: 86_400 });
  return {
    profilesTable: tableName(env, 'profiles'),
    attemptsTable: tableName(env, 'signInAttempts'),
    lockout: { maxAttempts: env.int('LOCKOUT_MAX_ATTEMPTS', 5, { min: 1, max: 100 }), lockMs: lockSeconds * 1000 },
    attemptsTtlSeconds: Math.max(lockSeconds * 4, 86_400),
  };
});

/** migrate-user reads the same two: one lockout for both. */
export const settingDescriptions: SettingDescriptions = {
  LOCKOUT_MAX_ATTEMPTS: 'attempts without a success after which the user name is locked',
  LOCKOUT_SECONDS: 'how long a lock lasts; it ends by time',
};
