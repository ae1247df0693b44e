/**
 * Pre token generation as Cognito applies it, which cognito-local 5.3 does not: it sends a V1 event
 * without the user's groups and applies only `claimsToAddOrOverride` / `claimsToSuppress` to the ID
 * token, and it never writes `cognito:roles` or `cognito:preferred_role`. This proxy stands in front of
 * it (cognito-local runs without its own PreTokenGeneration trigger): it forwards the calls that issue
 * tokens (InitiateAuth and AdminInitiateAuth with a password or a refresh token, RespondToAuthChallenge
 * NEW_PASSWORD_REQUIRED), then does what Cognito does before it answers:
 *
 * - the user's groups, by precedence, with their IAM roles and the preferred role, into both tokens'
 *   `cognito:groups` and the ID token's `cognito:roles` / `cognito:preferred_role` (developer guide,
 *   "Using tokens to assign roles to users");
 * - when a PreTokenGeneration function is attached, the event Cognito sends (V1 or V2, its
 *   `groupConfiguration` from those groups), and the whole answer applied: claims added and suppressed
 *   per token, scopes, and `groupOverrideDetails`, which replaces the whole group configuration (an
 *   empty or null one suppresses the groups) in the ID and the access token;
 * - the tokens signed again with cognito-local's own key, so they verify against the pool's JWKS.
 *
 * The CUSTOM_AUTH stand-in (custom-auth.ts) issues its tokens through the same functions. Every other
 * request is forwarded untouched. Unlike Cognito, post authentication (run inside cognito-local) has run
 * before pre token generation here.
 */
import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isReservedForAdding, isReservedForSuppressing } from '../shared/events/claims.ts';
import { forwardRequest } from './link-shim.ts';
import { listenOnLoopback, readBody } from './ports.ts';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const JSON_TYPE = { 'content-type': 'application/x-amz-json-1.1' };

type Claims = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];

export function cognitoLocalKey(): KeyObject {
  const root = dirname(createRequire(import.meta.url).resolve('cognito-local/package.json'));
  const file = JSON.parse(readFileSync(join(root, 'lib', 'keys', 'cognitoLocal.private.json'), 'utf8')) as {
    pem: string;
  };
  return createPrivateKey(file.pem);
}

/** A JWT as cognito-local signs them (RS256, its key id), so the pool's JWKS verifies it. */
export function signJwt(key: KeyObject, claims: Claims): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The claims of a token cognito-local issued (it signed it; nothing here trusts it further). */
export function jwtClaims(token: string): Claims {
  const payload = token.split('.')[1] ?? '';
  const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!isRecord(claims)) throw new Error('not a JWT');
  return claims;
}

export interface PoolGroup {
  GroupName?: string;
  RoleArn?: string;
  Precedence?: number;
}

/** What Cognito sends as `request.groupConfiguration` and writes into tokens without a trigger. */
export interface GroupConfiguration {
  groupsToOverride: string[];
  iamRolesToOverride: string[];
  preferredRole: string | null;
}

/**
 * The user's groups as Cognito reports them: by precedence (lowest first; a group without one last), the
 * roles of those groups, and the preferred role: "set to the role from the group with the best (lowest)
 * Precedence value. If there is only one allowed role, cognito:preferred_role is set to that role. If
 * there are multiple roles and no single role has the best precedence, this claim is not set" (developer
 * guide, "Using tokens to assign roles to users").
 */
export function groupConfigurationOf(groups: readonly PoolGroup[]): GroupConfiguration {
  const rank = (group: PoolGroup) => group.Precedence ?? Number.POSITIVE_INFINITY;
  const named = groups.filter((group) => group.GroupName).sort((a, b) => rank(a) - rank(b));
  const roles = [...new Set(named.flatMap((group) => (group.RoleArn ? [group.RoleArn] : [])))];
  const withRoles = named.filter((group) => group.RoleArn);
  const best = withRoles.length ? rank(withRoles[0] as PoolGroup) : undefined;
  const bestRoles = new Set(withRoles.filter((group) => rank(group) === best).map((group) => group.RoleArn));
  const preferredRole = roles.length === 1 ? roles[0] : bestRoles.size === 1 ? [...bestRoles][0] : undefined;
  return {
    groupsToOverride: named.map((group) => group.GroupName as string),
    iamRolesToOverride: roles,
    preferredRole: preferredRole ?? null,
  };
}

/** Writes a group configuration into the tokens: groups into both, the role claims into the ID token only. */
function withGroups(id: Claims, access: Claims, groups: GroupConfiguration | null): { id: Claims; access: Claims } {
  const nextId = { ...id };
  const nextAccess = { ...access };
  for (const claims of [nextId, nextAccess]) delete claims['cognito:groups'];
  delete nextId['cognito:roles'];
  delete nextId['cognito:preferred_role'];
  if (groups?.groupsToOverride.length) {
    nextId['cognito:groups'] = groups.groupsToOverride;
    nextAccess['cognito:groups'] = groups.groupsToOverride;
  }
  if (groups?.iamRolesToOverride.length) nextId['cognito:roles'] = groups.iamRolesToOverride;
  if (groups?.preferredRole) nextId['cognito:preferred_role'] = groups.preferredRole;
  return { id: nextId, access: nextAccess };
}

/** The tokens Cognito issues before any trigger: cognito-local's, with the groups and roles it leaves out. */
export const tokensWithGroups = (id: Claims, access: Claims, groups: GroupConfiguration) =>
  withGroups(id, access, groups);

interface TokenChanges {
  claimsToAddOrOverride?: unknown;
  claimsToSuppress?: unknown;
  scopesToAdd?: unknown;
  scopesToSuppress?: unknown;
}

/** Claims added, then suppressed ("If a value is both suppressed and replaced, then it will be suppressed"). */
function changeClaims(claims: Claims, changes: TokenChanges | undefined, stringsOnly: boolean): Claims {
  if (!changes) return claims;
  const next = { ...claims };
  const added = isRecord(changes.claimsToAddOrOverride) ? changes.claimsToAddOrOverride : {};
  for (const [name, value] of Object.entries(added)) {
    // Our functions' answers pass the library's rules; what Cognito would refuse is not applied here.
    if (isReservedForAdding(name) || name === 'aud' || value === null) continue;
    next[name] = stringsOnly && typeof value !== 'string' ? String(value) : value;
  }
  const suppressed = strings(changes.claimsToSuppress);
  for (const name of suppressed) if (!isReservedForSuppressing(name) && name !== 'aud') delete next[name];
  // "To suppress the cognito:preferred_role and cognito:roles claims, add cognito:groups to claimsToSuppress".
  if (suppressed.includes('cognito:groups')) {
    delete next['cognito:roles'];
    delete next['cognito:preferred_role'];
  }
  return next;
}

function changeScopes(access: Claims, changes: TokenChanges | undefined): Claims {
  if (!changes || (!Array.isArray(changes.scopesToAdd) && !Array.isArray(changes.scopesToSuppress))) return access;
  const suppressed = new Set(strings(changes.scopesToSuppress));
  const scopes = [...new Set([...String(access.scope ?? '').split(' '), ...strings(changes.scopesToAdd)])].filter(
    (scope) => scope !== '' && !suppressed.has(scope),
  );
  return { ...access, scope: scopes.join(' ') };
}

/** A group override as the answer states it: null or an empty object suppresses the groups. */
function overrideOf(value: unknown): GroupConfiguration | null {
  if (!isRecord(value)) return null;
  const preferred = value.preferredRole;
  return {
    groupsToOverride: strings(value.groupsToOverride),
    iamRolesToOverride: strings(value.iamRolesToOverride),
    preferredRole: typeof preferred === 'string' && preferred !== '' ? preferred : null,
  };
}

/**
 * The tokens after a pre token generation answer, as Cognito applies it. V1 (`claimsOverrideDetails`):
 * string claims into the ID token; V2/V3 (`claimsAndScopeOverrideDetails`): claims per token and the
 * access token's scopes. Both: `groupOverrideDetails` "is replaced with the one you provide. If you
 * provide an empty or null object in the response, then the groups are suppressed", and it "will replace
 * the cognito:groups claim in access tokens as well as ID tokens" (developer guide, pre token generation).
 * The override is applied first, so a claim suppression still removes what it names.
 */
export function applyPreTokenAnswer(
  tokens: { id: Claims; access: Claims },
  response: Record<string, unknown>,
  version: string,
): { id: Claims; access: Claims } {
  const v1 = version === '0' || version === '1';
  const details = v1 ? response.claimsOverrideDetails : response.claimsAndScopeOverrideDetails;
  if (!isRecord(details)) return tokens;
  let { id, access } = tokens;
  if (Object.hasOwn(details, 'groupOverrideDetails')) {
    const override = details.groupOverrideDetails;
    ({ id, access } = withGroups(
      id,
      access,
      isRecord(override) && Object.keys(override).length ? overrideOf(override) : null,
    ));
  }
  if (v1) return { id: changeClaims(id, details as TokenChanges, true), access };
  const idChanges = isRecord(details.idTokenGeneration) ? (details.idTokenGeneration as TokenChanges) : undefined;
  const accessChanges = isRecord(details.accessTokenGeneration)
    ? (details.accessTokenGeneration as TokenChanges)
    : undefined;
  return {
    id: changeClaims(id, idChanges, false),
    access: changeScopes(changeClaims(access, accessChanges, false), accessChanges),
  };
}

/** A trigger's failure, as Cognito reports it to the client. */
export class TriggerFailure extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PreTokenEventInput {
  version: '1' | '2';
  triggerSource: string;
  userPoolId: string;
  userName: string;
  clientId: string;
  userAttributes: Record<string, string>;
  groupConfiguration: GroupConfiguration;
  scopes: string[];
  clientMetadata?: Record<string, string>;
}

/** The event Cognito sends for a V1_0 or V2_0 trigger (V2 adds the access token's scopes). */
export function preTokenEvent(input: PreTokenEventInput): Record<string, unknown> {
  return {
    version: input.version,
    triggerSource: input.triggerSource,
    region: 'local',
    userPoolId: input.userPoolId,
    userName: input.userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: input.clientId },
    request: {
      userAttributes: input.userAttributes,
      groupConfiguration: input.groupConfiguration,
      ...(input.version === '2' ? { scopes: input.scopes } : {}),
      ...(input.clientMetadata ? { clientMetadata: input.clientMetadata } : {}),
    },
    response: input.version === '2' ? { claimsAndScopeOverrideDetails: null } : { claimsOverrideDetails: null },
  };
}

/** Invokes a function at the Lambda endpoint as Cognito does; its failure is Cognito's answer to the client. */
export async function invokeTrigger(
  lambdaEndpoint: string,
  functionName: string,
  trigger: string,
  event: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(
    `${lambdaEndpoint}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) },
  );
  const text = await response.text();
  let payload: unknown;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    payload = undefined;
  }
  if (!response.ok || response.headers.get('x-amz-function-error')) {
    const message = isRecord(payload) && typeof payload.errorMessage === 'string' ? payload.errorMessage : 'Unhandled';
    throw new TriggerFailure('UserLambdaValidationException', `${trigger} failed with error ${message}.`);
  }
  if (!isRecord(payload) || !isRecord(payload.response))
    throw new TriggerFailure('InvalidLambdaResponseException', 'Unrecognizable lambda output');
  return payload.response;
}

export interface TokenGenerationOptions {
  /** Where requests go (the link shim, or cognito-local itself). */
  upstream: string;
  userPoolId: string;
  lambdaEndpoint: string;
  /** The PreTokenGeneration function at the Lambda endpoint; absent, tokens get groups and roles only. */
  functionName?: string;
  /** The pool's PreTokenGenerationConfig LambdaVersion: V1_0 ("1") or V2_0 ("2"). */
  eventVersion?: '1' | '2';
  port?: number;
}

export interface TokenGenerationStandIn {
  endpoint: string;
  /**
   * Issues tokens as Cognito does, from tokens cognito-local (or a stand-in) built without groups, roles
   * or trigger: used by the CUSTOM_AUTH stand-in.
   */
  issue(input: IssueInput): Promise<{ id: Claims; access: Claims }>;
  stop(): Promise<void>;
}

export interface IssueInput {
  id: Claims;
  access: Claims;
  triggerSource: string;
  userName: string;
  clientId: string;
  clientMetadata?: Record<string, string>;
}

/** The calls that issue tokens, and the trigger source Cognito names them by. */
function sourceOf(operation: string, input: Record<string, unknown>): string | undefined {
  const flow = input.AuthFlow;
  if (operation === 'InitiateAuth' || operation === 'AdminInitiateAuth') {
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') return 'TokenGeneration_RefreshTokens';
    if (flow === 'USER_PASSWORD_AUTH' || flow === 'ADMIN_USER_PASSWORD_AUTH' || flow === 'ADMIN_NO_SRP_AUTH')
      return 'TokenGeneration_Authentication';
  }
  if (operation === 'RespondToAuthChallenge' && input.ChallengeName === 'NEW_PASSWORD_REQUIRED')
    return 'TokenGeneration_NewPasswordChallenge';
  return undefined;
}

/** One call to the user pool (behind the stand-in), answering its JSON. */
export type PoolCall = <T>(operation: string, input: unknown) => Promise<T>;

export interface IssuerOptions {
  pool: PoolCall;
  userPoolId: string;
  lambdaEndpoint: string;
  /** The PreTokenGeneration function at the Lambda endpoint; absent, tokens get groups and roles only. */
  functionName?: string;
  eventVersion?: '1' | '2';
}

/**
 * Issues tokens as Cognito does, from tokens built without groups, roles or trigger (cognito-local's, or
 * the CUSTOM_AUTH stand-in's): the user's groups and roles, then the pre token generation answer.
 */
export function tokenIssuer(options: IssuerOptions): (input: IssueInput) => Promise<{ id: Claims; access: Claims }> {
  const version = options.eventVersion ?? '1';
  const { pool } = options;
  return async function issue(input) {
    const [user, groups] = await Promise.all([
      pool<{ UserAttributes?: Array<{ Name: string; Value?: string }>; UserStatus?: string }>('AdminGetUser', {
        UserPoolId: options.userPoolId,
        Username: input.userName,
      }),
      pool<{ Groups?: PoolGroup[] }>('AdminListGroupsForUser', {
        UserPoolId: options.userPoolId,
        Username: input.userName,
      }),
    ]);
    const groupConfiguration = groupConfigurationOf(groups.Groups ?? []);
    const tokens = tokensWithGroups(input.id, input.access, groupConfiguration);
    if (!options.functionName) return tokens;
    const event = preTokenEvent({
      version,
      triggerSource: input.triggerSource,
      userPoolId: options.userPoolId,
      userName: input.userName,
      clientId: input.clientId,
      userAttributes: {
        ...Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value ?? ''])),
        'cognito:user_status': user.UserStatus ?? 'CONFIRMED',
      },
      groupConfiguration,
      scopes: String(tokens.access.scope ?? '')
        .split(' ')
        .filter(Boolean),
      clientMetadata: input.clientMetadata,
    });
    const answer = await invokeTrigger(options.lambdaEndpoint, options.functionName, 'PreTokenGeneration', event);
    return applyPreTokenAnswer(tokens, answer, version);
  };
}

export async function startTokenGeneration(options: TokenGenerationOptions): Promise<TokenGenerationStandIn> {
  const target = new URL(options.upstream);
  let key: KeyObject | undefined;

  async function pool<T>(operation: string, input: unknown): Promise<T> {
    const response = await fetch(options.upstream, {
      method: 'POST',
      headers: { ...JSON_TYPE, 'x-amz-target': `${TARGET_PREFIX}${operation}` },
      body: JSON.stringify(input),
    });
    if (!response.ok) throw new Error(`${operation} answered ${response.status}`);
    return (await response.json()) as T;
  }

  const issue = tokenIssuer({ ...options, pool });

  /** Forwards a token-issuing call and rewrites the tokens of a successful answer. */
  async function tokenCall(
    headers: Record<string, string>,
    body: Buffer,
    input: Record<string, unknown>,
    source: string,
  ) {
    const upstream = await fetch(options.upstream, { method: 'POST', headers, body });
    const text = await upstream.text();
    const passOn = { status: upstream.status, headers: Object.fromEntries(upstream.headers), text };
    if (!upstream.ok) return passOn;
    const answer = JSON.parse(text) as { AuthenticationResult?: Record<string, unknown> };
    const result = answer.AuthenticationResult;
    if (typeof result?.IdToken !== 'string' || typeof result.AccessToken !== 'string') return passOn;
    const id = jwtClaims(result.IdToken);
    const access = jwtClaims(result.AccessToken);
    const clientMetadata = isRecord(input.ClientMetadata)
      ? (input.ClientMetadata as Record<string, string>)
      : undefined;
    const issued = await issue({
      id,
      access,
      triggerSource: source,
      userName: String(id['cognito:username'] ?? access.username ?? ''),
      clientId: String(input.ClientId ?? access.client_id ?? ''),
      clientMetadata,
    });
    key ??= cognitoLocalKey();
    const rewritten = JSON.stringify({
      ...answer,
      AuthenticationResult: { ...result, IdToken: signJwt(key, issued.id), AccessToken: signJwt(key, issued.access) },
    });
    return { status: 200, headers: { ...JSON_TYPE }, text: rewritten };
  }

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const header = request.headers['x-amz-target'];
      const operation =
        typeof header === 'string' && header.startsWith(TARGET_PREFIX) ? header.slice(TARGET_PREFIX.length) : '';
      let input: Record<string, unknown> = {};
      try {
        const parsed: unknown = operation ? JSON.parse(body.toString('utf8') || '{}') : {};
        if (isRecord(parsed)) input = parsed;
      } catch {
        // Not JSON: the pool behind answers it.
      }
      const source = sourceOf(operation, input);
      if (!source) {
        forwardRequest(target, request, body, response);
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).flatMap(([name, value]) =>
          typeof value === 'string' && name !== 'host' && name !== 'content-length' ? [[name, value]] : [],
        ),
      );
      try {
        const answer = await tokenCall(headers, body, input, source);
        const {
          'content-length': _length,
          'content-encoding': _compressed,
          'transfer-encoding': _encoding,
          ...kept
        } = answer.headers;
        response.writeHead(answer.status, kept).end(answer.text);
      } catch (error) {
        const failure =
          error instanceof TriggerFailure ? error : new TriggerFailure('InternalErrorException', String(error));
        response
          .writeHead(failure.type === 'InternalErrorException' ? 500 : 400, {
            ...JSON_TYPE,
            'x-amzn-errortype': failure.type,
          })
          .end(JSON.stringify({ __type: failure.type, message: failure.message }));
      }
    })();
  });
  const listener = await listenOnLoopback(server, options.port);
  return { endpoint: listener.endpoint, issue, stop: listener.close };
}
