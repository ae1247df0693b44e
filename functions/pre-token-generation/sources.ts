/**
 * Which entitlement rows a token needs and how they become the grant's sources: a user's own row (which
 * may replace the groups Cognito reports), the rows of those groups, and for client credentials the app
 * client's row. Rows come through `load` (the cache in front of the store), so this holds no I/O of its own.
 */
import { subjectKey, type Entitlements } from '../../shared/stores/entitlements.ts';
import { unentitledScopes, type Grant, type GrantSources } from './grant.ts';

export type LoadRows = (keys: string[]) => Promise<Map<string, Entitlements | undefined>>;

/** Who the token is for, as the event says. */
export interface TokenSubject {
  clientCredentials: boolean;
  sub?: string;
  clientId?: string;
  /** The groups Cognito reports, by precedence. */
  groups: readonly string[];
  /** Scopes the request carries (V2/V3 only). */
  requestedScopes: readonly string[];
}

export type CollectedSources =
  | { kind: 'user'; sources: GrantSources }
  | { kind: 'client'; sources: GrantSources; client: Entitlements }
  /** Client credentials for a client without a row. */
  | { kind: 'unknown-client' };

const groupKey = (id: string) => subjectKey({ kind: 'group', id });

export async function collectSources(
  subject: TokenSubject,
  load: LoadRows,
  attributeClaims: Record<string, string>,
): Promise<CollectedSources> {
  if (subject.clientCredentials) {
    // An app client's row describes the machine client itself: it applies to client-credentials tokens
    // only, never to the tokens of the users who sign in through that client.
    const clientKey = subject.clientId ? subjectKey({ kind: 'client', id: subject.clientId }) : undefined;
    const client = clientKey ? (await load([clientKey])).get(clientKey) : undefined;
    return client ? { kind: 'client', sources: { client, groups: [] }, client } : { kind: 'unknown-client' };
  }
  const userKey = subject.sub ? subjectKey({ kind: 'sub', id: subject.sub }) : undefined;
  const found = await load([...(userKey ? [userKey] : []), ...subject.groups.map(groupKey)]);
  const user = userKey ? found.get(userKey) : undefined;
  // The user's row may replace the groups; the token then carries those groups' entitlements.
  const groups = user?.groups ?? subject.groups;
  const unread = groups.map(groupKey).filter((key) => !found.has(key));
  if (unread.length) for (const [key, value] of await load(unread)) found.set(key, value);
  return {
    kind: 'user',
    sources: { user, groups: groups.map((name) => found.get(groupKey(name))), attributeClaims },
  };
}

/**
 * Requested scopes to suppress on top of the grant's own: for a client, those its row does not list (its
 * row decides its scopes); for a user, those under a managed prefix that the grant does not add.
 */
export function requestedScopesToSuppress(
  collected: Exclude<CollectedSources, { kind: 'unknown-client' }>,
  requested: readonly string[],
  grant: Pick<Grant, 'scopesToAdd'>,
  managedScopePrefixes: readonly string[],
): string[] {
  if (collected.kind === 'client') {
    const allowed = collected.client.scopes;
    return allowed ? requested.filter((scope) => !allowed.includes(scope)) : [];
  }
  return unentitledScopes(requested, grant.scopesToAdd, managedScopePrefixes);
}
