/**
 * The answer Cognito gets, per version of the event, and the size rule. Pure.
 *
 * V1 (and cognito-local's "0"): ID token only, string values: arrays and objects are written as their
 * JSON text (`roles: "[\"admin\"]"`), numbers and booleans as text; scopes cannot be changed.
 * V2/V3: claims into the ID and/or access token (configuration), scopes added and suppressed on the
 * access token, JSON values as they are.
 *
 * Groups and IAM roles: "The groupOverrideDetails object is replaced with the one you provide. If you
 * provide an empty or null object in the response, then the groups are suppressed. To leave the existing
 * group configuration as is, copy the value of the request's groupConfiguration object" (developer guide,
 * pre token generation, response parameters). So the answer carries no override when the grant changes
 * neither groups nor roles, and a whole one, the request's values filling what the grant leaves, when it
 * changes either: an override of the groups alone would drop `cognito:roles` and `cognito:preferred_role`.
 */
import type { ClaimValue } from '../../shared/events/claims.ts';
import type { PreTokenGenerationV1Response, PreTokenGenerationV2Response } from '../../shared/events/index.ts';
import { CLAIM_NAMES, type Grant } from './grant.ts';

export type TokenKind = 'id' | 'access';

export interface AnswerOptions {
  version: '0' | '1' | '2' | '3';
  /** Which tokens carry the claims (V2/V3; V1 has the ID token only). */
  claimTokens: ReadonlySet<TokenKind>;
  /** Machine-to-machine tokens have no ID token: their claims go to the access token only. */
  clientCredentials: boolean;
  /** The request's groupConfiguration (currentGroups); absent, the user has no groups and no roles. */
  groupConfiguration?: CurrentGroups;
}

/** The request's groupConfiguration, read once: what an override copies where the grant says nothing. */
export interface CurrentGroups {
  groups: string[];
  iamRoles: string[];
  preferredRole?: string;
}

interface RequestGroupConfiguration {
  groupsToOverride?: string[] | null;
  iamRolesToOverride?: string[] | null;
  preferredRole?: string | string[] | null;
}

/**
 * `preferredRole` arrives as a string, null, or (the guide's own V2 test events) a list. The answer takes a
 * string: a one-element list is that role; a longer one names no single role, which is when Cognito itself
 * leaves `cognito:preferred_role` unset ("Using tokens to assign roles to users").
 */
export function currentGroups(configuration: RequestGroupConfiguration | null | undefined): CurrentGroups {
  const preferred = configuration?.preferredRole;
  const preferredRole = Array.isArray(preferred) ? (preferred.length === 1 ? preferred[0] : undefined) : preferred;
  return {
    groups: configuration?.groupsToOverride ?? [],
    iamRoles: configuration?.iamRolesToOverride ?? [],
    ...(typeof preferredRole === 'string' && preferredRole !== '' ? { preferredRole } : {}),
  };
}

export interface GroupOverride {
  groupsToOverride: string[];
  iamRolesToOverride: string[];
  preferredRole?: string;
}

/** The whole groupOverrideDetails when the grant changes groups or roles; undefined leaves Cognito's own. */
export function groupOverride(
  grant: Pick<Grant, 'groups' | 'iamRoles'>,
  current?: CurrentGroups,
): GroupOverride | undefined {
  if (!grant.groups && !grant.iamRoles) return undefined;
  const roles = grant.iamRoles ?? { roles: current?.iamRoles ?? [], preferredRole: current?.preferredRole };
  return {
    groupsToOverride: grant.groups ?? current?.groups ?? [],
    iamRolesToOverride: roles.roles,
    ...(roles.preferredRole !== undefined ? { preferredRole: roles.preferredRole } : {}),
  };
}

export type Answer = PreTokenGenerationV1Response | PreTokenGenerationV2Response;

const asString = (value: ClaimValue): string => (typeof value === 'string' ? value : JSON.stringify(value));

export function renderAnswer(grant: Grant, options: AnswerOptions): Answer {
  const hasClaims = Object.keys(grant.claims).length > 0;
  const override = options.clientCredentials ? undefined : groupOverride(grant, options.groupConfiguration);
  const groupOverrideDetails = override ? { groupOverrideDetails: override } : {};
  if (options.version === '0' || options.version === '1') {
    const claimsToAddOrOverride = Object.fromEntries(
      Object.entries(grant.claims).map(([name, value]) => [name, asString(value)]),
    );
    if (!hasClaims && !override) return {};
    return {
      claimsOverrideDetails: {
        ...(hasClaims ? { claimsToAddOrOverride } : {}),
        ...groupOverrideDetails,
      },
    };
  }
  const toId = !options.clientCredentials && options.claimTokens.has('id') && hasClaims;
  const toAccess = (options.clientCredentials || options.claimTokens.has('access')) && hasClaims;
  const scopes = {
    ...(grant.scopesToAdd.length ? { scopesToAdd: grant.scopesToAdd } : {}),
    ...(grant.scopesToSuppress.length ? { scopesToSuppress: grant.scopesToSuppress } : {}),
  };
  const access = { ...(toAccess ? { claimsToAddOrOverride: grant.claims } : {}), ...scopes };
  const details = {
    ...(toId ? { idTokenGeneration: { claimsToAddOrOverride: grant.claims } } : {}),
    ...(Object.keys(access).length ? { accessTokenGeneration: access } : {}),
    ...groupOverrideDetails,
  };
  return Object.keys(details).length ? { claimsAndScopeOverrideDetails: details } : {};
}

/** The size the rule counts: the answer serialised as JSON, in UTF-8 bytes. */
export const answerBytes = (answer: Answer): number => Buffer.byteLength(JSON.stringify(answer), 'utf8');

export interface Fitted {
  answer: Answer;
  bytes: number;
  /** Claims left out to fit, in the order they were given up. */
  dropped: string[];
  /** True when even the essentials do not fit: the token must not be issued. */
  refused: boolean;
}

/**
 * The size rule. Tokens travel in HTTP headers (often limited to 8 KiB per header), so what the
 * function adds stays within `maxBytes` of serialised answer. Over it, claims are given up, largest
 * first, among those whose absence only takes access away: the further claims from the store and
 * `permissions`. `tenant`, `roles`, scope changes and the groups and roles override are never given up (a token
 * without its tenant or with Cognito's groups instead of the override could grant more, not less);
 * if they alone exceed the budget, the token is refused.
 */
export function fitToBudget(grant: Grant, options: AnswerOptions, maxBytes: number): Fitted {
  const essential = new Set<string>([CLAIM_NAMES.tenant, CLAIM_NAMES.roles]);
  const claims = { ...grant.claims };
  const dropped: string[] = [];
  const render = () => renderAnswer({ ...grant, claims }, options);
  let answer = render();
  let bytes = answerBytes(answer);
  while (bytes > maxBytes) {
    const droppable = Object.entries(claims)
      .filter(([name]) => !essential.has(name))
      .map(([name, value]) => ({ name, size: Buffer.byteLength(JSON.stringify(value), 'utf8') + name.length }))
      .sort((a, b) => b.size - a.size || a.name.localeCompare(b.name));
    const largest = droppable[0];
    if (!largest) return { answer: {}, bytes, dropped, refused: true };
    delete claims[largest.name];
    dropped.push(largest.name);
    answer = render();
    bytes = answerBytes(answer);
  }
  return { answer, bytes, dropped, refused: false };
}
