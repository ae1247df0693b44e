import { defineConfig } from '../../shared/config.ts';
import { readCodeKeyringConfig } from '../../shared/codes/config.ts';
import type { CodeKeyringConfig } from '../../shared/codes/keyring.ts';
import type { SenderSettings } from '../../shared/codes/sender-policy.ts';
import { readMailConfig, type MailConfig } from '../../shared/mail/config.ts';
import { readMessageSettings } from '../../shared/messages/branding.ts';
import { tableName } from '../../shared/stores/table-names.ts';

export interface CustomEmailSenderConfig extends SenderSettings {
  keyring: CodeKeyringConfig;
  /** Where each message's delivery is recorded (once per event). */
  notificationsTable: string;
  mail: MailConfig;
}

export const loadConfig = defineConfig<CustomEmailSenderConfig>((env) => ({
  keyring: readCodeKeyringConfig(env),
  notificationsTable: tableName(env, 'notifications'),
  mail: readMailConfig(env),
  messages: readMessageSettings(env),
  signInCodeMinutes: env.int('SIGN_IN_CODE_MINUTES', 3, { min: 1, max: 60 }),
}));
