/** The pool's own CSV header, when a pool is reachable: GetCSVHeader, or the configured header as a fallback. */
import { GetCSVHeaderCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { withHeader, type PoolSettings } from './pool.ts';

export interface HeaderChoice {
  settings: PoolSettings;
  source: 'pool' | 'configuration';
  /** Why the pool's header was not used, when a pool was named. */
  fallbackReason?: string;
}

/**
 * Asks the pool for its header; any failure (no such operation, as in cognito-local; no access; no
 * network) falls back to the configured header with the reason, so the run still proceeds.
 */
export async function headerFromPool(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  settings: PoolSettings,
): Promise<HeaderChoice> {
  try {
    const { CSVHeader } = await client.send(new GetCSVHeaderCommand({ UserPoolId: userPoolId }));
    if (!CSVHeader?.length) return { settings, source: 'configuration', fallbackReason: 'the pool answered no header' };
    return { settings: withHeader(settings, CSVHeader), source: 'pool' };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    return { settings, source: 'configuration', fallbackReason: reason };
  }
}
