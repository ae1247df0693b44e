/**
 * What a token gets: the entitlements of the user, of the user's groups and of the app client, merged,
 * then cleaned of everything Cognito would refuse or that would let a grant change who the token is
 * about. Pure: the handler reads the store and the event; this decides.
 */
import {
  ID_TOKEN_SCALAR_CLAIMS,
  isClaimValue,
  isReservedForAdding,
  type ClaimValue,
} from '../../shared/events/claims.ts';
import { STANDARD_ATTRIBUTES } from '../../shared/events/attributes.ts';
import { isIamRoleArn, type Entitlements } from '../../shared/stores/entitlements.ts';

/** The claims the entitlements' own fields become. */
export const CLAIM_NAMES = { tenant: 'tenant', roles: 'roles', permissions: 'permissions' } as const;

/**
 * Claims that say who the user is (OpenID Connect's standard claims) or who the token is for (`aud`):
 * a grant may not set them. An administrator's typo in a store row must not turn one user's ID token
 * into another's e-mail address or mark an address verified; they come from the pool's attributes only.
 */
export const IDENTITY_CLAIMS: ReadonlySet<string> = new Set(['aud', ...STANDARD_ATTRIBUTES, ...ID_TOKEN_SCALAR_CLAIMS]);

/** The claims a grant, or a trusted attribute, may never set. */
export function isForbiddenClaim(name: string): boolean {
  return (
    name.length === 0 ||
    isReservedForAdding(name) ||
    IDENTITY_CLAIMS.has(name) ||
    ['__proto__', 'constructor', 'prototype'].includes(name)
  );
}

/** "You can't add scope values that contain one or more blank-space characters" (developer guide). */
export const isValidScope = (scope: string): boolean => scope.length > 0 && scope.length <= 256 && !/\s/u.test(scope);

export interface Grant {
  /** Claims to add, in the order they are given up when the size budget is exceeded (see budget.ts). */
  claims: Record<string, ClaimValue>;
  scopesToAdd: string[];
  scopesToSuppress: string[];
  /** Replaces `cognito:groups` when set. */
  groups?: string[];
  /** Replace `cognito:roles` and `cognito:preferred_role` when set (see mergeIamRoles). */
  iamRoles?: IamRoleGrant;
  /** Claim and scope names the grant held but may not set (logged by name and counted, never applied). */
  refused: string[];
}

export interface GrantSources {
  user?: Entitlements;
  /** In the order of the event's groups (Cognito sends them by precedence). */
  groups: ReadonlyArray<Entitlements | undefined>;
  /** The app client's row: client-credentials tokens only. */
  client?: Entitlements;
  /** Claims from attributes configured as trusted (see trustedAttributeClaims). Lowest precedence. */
  attributeClaims?: Record<string, string>;
}

export interface IamRoleGrant {
  roles: string[];
  /** Unset when no row names one and more than one role remains: the identity pool's role resolution decides. */
  preferredRole?: string;
}

/**
 * The IAM roles of a token, when an entitlement decides them: the user's row if it names any, else the
 * rows of the user's groups that name any, united in the groups' order (Cognito sends them by
 * precedence). The preferred role is the first of those rows' own (its `preferredRole`, or its role when
 * it names one only), else the one role if only one remains: the guide's rule for
 * `cognito:preferred_role` ("Using tokens to assign roles to users": the best-precedence group's role;
 * "If there is only one allowed role, cognito:preferred_role is set to that role"). Undefined when no row names roles: the request's own roles stay. A row whose
 * ARN is no IAM role ARN, or whose preferred role is not among its roles, has that value refused.
 */
export function mergeIamRoles(
  user: Entitlements | undefined,
  groups: ReadonlyArray<Entitlements | undefined>,
  refused: string[],
): IamRoleGrant | undefined {
  const deciding = user?.iamRoles
    ? [user]
    : groups.filter((entry): entry is Entitlements => entry?.iamRoles !== undefined);
  if (deciding.length === 0) return undefined;
  const roles: string[] = [];
  const valid = (entry: Entitlements) => {
    const own = (entry.iamRoles ?? []).filter((arn) => {
      if (isIamRoleArn(arn)) return true;
      refused.push(`iamRole:${arn.slice(0, 80)}`);
      return false;
    });
    const preferred = entry.preferredRole;
    const preferredOk = preferred !== undefined && isIamRoleArn(preferred) && own.includes(preferred);
    if (preferred !== undefined && !preferredOk) refused.push('preferredRole');
    return { own, preferred: preferredOk ? preferred : undefined };
  };
  const rows = deciding.map(valid);
  for (const { own } of rows) for (const arn of own) if (!roles.includes(arn)) roles.push(arn);
  // Only the best-precedence row decides the preferred role: a later row's must not become the default.
  const first = rows[0];
  const preferredRole =
    first?.preferred ??
    (first?.own.length === 1 ? first.own[0] : undefined) ??
    (roles.length === 1 ? roles[0] : undefined);
  return { roles, ...(preferredRole !== undefined ? { preferredRole } : {}) };
}

const union = (lists: ReadonlyArray<readonly string[] | undefined>): string[] => [
  ...new Set(lists.flatMap((list) => list ?? [])),
];

/**
 * Merges entitlements: lists (roles, permissions, scopes, suppressions) are the union, user first; a
 * single value (tenant, a further claim) is the user's, else the first group's that has one, else the
 * client's, else a trusted attribute's.
 */
export function mergeGrant(sources: GrantSources): Grant {
  const ordered = [sources.user, ...sources.groups, sources.client].filter(
    (entry): entry is Entitlements => entry !== undefined,
  );
  const refused: string[] = [];
  const claims: Record<string, ClaimValue> = {};
  const set = (name: string, value: ClaimValue) => {
    if (isForbiddenClaim(name) || !isClaimValue(value)) refused.push(name);
    else if (!Object.hasOwn(claims, name)) claims[name] = value;
  };

  const tenant = ordered.find((entry) => entry.tenant !== undefined)?.tenant;
  if (tenant !== undefined) set(CLAIM_NAMES.tenant, tenant);
  const roles = union(ordered.map((entry) => entry.roles));
  if (roles.length) set(CLAIM_NAMES.roles, roles);
  const permissions = union(ordered.map((entry) => entry.permissions));
  if (permissions.length) set(CLAIM_NAMES.permissions, permissions);
  // Further claims may not stand in for the fields above: those are decided by the merge rule.
  const own = new Set<string>(Object.values(CLAIM_NAMES));
  for (const entry of ordered) {
    for (const [name, value] of Object.entries(entry.claims ?? {})) {
      if (own.has(name)) refused.push(name);
      else set(name, value);
    }
  }
  for (const [name, value] of Object.entries(sources.attributeClaims ?? {})) set(name, value);

  const scopesToSuppress = union(ordered.map((entry) => entry.suppressScopes)).filter(isValidScope);
  const suppressed = new Set(scopesToSuppress);
  const scopesToAdd: string[] = [];
  for (const scope of union(ordered.map((entry) => entry.scopes))) {
    if (!isValidScope(scope)) refused.push(`scope:${scope.slice(0, 40)}`);
    else if (!suppressed.has(scope)) scopesToAdd.push(scope);
  }
  const groups = sources.user?.groups;
  // A client's row never names IAM roles: client-credentials tokens have no ID token and no groups.
  const iamRoles = mergeIamRoles(sources.user, sources.groups, refused);
  return {
    claims,
    scopesToAdd,
    scopesToSuppress,
    ...(groups ? { groups: [...new Set(groups)] } : {}),
    ...(iamRoles ? { iamRoles } : {}),
    refused: [...new Set(refused)],
  };
}

/**
 * Scopes the request carries that only entitlements may grant: those under a managed prefix (a resource
 * server's identifier, `orders/`) that the grant does not add are suppressed, so an app client's allowed
 * scopes do not reach users the store does not entitle.
 */
export function unentitledScopes(
  requested: readonly string[],
  granted: readonly string[],
  managedPrefixes: readonly string[],
): string[] {
  const grantedSet = new Set(granted);
  return requested.filter(
    (scope) => !grantedSet.has(scope) && managedPrefixes.some((prefix) => scope.startsWith(prefix)),
  );
}

/**
 * Claims from user attributes an administrator declared trusted (read-only to every app client), by
 * attribute name → claim name. Values are taken as the strings they are: JSON in an attribute value
 * stays a string and never becomes an array or object. Every other attribute is ignored.
 */
export function trustedAttributeClaims(
  attributes: Readonly<Record<string, string>> | undefined,
  trusted: ReadonlyMap<string, string>,
): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [attribute, claim] of trusted) {
    const value = attributes && Object.hasOwn(attributes, attribute) ? attributes[attribute] : undefined;
    if (typeof value === 'string' && value !== '') claims[claim] = value;
  }
  return claims;
}
