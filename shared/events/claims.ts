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
 * Claims no trigger may add, override or suppress, in either token: the rows marked "No" in the developer
 * guide's "Claims and scopes reference" (user-pool-lambda-pre-token-generation). `c_hash` is not in that
 * table and is not reserved here. `cognito:` claims are reserved as a family: groups and roles change
 * only through groupOverrideDetails; groups may be suppressed, and that also drops the two role claims.
 */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'acr',
  'amr',
  'at_hash',
  'auth_time',
  'azp',
  'client_id',
  'device_key',
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

/**
 * The role claims. The guide's claims table lists them as suppressible, with footnote 3: "To suppress
 * the cognito:preferred_role and cognito:roles claims, add cognito:groups to claimsToSuppress". Naming
 * them alone does not remove them, but Cognito does not refuse it either: the rule allows it, because a
 * refusal would fail a sign-in Cognito lets through.
 */
export const ROLE_CLAIMS: ReadonlySet<string> = new Set(['cognito:preferred_role', 'cognito:roles']);

/** The `cognito:` claims a trigger may name in claimsToSuppress. */
export const SUPPRESSIBLE_COGNITO_CLAIMS: ReadonlySet<string> = new Set(['cognito:groups', ...ROLE_CLAIMS]);

/** Claims Cognito refuses in claimsToAddOrOverride. `dev:` attributes can be suppressed, never set. */
export function isReservedForAdding(name: string): boolean {
  return RESERVED_CLAIMS.has(name) || name.startsWith('cognito:') || name.startsWith('dev:');
}

/** Claims Cognito refuses in claimsToSuppress. */
export function isReservedForSuppressing(name: string): boolean {
  return RESERVED_CLAIMS.has(name) || (name.startsWith('cognito:') && !SUPPRESSIBLE_COGNITO_CLAIMS.has(name));
}

/**
 * ID-token claims whose values stay scalar even in V2/V3: "In the ID token, you can populate complex
 * objects to the values of claims except for phone_number_verified, email_verified, updated_at, and
 * address" (developer guide).
 */
export const ID_TOKEN_SCALAR_CLAIMS: ReadonlySet<string> = new Set([
  'phone_number_verified',
  'email_verified',
  'updated_at',
  'address',
]);
