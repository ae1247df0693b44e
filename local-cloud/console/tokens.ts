/**
 * A sign-in's tokens as the console shows them: their decoded claims, each marked with what pre token
 * generation did to it, and never the tokens themselves. Used for the sign-ins the recorder sees at the
 * outermost stand-in (the Users view's last sign-in) and for Try it's own answers.
 */
import type { InvocationRecord } from './recorder.ts';

export interface MarkedClaim {
  name: string;
  value: unknown;
  /** Set by the pre token generation answer (claimsToAddOrOverride, groups), or left as Cognito made it. */
  added: boolean;
}

export interface DecodedTokens {
  id: MarkedClaim[];
  access: MarkedClaim[];
  /** Claims pre token generation removed (claimsToSuppress), which the tokens therefore lack. */
  suppressed: string[];
}

const asObject = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** A JWT's payload, unverified: the console shows what a client received, it does not trust it. */
export function jwtClaims(token: string | undefined): Record<string, unknown> {
  const payload = token?.split('.')[1];
  if (!payload) return {};
  try {
    return asObject(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return {};
  }
}

/** Whether an invocation is a pre token generation (any of its trigger sources). */
export const isPreTokenGeneration = (invocation: InvocationRecord) =>
  (invocation.triggerSource ?? '').startsWith('TokenGeneration_');

/** The claim names a pre token generation answer set, per token, and those it suppressed. */
export interface ClaimChanges {
  id: string[];
  access: string[];
  suppressed: string[];
}

/**
 * What a pre token generation answer (the event the function returned) did to the claims: V1
 * (`claimsOverrideDetails`) and V2/V3 (`claimsAndScopeOverrideDetails`, per token). Read from the answer
 * as the function gave it, before redaction, which removes `idTokenGeneration` and
 * `accessTokenGeneration` whole (their names hold "token"); only names are kept, never a value.
 */
export function claimChangesOf(answer: unknown): ClaimChanges {
  const id = new Set<string>();
  const access = new Set<string>();
  const suppressed = new Set<string>();
  const response = asObject(asObject(answer).response);
  const v1 = asObject(response.claimsOverrideDetails);
  const v2 = asObject(response.claimsAndScopeOverrideDetails);
  const isV2 = Object.keys(v2).length > 0;
  const idDetails = isV2 ? asObject(v2.idTokenGeneration) : v1;
  const accessDetails = asObject(v2.accessTokenGeneration);
  const groups = isV2 ? asObject(v2.groupOverrideDetails) : asObject(v1.groupOverrideDetails);
  for (const name of Object.keys(asObject(idDetails.claimsToAddOrOverride))) id.add(name);
  for (const name of Object.keys(asObject(accessDetails.claimsToAddOrOverride))) access.add(name);
  // "Your groupOverrideDetails object will replace the cognito:groups claim in access tokens as well as
  // ID tokens" (developer guide, pre token generation response parameters).
  if (Object.keys(groups).length > 0) {
    for (const name of ['cognito:groups', 'cognito:roles', 'cognito:preferred_role']) id.add(name);
    access.add('cognito:groups');
  }
  for (const list of [idDetails.claimsToSuppress, accessDetails.claimsToSuppress]) {
    if (Array.isArray(list)) for (const name of list) if (typeof name === 'string') suppressed.add(name);
  }
  return { id: [...id], access: [...access], suppressed: [...suppressed] };
}

/** The ID and access tokens' claims, marked by the pre token generation that ran for them (if any). */
export function decodedTokens(
  tokens: { IdToken?: string; AccessToken?: string },
  preToken: InvocationRecord | undefined,
): DecodedTokens {
  const changes = preToken?.claimChanges ?? { id: [], access: [], suppressed: [] };
  const mark = (claims: Record<string, unknown>, added: readonly string[]) =>
    Object.entries(claims).map(([name, value]) => ({ name, value, added: added.includes(name) }));
  return {
    id: mark(jwtClaims(tokens.IdToken), changes.id),
    access: mark(jwtClaims(tokens.AccessToken), changes.access),
    suppressed: changes.suppressed,
  };
}
