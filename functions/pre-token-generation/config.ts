import { defineConfig, type EnvReader, type SettingDescriptions } from '../../shared/config.ts';
import { tableName } from '../../shared/stores/table-names.ts';
import type { TokenKind } from './answer.ts';
import { isForbiddenClaim, CLAIM_NAMES } from './grant.ts';

export interface PreTokenGenerationConfig {
  entitlementsTable: string;
  /** Which tokens carry the claims in V2/V3 (V1 has the ID token only). */
  claimTokens: ReadonlySet<TokenKind>;
  /** Budget of the serialised answer, in bytes (answer.ts: fitToBudget). */
  maxAnswerBytes: number;
  cacheTtlMs: number;
  /** How old a cached answer may be and still be served while the store fails. */
  staleMs: number;
  cacheMaxEntries: number;
  /** Attribute name → claim name, for attributes no app client can write (docs/pre-token-generation.md, "No escalation"). */
  trustedAttributes: ReadonlyMap<string, string>;
  /** Requested scopes under these prefixes are suppressed unless an entitlement grants them. */
  managedScopePrefixes: readonly string[];
  /** Client credentials for a client without a row: refused (true) or issued as Cognito would (false). */
  requireClientEntry: boolean;
}

/**
 * `custom:tenant`, or `custom:tenant=org`: which attributes are trusted, and the claim each becomes
 * (by default the attribute's name without `custom:`/`dev:`).
 */
function trustedAttributes(env: EnvReader): Map<string, string> {
  const trusted = new Map<string, string>();
  for (const entry of env.list('PRETOKEN_TRUSTED_ATTRIBUTES', [], { lowerCase: false })) {
    const [attribute = '', claim = attribute.replace(/^(custom|dev):/u, '')] = entry.split('=').map((s) => s.trim());
    if (attribute === '' || attribute === 'sub' || attribute.startsWith('cognito:')) {
      env.problems.push(`PRETOKEN_TRUSTED_ATTRIBUTES: ${attribute || '(blank)'} is no attribute a claim can come from`);
    } else if (isForbiddenClaim(claim) || claim === CLAIM_NAMES.roles || claim === CLAIM_NAMES.permissions) {
      // roles and permissions are lists the store decides; a trusted attribute may supply the tenant.
      env.problems.push(`PRETOKEN_TRUSTED_ATTRIBUTES: the claim ${claim || '(blank)'} is reserved`);
    } else trusted.set(attribute, claim);
  }
  return trusted;
}

function claimTokens(env: EnvReader): Set<TokenKind> {
  const tokens = env.list('PRETOKEN_CLAIM_TOKENS', ['id', 'access']);
  const bad = tokens.filter((token) => token !== 'id' && token !== 'access');
  if (bad.length || tokens.length === 0) env.problems.push('PRETOKEN_CLAIM_TOKENS: expected id, access or id,access');
  return new Set(tokens.filter((token): token is TokenKind => token === 'id' || token === 'access'));
}

export const readPreTokenConfig = (env: EnvReader): PreTokenGenerationConfig => ({
  entitlementsTable: tableName(env, 'entitlements'),
  claimTokens: claimTokens(env),
  maxAnswerBytes: env.int('PRETOKEN_MAX_CLAIM_BYTES', 4096, { min: 256, max: 65_536 }),
  cacheTtlMs: env.int('ENTITLEMENTS_CACHE_SECONDS', 30, { min: 0, max: 300 }) * 1000,
  staleMs: env.int('ENTITLEMENTS_STALE_SECONDS', 300, { min: 0, max: 3600 }) * 1000,
  cacheMaxEntries: env.int('ENTITLEMENTS_CACHE_ENTRIES', 10_000, { min: 1, max: 1_000_000 }),
  trustedAttributes: trustedAttributes(env),
  managedScopePrefixes: env.list('PRETOKEN_MANAGED_SCOPE_PREFIXES', [], { lowerCase: false }),
  requireClientEntry: env.bool('PRETOKEN_REQUIRE_CLIENT_ENTRY', false),
});

export const loadConfig = defineConfig(readPreTokenConfig);

export const settingDescriptions: SettingDescriptions = {
  PRETOKEN_CLAIM_TOKENS:
    'which tokens carry the claims in V2/V3 (`id`, `access` or both; V1 has the ID token only, client credentials the access token only)',
  PRETOKEN_MAX_CLAIM_BYTES: 'budget of the answer, serialised JSON in UTF-8 bytes',
  PRETOKEN_TRUSTED_ATTRIBUTES:
    'attributes that may feed claims, `attribute[=claim]` (`custom:tenant,custom:dept=department`; the claim defaults to the name without `custom:`); see "No escalation"',
  PRETOKEN_MANAGED_SCOPE_PREFIXES:
    "requested scopes under these prefixes (`orders/`) are suppressed unless an entitlement grants them, so an app client's allowed scopes reach only entitled users",
  PRETOKEN_REQUIRE_CLIENT_ENTRY: 'refuse client credentials for a client without a row',
  ENTITLEMENTS_CACHE_SECONDS: 'how long a row (or its absence) is used from memory without reading',
  ENTITLEMENTS_STALE_SECONDS: 'how old a remembered row may be and still be served while the table fails',
  ENTITLEMENTS_CACHE_ENTRIES: 'rows remembered per instance, oldest dropped first',
};
