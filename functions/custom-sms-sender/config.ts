import { defineConfig } from '../../shared/config.ts';
import { readCodeKeyringConfig } from '../../shared/codes/config.ts';
import type { CodeKeyringConfig } from '../../shared/codes/keyring.ts';
import type { SenderSettings } from '../../shared/codes/sender-policy.ts';
import { readMessageSettings } from '../../shared/messages/branding.ts';
import { readSmsSettings } from '../../shared/sms/config.ts';
import type { SmsSettings } from '../../shared/sms/sender.ts';
import { tableName } from '../../shared/stores/table-names.ts';

export interface CustomSmsSenderConfig extends SenderSettings {
  keyring: CodeKeyringConfig;
  /** Where each message's delivery is recorded (once per event). */
  notificationsTable: string;
  sms: SmsSettings;
}

export const loadConfig = defineConfig<CustomSmsSenderConfig>((env) => ({
  keyring: readCodeKeyringConfig(env),
  notificationsTable: tableName(env, 'notifications'),
  sms: readSmsSettings(env),
  messages: readMessageSettings(env),
  signInCodeMinutes: env.int('SIGN_IN_CODE_MINUTES', 3, { min: 1, max: 60 }),
}));
