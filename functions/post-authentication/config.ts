import { defineConfig, type SettingDescriptions } from '../../shared/config.ts';
import { readMailConfig, type MailConfig } from '../../shared/mail/config.ts';
import { tableName } from '../../shared/stores/table-names.ts';

export interface PostAuthenticationConfig {
  profilesTable: string;
  attemptsTable: string;
  auditTable: string;
  notificationsTable: string;
  auditRetentionDays: number;
  notifyNewDevice: boolean;
  mail: MailConfig;
}

export const loadConfig = defineConfig<PostAuthenticationConfig>((env) => ({
  profilesTable: tableName(env, 'profiles'),
  attemptsTable: tableName(env, 'signInAttempts'),
  auditTable: tableName(env, 'audit'),
  notificationsTable: tableName(env, 'notifications'),
  auditRetentionDays: env.int('AUDIT_RETENTION_DAYS', 90, { min: 1, max: 3650 }),
  notifyNewDevice: env.bool('NOTIFY_NEW_DEVICE', true),
  mail: readMailConfig(env),
}));

export const settingDescriptions: SettingDescriptions = {
  AUDIT_RETENTION_DAYS: "days an audit row is kept before DynamoDB's TTL removes it",
  NOTIFY_NEW_DEVICE: 'a "new sign-in" notice, to a verified address, when Cognito reports a new device',
};
