/** Inbound federation: rewrite the attributes an OIDC, SAML or social provider sends before sign-in. */
import * as v from 'valibot';
import { VERSION_1, eventOf, stringMap } from '../schema.ts';
import { characterCount, violation, type Violation } from '../rules.ts';
import type { TriggerDefinition, WithResponse } from '../definition.ts';
import { MAX_ATTRIBUTE_VALUE_LENGTH } from '../attributes.ts';
import { sampleCommon, SAMPLE } from '../sample-values.ts';

export const PROVIDER_TYPES = ['OIDC', 'SAML', 'Facebook', 'Google', 'SignInWithApple', 'LoginWithAmazon'] as const;

/** Provider claims are not all strings (e.g. `email_verified: true`, `exp: 1700000000`). */
const providerClaims = v.nullish(v.record(v.string(), v.unknown()));

const event = eventOf(
  ['InboundFederation_ExternalProvider'],
  VERSION_1,
  v.looseObject({
    providerName: v.string(),
    providerType: v.string(),
    attributes: v.looseObject({
      tokenResponse: providerClaims,
      idToken: providerClaims,
      userInfo: providerClaims,
      samlResponse: providerClaims,
    }),
  }),
);

const response = v.looseObject({ userAttributesToMap: v.nullish(stringMap()) });
export type InboundFederationResponse = v.InferOutput<typeof response>;
export type InboundFederationEvent = WithResponse<v.InferOutput<typeof event>, InboundFederationResponse>;

/**
 * Only what Cognito is known to refuse. The developer guide's own examples answer with provider claims
 * as they came (`sub`, `department`, `employee_id`), so names are not checked against the pool's.
 */
function rules(_event: InboundFederationEvent, answer: InboundFederationResponse): Violation[] {
  const found: Violation[] = [];
  for (const [name, value] of Object.entries(answer.userAttributesToMap ?? {})) {
    const path = `response.userAttributesToMap.${name}`;
    if (name.trim() === '') found.push(violation(path, 'an attribute name cannot be blank'));
    if (characterCount(value) > MAX_ATTRIBUTE_VALUE_LENGTH)
      found.push(violation(path, `longer than ${MAX_ATTRIBUTE_VALUE_LENGTH} characters`));
  }
  return found;
}

export const inboundFederation: TriggerDefinition<InboundFederationEvent, InboundFederationResponse> = {
  kinds: [{ triggerSource: 'InboundFederation_ExternalProvider', version: '1' }],
  event,
  response,
  rules,
  sample: () => ({
    ...sampleCommon(),
    version: '1',
    triggerSource: 'InboundFederation_ExternalProvider',
    userName: 'CorpOIDC_7a1f5c2e9b',
    request: {
      providerName: 'CorpOIDC',
      providerType: 'OIDC',
      attributes: {
        tokenResponse: {
          access_token: 'eyJraWQiOiJzYW1wbGUiLCJhbGciOiJSUzI1NiJ9.access.signature',
          id_token: 'eyJraWQiOiJzYW1wbGUiLCJhbGciOiJSUzI1NiJ9.id.signature',
          refresh_token: 'sample-refresh-token',
          token_type: 'Bearer',
          expires_in: '3600',
          scope: 'openid email profile',
        },
        idToken: {
          sub: '7a1f5c2e9b',
          email: SAMPLE.email,
          email_verified: 'true',
          given_name: SAMPLE.givenName,
          family_name: SAMPLE.familyName,
        },
        userInfo: { email: SAMPLE.email, name: `${SAMPLE.givenName} ${SAMPLE.familyName}`, department: 'Engineering' },
      },
    },
    response: { userAttributesToMap: {} },
  }),
};
