/** Mail settings shared by every function that sends e-mail. */
import type { EnvReader, SettingDescriptions } from '../config.ts';
import { readMessageSettings } from '../messages/branding.ts';

export interface MailConfig {
  from: string;
  appName: string;
  /** Days a notification record is kept (for retries and audit) before DynamoDB deletes it. */
  recordDays: number;
}

export function readMailConfig(env: EnvReader): MailConfig {
  // The templates' branding and default locale, read here so that a bad setting fails at cold start.
  readMessageSettings(env);
  return {
    from: env.required('MAIL_FROM'),
    appName: env.string('APP_NAME', 'our service'),
    recordDays: env.int('NOTIFICATION_RECORD_DAYS', 30, { min: 1, max: 3650 }),
  };
}

export const settingDescriptions: SettingDescriptions = {
  MAIL_FROM: 'the sender address, a verified SES identity',
  APP_NAME: 'the name the e-mails speak of',
  NOTIFICATION_RECORD_DAYS: 'days a notification record is kept (for retries and audit) before DynamoDB deletes it',
};
