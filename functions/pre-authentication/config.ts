import { defineConfig } from '../../shared/config.ts';
import { tableName } from '../../shared/stores/table-names.ts';
import type { LockoutPolicy } from './lockout.ts';

export interface PreAuthenticationConfig {
  profilesTable: string;
  attemptsTable: string;
  lockout: LockoutPolicy;
  /** How long an attempts record lives without activity before DynamoDB deletes it. */
  attemptsTtlSeconds: number;
}

export const loadConfig = defineConfig<PreAuthenticationConfig>((env) => {
  const lockMinutes = env.int('LOCKOUT_MINUTES', 15, { min: 1, max: 24 * 60 });
  return {
    profilesTable: tableName(env, 'profiles'),
    attemptsTable: tableName(env, 'signInAttempts'),
    lockout: { maxAttempts: env.int('LOCKOUT_MAX_ATTEMPTS', 5, { min: 1, max: 100 }), lockMs: lockMinutes * 60_000 },
    attemptsTtlSeconds: Math.max(lockMinutes * 60 * 4, 86_400),
  };
});
