/**
 * Pre token generation (V1, V2, V3): entitlements from the store into tokens, scopes added and
 * suppressed, groups and IAM roles overridden (keeping the pool's roles unless a row names its own),
 * machine-to-machine tokens decided by the app client's row. Claims never come from an
 * attribute the user can write: only the store (administrators), the groups Cognito reports, and
 * attributes the configuration declares trusted feed them (docs/pre-token-generation.md, "No escalation").
 *
 * Failure mode: closed. When the store fails, a cached answer up to ENTITLEMENTS_STALE_SECONDS old is
 * served; without one nobody gets a token (the generic message), because a token issued without its
 * entitlements' suppressions or groups override could grant more than the store allows.
 */
import { preTokenGeneration } from '../../shared/events/triggers/pre-token-generation.ts';
import { cognitoTrigger, MetricUnit, UserFacingError } from '../../shared/runtime/index.ts';
import { entitlementStore } from '../../shared/stores/entitlements.ts';
import { currentGroups, fitToBudget } from './answer.ts';
import { EntitlementCache } from './cache.ts';
import { loadConfig, type PreTokenGenerationConfig } from './config.ts';
import { mergeGrant, trustedAttributeClaims } from './grant.ts';
import { collectSources, requestedScopesToSuppress } from './sources.ts';

/** Shown when the entitlements do not fit into a token: nothing about the cause, which is ours to fix. */
export const TOKEN_REFUSED_MESSAGE = 'Your access could not be issued. Please contact your administrator';
/** Shown to a machine-to-machine client without a row, when PRETOKEN_REQUIRE_CLIENT_ENTRY is set. */
export const CLIENT_REFUSED_MESSAGE = 'This client is not authorized';

let cache: EntitlementCache | undefined;
const cacheFor = (config: PreTokenGenerationConfig) =>
  (cache ??= new EntitlementCache({
    ttlMs: config.cacheTtlMs,
    staleMs: config.staleMs,
    maxEntries: config.cacheMaxEntries,
  }));

export const handler = cognitoTrigger(
  preTokenGeneration,
  async (event, { config, log, metrics, budget }) => {
    const clientCredentials = event.triggerSource === 'TokenGeneration_ClientCredentials';
    const store = entitlementStore(config.entitlementsTable);
    let stale = false;
    const load = async (keys: string[]) => {
      const loaded = await cacheFor(config).load(keys, (missing) => store.getMany(missing, budget.signal));
      metrics.addMetric('EntitlementCacheHits', MetricUnit.Count, loaded.hits);
      metrics.addMetric('EntitlementCacheMisses', MetricUnit.Count, loaded.misses);
      stale ||= loaded.stale;
      return loaded.values;
    };

    const requested = event.version === '2' || event.version === '3' ? (event.request.scopes ?? []) : [];
    const collected = await collectSources(
      {
        clientCredentials,
        sub: clientCredentials ? undefined : event.request.userAttributes?.sub,
        clientId: event.callerContext.clientId ?? undefined,
        groups: clientCredentials ? [] : (event.request.groupConfiguration?.groupsToOverride ?? []),
        requestedScopes: requested,
      },
      load,
      clientCredentials ? {} : trustedAttributeClaims(event.request.userAttributes, config.trustedAttributes),
    );
    if (stale) {
      log.warn('entitlements store failed; served cached entitlements');
      metrics.addMetric('StaleEntitlementsServed', MetricUnit.Count, 1);
    }
    if (collected.kind === 'unknown-client') {
      metrics.addMetric('UnknownClients', MetricUnit.Count, 1);
      if (config.requireClientEntry) throw new UserFacingError(CLIENT_REFUSED_MESSAGE, 'unknown-client');
      log.info('client credentials for a client without entitlements: token as Cognito issues it');
      return event;
    }

    const grant = mergeGrant(collected.sources);
    const suppressed = requestedScopesToSuppress(collected, requested, grant, config.managedScopePrefixes);
    grant.scopesToSuppress = [...new Set([...grant.scopesToSuppress, ...suppressed])];
    if (grant.refused.length) {
      log.warn('entitlements name claims or scopes a token may not carry; left out', { refused: grant.refused });
      metrics.addMetric('ClaimsRefused', MetricUnit.Count, grant.refused.length);
    }

    // An override replaces Cognito's whole group configuration: what the grant leaves, the request keeps.
    const fitted = fitToBudget(
      grant,
      {
        version: event.version,
        claimTokens: config.claimTokens,
        clientCredentials,
        groupConfiguration: currentGroups(event.request.groupConfiguration),
      },
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
