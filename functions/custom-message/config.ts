import { defineConfig, type SettingDescriptions } from '../../shared/config.ts';
import { EMAIL_SENDING_ACCOUNTS } from '../../shared/events/definition.ts';
import { readMessageSettings } from '../../shared/messages/branding.ts';
import type { CustomMessageSettings } from './message.ts';

export type CustomMessageConfig = CustomMessageSettings;

export const loadConfig = defineConfig<CustomMessageConfig>((env) => ({
  ...readMessageSettings(env),
  verification: env.oneOf('MESSAGES_SIGN_UP_VERIFICATION', ['code', 'link'] as const, 'code'),
  signInCodeMinutes: env.int('SIGN_IN_CODE_MINUTES', 3, { min: 1, max: 60 }),
  // Must be the pool's own EmailConfiguration.EmailSendingAccount (serverless.yml sets it from the same
  // condition as the pool). Unset: COGNITO_DEFAULT, the account of a pool without EmailConfiguration and
  // the one setting whose answers every pool accepts (it only leaves the e-mail to the pool's template).
  emailSendingAccount: env.oneOf('MESSAGES_EMAIL_SENDING_ACCOUNT', EMAIL_SENDING_ACCOUNTS, 'COGNITO_DEFAULT'),
}));

export const settingDescriptions: SettingDescriptions = {
  MESSAGES_SIGN_UP_VERIFICATION: '`link` when the pool verifies sign-up addresses by link (below)',
  MESSAGES_EMAIL_SENDING_ACCOUNT:
    "the pool's own `EmailConfiguration.EmailSendingAccount` (serverless.yml sets it from the same value as the pool; below)",
  SIGN_IN_CODE_MINUTES: 'what sign-in (MFA) code messages say of their validity',
};
