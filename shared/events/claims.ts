/**
 * Token claims as pre token generation may set them, and the claims Cognito reserves for itself.
 * @types/aws-lambda types V2/V3 claim values as strings only; Cognito accepts any JSON value but null.
 */
export type ClaimValue = string | number | boolean | ClaimValue[] | { [key: string]: ClaimValue };

export function isClaimValue(value: unknown): value is ClaimValue {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isClaimValue);
  if (typeof value === 'object' && value !== null) return Object.values(value).every(isClaimValue);
  return false;
}

/**
 * Claims no trigger may add, override or suppress, in either token. `cognito:` claims are reserved as a
 * family; groups and roles change only through groupOverrideDetails.
 */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'acr',
  'amr',
  'at_hash',
  'auth_time',
  'azp',
  'c_hash',
  'client_id',
  'event_id',
  'exp',
  'iat',
  'identities',
  'iss',
  'jti',
  'nbf',
  'nonce',
  'origin_jti',
  'scope',
  'sub',
  'token_use',
  'username',
  'version',
]);

export function isReservedClaim(name: string): boolean {
  return RESERVED_CLAIMS.has(name) || name.startsWith('cognito:');
}

/** Scopes that only Cognito grants: a trigger may neither add nor suppress them. */
export const RESERVED_SCOPES: ReadonlySet<string> = new Set(['openid', 'aws.cognito.signin.user.admin']);
