/** Table names come from the environment: serverless.yml sets them, the local servers set them too. */
import type { EnvReader, SettingDescriptions } from '../config.ts';

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

/** serverless.yml sets each from `custom.tables`; the local stack from the same names. */
export const settingDescriptions: SettingDescriptions = {
  PROFILES_TABLE: 'the profiles table (one row per user)',
  SIGN_IN_ATTEMPTS_TABLE: 'the sign-in attempts table: one lockout for pre authentication and migrate-user',
  AUDIT_TABLE: 'the sign-in audit table',
  NOTIFICATIONS_TABLE:
    'the notifications table: each message claimed once, failed ones kept for `npm run notifications:retry`',
  LEGACY_USERS_TABLE: 'the legacy directory',
  ENTITLEMENTS_TABLE: 'the entitlements table',
  AUTH_CHALLENGES_TABLE: "the passwordless sign-in's table: send limits, used magic links",
};
