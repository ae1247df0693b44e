/**
 * Settings every SDK client shares. Endpoints are not set here: SDK v3 reads AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE> itself, which is how local servers are reached without code changes.
 * Timeouts and retries are short because Cognito abandons a trigger after 5 seconds.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { readConfig, type EnvReader, type SettingDescriptions } from '../config.ts';

export interface ClientSettings {
  region: string;
  maxAttempts: number;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
}

/** The settings' reading, apart from the environment it reads, for `npm run docs`. */
export function readClientSettings(read: EnvReader): ClientSettings {
  return {
    region: read.string('AWS_REGION', read.string('AWS_DEFAULT_REGION', 'us-east-1')),
    // One retry: a second attempt fits the budget, a third would not.
    maxAttempts: read.int('AWS_SDK_MAX_ATTEMPTS', 2, { min: 1, max: 5 }),
    connectionTimeoutMs: read.int('AWS_SDK_CONNECTION_TIMEOUT_MS', 1_000, { min: 50, max: 10_000 }),
    requestTimeoutMs: read.int('AWS_SDK_REQUEST_TIMEOUT_MS', 2_000, { min: 100, max: 30_000 }),
  };
}

export function clientSettings(env: NodeJS.ProcessEnv = process.env): ClientSettings {
  return readConfig(readClientSettings, env);
}

export const settingDescriptions: SettingDescriptions = {
  AWS_REGION: 'the region of every AWS call (Lambda sets it)',
  AWS_DEFAULT_REGION: 'the region when `AWS_REGION` is unset (outside Lambda)',
  AWS_SDK_MAX_ATTEMPTS: 'attempts per AWS call, the first included',
  AWS_SDK_CONNECTION_TIMEOUT_MS: 'time to connect to an AWS service',
  AWS_SDK_REQUEST_TIMEOUT_MS: 'time for an AWS service to answer one request',
};

/**
 * The deployed import's clients: a batch job's patience rather than a trigger's 5 s (three attempts,
 * `requestTimeoutMs` per request unless IMPORT_SDK_REQUEST_TIMEOUT_MS says otherwise).
 */
export function jobClientSettings(requestTimeoutMs: number, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const base = clientSettings(env);
  return readConfig(
    (read) => ({
      ...base,
      maxAttempts: 3,
      connectionTimeoutMs: 3_000,
      requestTimeoutMs: read.int('IMPORT_SDK_REQUEST_TIMEOUT_MS', requestTimeoutMs, { min: 100, max: 300_000 }),
    }),
    env,
  );
}

export function clientConfig(settings: ClientSettings = clientSettings()) {
  return {
    region: settings.region,
    maxAttempts: settings.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: settings.connectionTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // Without it a request past requestTimeout only logs a warning and waits on: a hung service would
      // hold the trigger until the budget's abort, with no time left for the one retry.
      throwOnRequestTimeout: true,
    }),
  };
}
