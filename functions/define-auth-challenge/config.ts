import { defineConfig } from '../../shared/config.ts';
import { readSessionRules, type SessionRules } from '../../shared/passwordless/config.ts';

export type DefineAuthChallengeConfig = SessionRules;

export const loadConfig = defineConfig<DefineAuthChallengeConfig>(readSessionRules);
