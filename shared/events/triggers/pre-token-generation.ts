/** Pre token generation: V1 (ID token claims), V2 (ID and access token claims, scopes), V3 (adds M2M). */
import * as v from 'valibot';
import { commonFields, optionalStringMap, stringMap } from '../schema.ts';
import { violation, type Violation } from '../rules.ts';
import type { EventKind, TriggerDefinition, WithResponse } from '../definition.ts';
import {
  ID_TOKEN_SCALAR_CLAIMS,
  isClaimValue,
  isReservedForAdding,
  isReservedForSuppressing,
  type ClaimValue,
} from '../claims.ts';
import { sampleCommon, sampleUserAttributes, SAMPLE } from '../sample-values.ts';

export const USER_TOKEN_SOURCES = [
  'TokenGeneration_HostedAuth',
  'TokenGeneration_Authentication',
  'TokenGeneration_NewPasswordChallenge',
  'TokenGeneration_AuthenticateDevice',
  'TokenGeneration_RefreshTokens',
] as const;
export const CLIENT_CREDENTIALS_SOURCE = 'TokenGeneration_ClientCredentials';
export type PreTokenGenerationSource = (typeof USER_TOKEN_SOURCES)[number] | typeof CLIENT_CREDENTIALS_SOURCE;

const groupOverrideDetails = v.looseObject({
  groupsToOverride: v.nullish(v.array(v.string())),
  iamRolesToOverride: v.nullish(v.array(v.string())),
  preferredRole: v.nullish(v.string()),
});

/** The developer guide's own V2 test events send preferredRole as an array; nothing here reads it. */
const groupConfiguration = v.nullish(
  v.looseObject({
    groupsToOverride: v.nullish(v.array(v.string())),
    iamRolesToOverride: v.nullish(v.array(v.string())),
    preferredRole: v.nullish(v.union([v.string(), v.array(v.string())])),
  }),
);

const userRequest = {
  userAttributes: stringMap(),
  groupConfiguration,
  clientMetadata: optionalStringMap(),
};

const base = <V extends string>(version: V) => ({
  ...commonFields,
  version: v.literal(version),
  response: v.looseObject({}),
});

/** cognito-local sends V1 events as version "0". */
const v1 = v.looseObject({
  ...commonFields,
  version: v.picklist(['1', '0']),
  response: v.looseObject({}),
  triggerSource: v.picklist(USER_TOKEN_SOURCES),
  request: v.looseObject(userRequest),
});
const v2 = v.looseObject({
  ...base('2'),
  triggerSource: v.picklist(USER_TOKEN_SOURCES),
  request: v.looseObject({ ...userRequest, scopes: v.optional(v.array(v.string())) }),
});
const v3User = v.looseObject({
  ...base('3'),
  triggerSource: v.picklist(USER_TOKEN_SOURCES),
  request: v.looseObject({
    ...userRequest,
    userAttributes: v.optional(stringMap()),
    scopes: v.optional(v.array(v.string())),
  }),
});
/** Machine-to-machine requests have no user: Cognito sends userName and userAttributes null, empty or not at all. */
const v3ClientCredentials = v.looseObject({
  ...base('3'),
  userName: v.nullish(v.string()),
  triggerSource: v.literal(CLIENT_CREDENTIALS_SOURCE),
  request: v.looseObject({
    userAttributes: v.nullish(stringMap()),
    groupConfiguration,
    clientMetadata: optionalStringMap(),
    scopes: v.optional(v.array(v.string())),
  }),
});
const v3 = v.variant('triggerSource', [v3User, v3ClientCredentials]);
const event = v.variant('version', [v1, v2, v3]);

const claimMap = v.custom<Record<string, ClaimValue>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'expected object',
);
const groupOverride = v.nullish(groupOverrideDetails);

const responseV1 = v.looseObject({
  claimsOverrideDetails: v.nullish(
    v.looseObject({
      claimsToAddOrOverride: v.nullish(stringMap()),
      claimsToSuppress: v.nullish(v.array(v.string())),
      groupOverrideDetails: groupOverride,
    }),
  ),
});

const tokenGeneration = {
  claimsToAddOrOverride: v.nullish(claimMap),
  claimsToSuppress: v.nullish(v.array(v.string())),
};
const responseV2 = v.looseObject({
  claimsAndScopeOverrideDetails: v.nullish(
    v.looseObject({
      idTokenGeneration: v.nullish(v.looseObject(tokenGeneration)),
      accessTokenGeneration: v.nullish(
        v.looseObject({
          ...tokenGeneration,
          scopesToAdd: v.nullish(v.array(v.string())),
          scopesToSuppress: v.nullish(v.array(v.string())),
        }),
      ),
      groupOverrideDetails: groupOverride,
    }),
  ),
});

export type PreTokenGenerationV1Response = v.InferOutput<typeof responseV1>;
export type PreTokenGenerationV2Response = v.InferOutput<typeof responseV2>;
export type PreTokenGenerationResponse = PreTokenGenerationV1Response | PreTokenGenerationV2Response;

export type PreTokenGenerationV1Event = WithResponse<v.InferOutput<typeof v1>, PreTokenGenerationV1Response>;
export type PreTokenGenerationV2Event = WithResponse<v.InferOutput<typeof v2>, PreTokenGenerationV2Response>;
export type PreTokenGenerationV3Event = WithResponse<v.InferOutput<typeof v3>, PreTokenGenerationV2Response>;
export type PreTokenGenerationEvent = PreTokenGenerationV1Event | PreTokenGenerationV2Event | PreTokenGenerationV3Event;

interface ClaimRuleOptions {
  stringsOnly: boolean;
  /** The client id `aud` may be set to; null where `aud` is never writable (V1, and every ID token). */
  audienceOf: string | null;
  /** ID tokens keep some claims scalar even where V2/V3 allow JSON values. */
  scalarClaims: ReadonlySet<string>;
}

const isScalar = (value: unknown) => typeof value !== 'object' || value === null;

function claimRules(
  path: string,
  added: Record<string, unknown> | null | undefined,
  suppressed: readonly string[] | null | undefined,
  options: ClaimRuleOptions,
): Violation[] {
  const found: Violation[] = [];
  for (const [name, value] of Object.entries(added ?? {})) {
    const claimPath = `${path}.claimsToAddOrOverride.${name}`;
    const audienceOfThisClient = name === 'aud' && options.audienceOf !== null && value === options.audienceOf;
    if (isReservedForAdding(name) || (name === 'aud' && !audienceOfThisClient)) {
      found.push(violation(claimPath, 'reserved claim: Cognito sets it and rejects a change'));
    } else if (options.stringsOnly ? typeof value !== 'string' : !isClaimValue(value)) {
      found.push(
        violation(
          claimPath,
          options.stringsOnly
            ? 'V1 claim values must be strings'
            : 'claim values must be JSON (string, number, boolean, array or object), not null',
        ),
      );
    } else if (options.scalarClaims.has(name) && !isScalar(value)) {
      found.push(violation(claimPath, 'must be a string, number or boolean in the ID token'));
    }
  }
  (suppressed ?? []).forEach((name, index) => {
    if (isReservedForSuppressing(name) || name === 'aud')
      found.push(violation(`${path}.claimsToSuppress[${index}]`, `reserved claim ${name} cannot be suppressed`));
  });
  return found;
}

/** "You can't add scope values that contain one or more blank-space characters" (developer guide). */
function scopesToAddRules(path: string, scopes: readonly string[] | null | undefined): Violation[] {
  const found: Violation[] = [];
  (scopes ?? []).forEach((scope, index) => {
    if (scope.length === 0 || /\s/u.test(scope))
      found.push(violation(`${path}[${index}]`, 'a scope is one non-empty word without spaces'));
  });
  return found;
}

/** A field of the other version's answer: Cognito reads only its own version's field. */
function otherVersionField(answer: object, field: string, message: string): Violation[] {
  const value = (answer as Record<string, unknown>)[field];
  return value === undefined || value === null ? [] : [violation(`response.${field}`, message)];
}

function rules(evt: PreTokenGenerationEvent, answer: PreTokenGenerationResponse): Violation[] {
  if (evt.version !== '2' && evt.version !== '3') {
    const details = (answer as PreTokenGenerationV1Response).claimsOverrideDetails;
    return [
      ...otherVersionField(
        answer,
        'claimsAndScopeOverrideDetails',
        'the V2/V3 answer to a V1 event: write claimsOverrideDetails',
      ),
      ...claimRules('response.claimsOverrideDetails', details?.claimsToAddOrOverride, details?.claimsToSuppress, {
        stringsOnly: true,
        audienceOf: null,
        scalarClaims: ID_TOKEN_SCALAR_CLAIMS,
      }),
    ];
  }
  // `aud` may be set in the access token only, and only to the app client the tokens are issued to: the
  // guide's claims table has no `aud` to add in the ID token; its footnote 4 allows the access token's.
  const audienceOf = evt.callerContext.clientId ?? null;
  const details = (answer as PreTokenGenerationV2Response).claimsAndScopeOverrideDetails;
  const idToken = details?.idTokenGeneration;
  const accessToken = details?.accessTokenGeneration;
  const root = 'response.claimsAndScopeOverrideDetails';
  return [
    ...otherVersionField(
      answer,
      'claimsOverrideDetails',
      'the V1 answer to a V2/V3 event: write claimsAndScopeOverrideDetails',
    ),
    ...claimRules(`${root}.idTokenGeneration`, idToken?.claimsToAddOrOverride, idToken?.claimsToSuppress, {
      stringsOnly: false,
      audienceOf: null,
      scalarClaims: ID_TOKEN_SCALAR_CLAIMS,
    }),
    ...claimRules(`${root}.accessTokenGeneration`, accessToken?.claimsToAddOrOverride, accessToken?.claimsToSuppress, {
      stringsOnly: false,
      audienceOf,
      scalarClaims: new Set<string>(),
    }),
    ...scopesToAddRules(`${root}.accessTokenGeneration.scopesToAdd`, accessToken?.scopesToAdd),
  ];
}

function sample(kind: EventKind): PreTokenGenerationEvent {
  const groupConfig = { groupsToOverride: ['readers'], iamRolesToOverride: [], preferredRole: null };
  const common = sampleCommon();
  const source = kind.triggerSource as (typeof USER_TOKEN_SOURCES)[number];
  if (kind.version === '1') {
    return {
      ...common,
      version: '1',
      triggerSource: source,
      request: { userAttributes: sampleUserAttributes(), groupConfiguration: groupConfig },
      response: {},
    };
  }
  // Sign-in through the user pools API grants only this scope; managed login grants the OAuth scopes.
  const scopes =
    kind.triggerSource === 'TokenGeneration_HostedAuth'
      ? ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin']
      : ['aws.cognito.signin.user.admin'];
  const response = {};
  if (kind.triggerSource === CLIENT_CREDENTIALS_SOURCE) {
    return {
      ...common,
      version: '3',
      triggerSource: CLIENT_CREDENTIALS_SOURCE,
      userName: SAMPLE.clientId,
      request: {
        userAttributes: {},
        groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
        scopes: ['orders/read'],
      },
      response,
    };
  }
  const request = { userAttributes: sampleUserAttributes(), groupConfiguration: groupConfig, scopes };
  return kind.version === '3'
    ? { ...common, version: '3', triggerSource: source, request, response }
    : { ...common, version: '2', triggerSource: source, request, response };
}

export const preTokenGeneration: TriggerDefinition<
  PreTokenGenerationEvent,
  PreTokenGenerationResponse,
  'PreTokenGeneration'
> = {
  name: 'PreTokenGeneration',
  kinds: [
    ...USER_TOKEN_SOURCES.map((triggerSource) => ({ triggerSource, version: '2' })),
    ...USER_TOKEN_SOURCES.map((triggerSource) => ({ triggerSource, version: '1' })),
    { triggerSource: CLIENT_CREDENTIALS_SOURCE, version: '3' },
  ],
  event,
  response: (evt) => (evt.version === '2' || evt.version === '3' ? responseV2 : responseV1),
  rules,
  sample,
};
