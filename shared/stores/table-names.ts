/** Table names come from the environment: serverless.yml sets them, the local servers set them too. */
import type { EnvReader } from '../config.ts';

export const TABLE_VARIABLES = {
  profiles: 'PROFILES_TABLE',
  signInAttempts: 'SIGN_IN_ATTEMPTS_TABLE',
  audit: 'AUDIT_TABLE',
  notifications: 'NOTIFICATIONS_TABLE',
  legacyUsers: 'LEGACY_USERS_TABLE',
  entitlements: 'ENTITLEMENTS_TABLE',
  authChallenges: 'AUTH_CHALLENGES_TABLE',
} as const;

export type TableKey = keyof typeof TABLE_VARIABLES;

export function tableName(env: EnvReader, table: TableKey): string {
  return env.required(TABLE_VARIABLES[table]);
}
