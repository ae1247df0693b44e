import { defineConfig, type SettingDescriptions } from '../../shared/config.ts';
import { readMailConfig, type MailConfig } from '../../shared/mail/config.ts';
import { tableName } from '../../shared/stores/table-names.ts';

export interface PostConfirmationConfig {
  profilesTable: string;
  notificationsTable: string;
  mail: MailConfig;
  /** Send only to addresses Cognito marks verified (a phone-confirmed user may have typed anyone's). */
  requireVerifiedEmail: boolean;
  sendWelcome: boolean;
  sendPasswordChanged: boolean;
}

export const loadConfig = defineConfig<PostConfirmationConfig>((env) => ({
  profilesTable: tableName(env, 'profiles'),
  notificationsTable: tableName(env, 'notifications'),
  mail: readMailConfig(env),
  requireVerifiedEmail: env.bool('MAIL_REQUIRE_VERIFIED_EMAIL', true),
  sendWelcome: env.bool('SEND_WELCOME_EMAIL', true),
  sendPasswordChanged: env.bool('SEND_PASSWORD_CHANGED_EMAIL', true),
}));

export const settingDescriptions: SettingDescriptions = {
  MAIL_REQUIRE_VERIFIED_EMAIL: 'never mail an address Cognito does not mark verified',
  SEND_WELCOME_EMAIL: 'a welcome e-mail once per user',
  SEND_PASSWORD_CHANGED_EMAIL: 'a "password changed" notice after a reset',
};
