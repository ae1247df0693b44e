/**
 * Inbound federation: rewrite the attributes an OIDC, SAML or social provider sends before sign-in.
 *
 * Which names `userAttributesToMap` holds: the provider's. The developer guide (user-pool-lambda-inbound-
 * federation) answers with the provider's claims as they came (`{...userInfo, ...idToken}` for OIDC and
 * social providers, `samlResponse` for SAML: `sub`, `iss`, `department`, `employee_id`, ...), says that
 * attributes left out "will be dropped" and that `{}` keeps "all original attributes from the identity
 * provider"; the AWS security blog post that announced the trigger ("Customize federated sign-in with new
 * Amazon Cognito Lambda trigger") places it "before the user profile is created and user attributes are
 * mapped in your user pool". So the answer is a filtered, rewritten set of provider attributes, and the
 * identity provider's attribute mapping (pool attribute <- provider attribute) still applies after it.
 */
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
export type ProviderAttributes = InboundFederationEvent['request']['attributes'];

/** Provider claims are JSON: booleans and numbers become their text, lists are comma-joined, objects JSON. */
export function claimText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => claimText(item) ?? '').join(',');
  return JSON.stringify(value);
}

/** The provider attribute that identifies the federated user: Cognito's user name is `<provider>_<sub>`. */
export const SUBJECT_ATTRIBUTE = 'sub';

/**
 * The provider's `sub` as Cognito keeps it: the ID token's, else the UserInfo endpoint's (the guide merges
 * the two with the ID token winning), else a SAML attribute named `sub`. Undefined when the provider sent
 * none (a SAML assertion identifies its subject by NameID, which is not among the attributes).
 */
export function providerSubject(attributes: ProviderAttributes): string | undefined {
  for (const section of [attributes.idToken, attributes.userInfo, attributes.samlResponse]) {
    if (section && Object.hasOwn(section, SUBJECT_ATTRIBUTE)) {
      const text = claimText(section[SUBJECT_ATTRIBUTE]);
      if (text) return text;
    }
  }
  return undefined;
}

/**
 * Names are the provider's, so they are not checked against the pool's: only a blank name, a value over
 * Cognito's attribute limit, and `sub`. A non-empty answer replaces the provider's attributes, and one
 * without the provider's `sub`, or with another value, would drop or swap the identity the federated
 * user is known by (the user name, the link to a native account): it must carry `sub` exactly as sent.
 */
function rules(evt: InboundFederationEvent, answer: InboundFederationResponse): Violation[] {
  const found: Violation[] = [];
  const answered = answer.userAttributesToMap ?? {};
  for (const [name, value] of Object.entries(answered)) {
    const path = `response.userAttributesToMap.${name}`;
    if (name.trim() === '') found.push(violation(path, 'an attribute name cannot be blank'));
    if (characterCount(value) > MAX_ATTRIBUTE_VALUE_LENGTH)
      found.push(violation(path, `longer than ${MAX_ATTRIBUTE_VALUE_LENGTH} characters`));
  }
  const subject = providerSubject(evt.request.attributes);
  if (subject !== undefined && Object.keys(answered).length > 0) {
    const path = `response.userAttributesToMap.${SUBJECT_ATTRIBUTE}`;
    if (!Object.hasOwn(answered, SUBJECT_ATTRIBUTE))
      found.push(violation(path, "required: the provider's sub identifies the federated user and would be dropped"));
    else if (answered[SUBJECT_ATTRIBUTE] !== subject)
      found.push(violation(path, "must be the provider's sub as sent: another value would change the user's identity"));
  }
  return found;
}

export const inboundFederation: TriggerDefinition<
  InboundFederationEvent,
  InboundFederationResponse,
  'InboundFederation'
> = {
  name: 'InboundFederation',
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
        // Decoded and verified by Cognito: the provider's claims, registered ones included.
        idToken: {
          sub: '7a1f5c2e9b',
          iss: 'https://idp.example.com',
          aud: 'cognito-client-at-corp-idp',
          exp: '1764493200',
          iat: '1764489600',
          email: SAMPLE.email,
          email_verified: 'true',
          given_name: SAMPLE.givenName,
          family_name: SAMPLE.familyName,
        },
        userInfo: {
          sub: '7a1f5c2e9b',
          email: SAMPLE.email,
          name: `${SAMPLE.givenName} ${SAMPLE.familyName}`,
          department: 'Engineering',
        },
      },
    },
    response: { userAttributesToMap: {} },
  }),
};
