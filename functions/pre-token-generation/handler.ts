/**
 * Pre token generation (V1, V2, V3): entitlements from the store into tokens, scopes added and
 * suppressed, machine-to-machine tokens decided by the app client's row. Claims never come from an
 * attribute the user can write: only the store (administrators), the groups Cognito reports, and
 * attributes the configuration declares trusted feed them (README).
 *
 * Failure mode: closed. When the store fails, a cached answer up to ENTITLEMENTS_STALE_SECONDS old is
 * served; without one nobody gets a token (the generic message), because a token issued without its
 * entitlements' suppressions or groups override could grant more than the store allows.
 */
import { cognitoTrigger, MetricUnit, UserFacingError } from '../../shared/runtime/index.ts';
import { entitlementStore, subjectKey, type Entitlements } from '../../shared/stores/entitlements.ts';
import { fitToBudget } from './answer.ts';
import { EntitlementCache } from './cache.ts';
import { loadConfig, type PreTokenGenerationConfig } from './config.ts';
import { mergeGrant, trustedAttributeClaims, unentitledScopes, type GrantSources } from './grant.ts';

/** Shown when the entitlements do not fit into a token: nothing about the cause, which is ours to fix. */
export const TOKEN_REFUSED_MESSAGE = 'Your access could not be issued. Please contact your administrator.';
/** Shown to a machine-to-machine client without a row, when PRETOKEN_REQUIRE_CLIENT_ENTRY is set. */
export const CLIENT_REFUSED_MESSAGE = 'This client is not authorized.';

let cache: EntitlementCache | undefined;
const cacheFor = (config: PreTokenGenerationConfig) =>
  (cache ??= new EntitlementCache({
    ttlMs: config.cacheTtlMs,
    staleMs: config.staleMs,
    maxEntries: config.cacheMaxEntries,
  }));

const groupKey = (id: string) => subjectKey({ kind: 'group', id });

export const handler = cognitoTrigger(
  'PreTokenGeneration',
  async (event, { config, log, metrics, budget }) => {
    const clientCredentials = event.triggerSource === 'TokenGeneration_ClientCredentials';
    const clientId = event.callerContext.clientId ?? undefined;
    const sub = clientCredentials ? undefined : event.request.userAttributes?.sub;
    const store = entitlementStore(config.entitlementsTable);
    const entitlements = cacheFor(config);
    let stale = false;
    const load = async (keys: string[]) => {
      const loaded = await entitlements.load(keys, (missing) => store.getMany(missing, budget.signal));
      metrics.addMetric('EntitlementCacheHits', MetricUnit.Count, loaded.hits);
      metrics.addMetric('EntitlementCacheMisses', MetricUnit.Count, loaded.misses);
      stale ||= loaded.stale;
      return loaded.values;
    };

    const userKey = sub ? subjectKey({ kind: 'sub', id: sub }) : undefined;
    // An app client's row describes the machine client itself: it applies to client-credentials tokens
    // only, never to the tokens of the users who sign in through that client.
    const clientKey = clientCredentials && clientId ? subjectKey({ kind: 'client', id: clientId }) : undefined;
    const eventGroups = clientCredentials ? [] : (event.request.groupConfiguration?.groupsToOverride ?? []);
    const found = await load([userKey, clientKey, ...eventGroups.map(groupKey)].filter((key) => key !== undefined));
    const entry = (key: string | undefined): Entitlements | undefined => (key ? found.get(key) : undefined);
    const user = entry(userKey);
    const client = entry(clientKey);

    // The user's row may replace the groups; the token then carries those groups' entitlements.
    const groups = user?.groups ?? eventGroups;
    const unread = groups.map(groupKey).filter((key) => !found.has(key));
    if (unread.length) for (const [key, value] of await load(unread)) found.set(key, value);
    if (stale) {
      log.warn('entitlements store failed; served cached entitlements');
      metrics.addMetric('StaleEntitlementsServed', MetricUnit.Count, 1);
    }

    let sources: GrantSources;
    let requestedToSuppress: string[] = [];
    const requested: readonly string[] =
      event.version === '2' || event.version === '3' ? (event.request.scopes ?? []) : [];
    if (clientCredentials) {
      if (!client) {
        metrics.addMetric('UnknownClients', MetricUnit.Count, 1);
        if (config.requireClientEntry) throw new UserFacingError(CLIENT_REFUSED_MESSAGE, 'unknown-client');
        log.info('client credentials for a client without entitlements: token as Cognito issues it');
        return event;
      }
      sources = { client, groups: [] };
      // The client's row decides its scopes: a requested scope it does not list is suppressed.
      if (client.scopes) requestedToSuppress = requested.filter((scope) => !client.scopes?.includes(scope));
    } else {
      sources = {
        user,
        groups: groups.map((name) => found.get(groupKey(name))),
        attributeClaims: trustedAttributeClaims(event.request.userAttributes, config.trustedAttributes),
      };
    }

    const grant = mergeGrant(sources);
    if (!clientCredentials)
      requestedToSuppress = unentitledScopes(requested, grant.scopesToAdd, config.managedScopePrefixes);
    grant.scopesToSuppress = [...new Set([...grant.scopesToSuppress, ...requestedToSuppress])];
    if (grant.refused.length) {
      log.warn('entitlements name claims or scopes a token may not carry; left out', { refused: grant.refused });
      metrics.addMetric('ClaimsRefused', MetricUnit.Count, grant.refused.length);
    }

    const fitted = fitToBudget(
      grant,
      { version: event.version, claimTokens: config.claimTokens, clientCredentials },
      config.maxAnswerBytes,
    );
    metrics.addMetric('AddedClaimBytes', MetricUnit.Bytes, fitted.bytes);
    if (fitted.dropped.length) {
      log.warn('entitlements over the size budget; claims left out', {
        dropped: fitted.dropped,
        maxBytes: config.maxAnswerBytes,
      });
      metrics.addMetric('ClaimsDroppedForSize', MetricUnit.Count, fitted.dropped.length);
    }
    if (fitted.refused) {
      log.error('entitlements exceed the size budget even without optional claims; no token', {
        bytes: fitted.bytes,
        maxBytes: config.maxAnswerBytes,
      });
      metrics.addMetric('TokensRefusedForSize', MetricUnit.Count, 1);
      throw new UserFacingError(TOKEN_REFUSED_MESSAGE, 'over-size-budget');
    }
    (event as { response: object }).response = fitted.answer;
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
