import { defineConfig, type SettingDescriptions } from '../../shared/config.ts';
import { readMailConfig, type MailConfig } from '../../shared/mail/config.ts';
import { readChallengeSettings, type ChallengeSettings } from '../../shared/passwordless/config.ts';
import { tableName } from '../../shared/stores/table-names.ts';

export interface CreateAuthChallengeConfig extends ChallengeSettings {
  authChallengesTable: string;
  mail: Pick<MailConfig, 'from' | 'appName'>;
  /** A send's expected duration before this container has measured one (see latency.ts). */
  initialSendLatencyMs: number;
}

export const loadConfig = defineConfig<CreateAuthChallengeConfig>((env) => {
  const { from, appName } = readMailConfig(env);
  return {
    ...readChallengeSettings(env),
    authChallengesTable: tableName(env, 'authChallenges'),
    mail: { from, appName },
    initialSendLatencyMs: env.int('PASSWORDLESS_INITIAL_SEND_LATENCY_MS', 60, { min: 0, max: 1500 }),
  };
});

export const settingDescriptions: SettingDescriptions = {
  PASSWORDLESS_INITIAL_SEND_LATENCY_MS: 'what an unsent message waits before the container has timed a real send',
};
