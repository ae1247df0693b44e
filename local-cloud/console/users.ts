/**
 * The console's Users view, served as JSON: the local pool's users (ListUsers, paged as the guide
 * describes), the legacy directory's rows with their migration state, and the entitlement rows a user's
 * tokens are built from. A legacy row's hash never leaves this file: withoutSecrets drops it, and any
 * field or value that looks like one, before the row is answered.
 */
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  ListUsersCommand,
  type CognitoIdentityProviderClient,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentClient } from '../../shared/aws/dynamodb.ts';
import { hashFormatOf } from '../../shared/passwords/formats.ts';
import { entitlementStore, subjectKey, type Entitlements } from '../../shared/stores/entitlements.ts';
import { MIGRATED_MARKER_PREFIX, migratedMarkerKey, normaliseUsername } from '../../shared/stores/legacy-user.ts';

export interface UsersSources {
  /** Straight to the pool, not through the recorded front: the console's reads are no client's operations. */
  idp: CognitoIdentityProviderClient;
  userPoolId: string;
  db: () => DocumentClient;
  tables: { legacyUsers: string; entitlements: string };
}

/** ListUsers answers at most 60 a page; a few pages are all a local pool's view needs. */
const PAGE_SIZE = 60;
const MAX_PAGES = 5;
/** One Scan page of the directory: a bounded look, not an export (a big import has many rows). */
const LEGACY_SCAN_LIMIT = 200;

export interface PoolUser {
  username: string;
  status: string;
  enabled: boolean;
  created?: string;
  modified?: string;
  attributes: Record<string, string>;
}

const poolUser = (user: UserType): PoolUser => ({
  username: user.Username ?? '',
  status: user.UserStatus ?? '',
  enabled: user.Enabled ?? true,
  ...(user.UserCreateDate ? { created: user.UserCreateDate.toISOString() } : {}),
  ...(user.UserLastModifiedDate ? { modified: user.UserLastModifiedDate.toISOString() } : {}),
  attributes: Object.fromEntries(
    (user.Attributes ?? []).map((attribute) => [attribute.Name ?? '', attribute.Value ?? '']),
  ),
});

/**
 * The guide's filter (Managing and searching for user accounts, "Searching for users with the ListUsers
 * API"): `email ^= "<prefix>"`, quotation marks in the value escaped with a backslash.
 */
export function emailPrefixFilter(prefix: string): string | undefined {
  const value = prefix.trim();
  return value ? `email ^= "${value.replace(/["\\]/gu, (c) => `\\${c}`)}"` : undefined;
}

/** The pool's users, newest first: every page up to the bound (each page's token asked again, as the guide says). */
export async function listPoolUsers(
  sources: UsersSources,
  emailPrefix = '',
): Promise<{ users: PoolUser[]; truncated: boolean }> {
  const users: PoolUser[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await sources.idp.send(
      new ListUsersCommand({
        UserPoolId: sources.userPoolId,
        Limit: PAGE_SIZE,
        PaginationToken: token,
        Filter: emailPrefixFilter(emailPrefix),
      }),
    );
    users.push(...(page.Users ?? []).map(poolUser));
    token = page.PaginationToken;
    pages += 1;
  } while (token && pages < MAX_PAGES);
  users.sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''));
  return { users, truncated: Boolean(token) };
}

/** A field name that holds or derives from a secret: never answered, at any depth. */
const SECRET_NAME = /hash|salt|secret|password|pepper|token/iu;
/** Modular-crypt (`$id$...`) and Django-style (`algo_algo$rounds$...`) strings: hashes whatever their name. */
const HASH_NOTATION = /^(?:\$[\w-]+\$|[a-z\d]+_[a-z\d]+\$\d+\$)/iu;
const looksLikeHash = (value: string) => hashFormatOf(value) !== undefined || HASH_NOTATION.test(value);

/**
 * A stored item as the page may see it: fields named like a secret are dropped, and so is any string
 * that is a password hash under another name (a hand-edited row, an attribute the export misnamed).
 */
export function withoutSecrets(value: unknown): unknown {
  if (typeof value === 'string') return looksLikeHash(value) ? undefined : value;
  if (value instanceof Set) return withoutSecrets([...(value as Set<unknown>)]);
  if (Array.isArray(value)) return value.map(withoutSecrets).filter((entry) => entry !== undefined);
  if (typeof value !== 'object' || value === null) return value;
  const kept: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (SECRET_NAME.test(name)) continue;
    const safe = withoutSecrets(field);
    if (safe !== undefined) kept[name] = safe;
  }
  return kept;
}

export type MigrationState = 'not-migrated' | 'migrated' | 'expired';

export interface LegacyRowView {
  username: string;
  /** What the row holds, without its hash (withoutSecrets). */
  row?: Record<string, unknown>;
  /** Whether the row holds a hash: false means the user must reset (the hash itself is never answered). */
  hasPasswordHash: boolean;
  /** The row's migratedAt, else the marker's (the row may be gone with its TTL). */
  migratedAt?: string;
  /** The row's TTL, epoch seconds: set at migration, so that the hash does not outlive its use. */
  expiresAt?: number;
  /** A MIGRATED# marker exists: the import will not write this user again. */
  marker: boolean;
  state: MigrationState;
}

/**
 * A directory user's migration state, from its row and its MIGRATED# marker: migrated (row and marker,
 * the row expiring), expired (the marker only: TTL removed the row and its hash), or not yet.
 */
export function legacyRowView(
  username: string,
  row: Record<string, unknown> | undefined,
  marker: Record<string, unknown> | undefined,
): LegacyRowView {
  const migratedAt =
    typeof row?.migratedAt === 'string'
      ? row.migratedAt
      : typeof marker?.migratedAt === 'string'
        ? marker.migratedAt
        : undefined;
  const expiresAt = typeof row?.expiresAt === 'number' ? row.expiresAt : undefined;
  return {
    username,
    ...(row ? { row: withoutSecrets(row) as Record<string, unknown> } : {}),
    hasPasswordHash: typeof row?.passwordHash === 'string' && row.passwordHash !== '',
    ...(migratedAt ? { migratedAt } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    marker: marker !== undefined,
    state: row === undefined ? 'expired' : migratedAt ? 'migrated' : 'not-migrated',
  };
}

/** Rows and markers of one Scan page, paired by user name (a marker's key is the prefix and the row's key). */
export function pairLegacyItems(items: ReadonlyArray<Record<string, unknown>>): LegacyRowView[] {
  const rows = new Map<string, Record<string, unknown>>();
  const markers = new Map<string, Record<string, unknown>>();
  for (const item of items) {
    const key = typeof item.username === 'string' ? item.username : undefined;
    if (key === undefined) continue;
    if (key.startsWith(MIGRATED_MARKER_PREFIX)) markers.set(key.slice(MIGRATED_MARKER_PREFIX.length), item);
    else rows.set(key, item);
  }
  const names = [...new Set([...rows.keys(), ...markers.keys()])].sort();
  return names.map((name) => legacyRowView(name, rows.get(name), markers.get(name)));
}

/**
 * The directory: one bounded Scan page, or, for a user name, that user's row and marker (a Scan page of a
 * big directory may not hold the user asked about).
 */
export async function listLegacyUsers(
  sources: UsersSources,
  username = '',
): Promise<{ rows: LegacyRowView[]; truncated: boolean }> {
  const table = sources.tables.legacyUsers;
  if (username.trim()) {
    const get = (key: string) =>
      sources
        .db()
        .send(new GetCommand({ TableName: table, Key: { username: key } }))
        .then((answer) => answer.Item);
    const [row, marker] = await Promise.all([get(normaliseUsername(username)), get(migratedMarkerKey(username))]);
    return { rows: row || marker ? [legacyRowView(normaliseUsername(username), row, marker)] : [], truncated: false };
  }
  const page = await sources.db().send(new ScanCommand({ TableName: table, Limit: LEGACY_SCAN_LIMIT }));
  return { rows: pairLegacyItems(page.Items ?? []), truncated: page.LastEvaluatedKey !== undefined };
}

export interface UserEntitlements {
  username: string;
  sub?: string;
  groups: string[];
  /** Each row pre token generation reads for this user, by key, as stored (null: no row). */
  rows: Array<{ key: string; entitlements: Entitlements | null }>;
}

/**
 * The rows a user's tokens are built from, read as pre token generation reads them
 * (functions/pre-token-generation/sources.ts): the user's own row by `sub`, and the rows of its groups,
 * or of the groups its own row names instead.
 */
export async function userEntitlements(sources: UsersSources, username: string): Promise<UserEntitlements> {
  const [user, groupsAnswer] = await Promise.all([
    sources.idp.send(new AdminGetUserCommand({ UserPoolId: sources.userPoolId, Username: username })),
    sources.idp.send(new AdminListGroupsForUserCommand({ UserPoolId: sources.userPoolId, Username: username })),
  ]);
  const sub = user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
  const poolGroups = (groupsAnswer.Groups ?? [])
    .slice()
    .sort((a, b) => (a.Precedence ?? Infinity) - (b.Precedence ?? Infinity))
    .flatMap((group) => (group.GroupName ? [group.GroupName] : []));
  const store = entitlementStore(sources.tables.entitlements, sources.db);
  const userKey = sub ? subjectKey({ kind: 'sub', id: sub }) : undefined;
  const own = userKey ? (await store.getMany([userKey])).get(userKey) : undefined;
  const groups = own?.groups ?? poolGroups;
  const groupKeys = groups.map((id) => subjectKey({ kind: 'group', id }));
  const found = groupKeys.length ? await store.getMany(groupKeys) : new Map<string, Entitlements | undefined>();
  return {
    username,
    ...(sub ? { sub } : {}),
    groups,
    rows: [
      ...(userKey ? [{ key: userKey, entitlements: own ?? null }] : []),
      ...groupKeys.map((key) => ({ key, entitlements: found.get(key) ?? null })),
    ],
  };
}
