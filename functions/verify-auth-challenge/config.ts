import { defineConfig } from '../../shared/config.ts';
import {
  readLinkSettings,
  readMethods,
  type LinkSettings,
  type SignInMethod,
} from '../../shared/passwordless/config.ts';
import { tableName } from '../../shared/stores/table-names.ts';

export interface VerifyAuthChallengeConfig {
  methods: SignInMethod[];
  /** Present when magic links are on: the key that checks their tokens. */
  link: Pick<LinkSettings, 'key'> | undefined;
  authChallengesTable: string;
}

export const loadConfig = defineConfig<VerifyAuthChallengeConfig>((env) => {
  const methods = readMethods(env);
  const link = readLinkSettings(env, methods);
  return {
    methods,
    link: link && { key: link.key },
    authChallengesTable: methods.includes('MAGIC_LINK') ? tableName(env, 'authChallenges') : '',
  };
});
