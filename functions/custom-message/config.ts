import { defineConfig } from '../../shared/config.ts';
import { readMessageSettings } from '../../shared/messages/branding.ts';
import type { CustomMessageSettings } from './message.ts';

export type CustomMessageConfig = CustomMessageSettings;

export const loadConfig = defineConfig<CustomMessageConfig>((env) => ({
  ...readMessageSettings(env),
  verification: env.oneOf('MESSAGES_SIGN_UP_VERIFICATION', ['code', 'link'] as const, 'code'),
  signInCodeMinutes: env.int('SIGN_IN_CODE_MINUTES', 3, { min: 1, max: 60 }),
}));
