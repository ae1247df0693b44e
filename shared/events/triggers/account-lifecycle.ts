/** Post confirmation, pre authentication and post authentication: Cognito reads nothing of their answer. */
import * as v from 'valibot';
import { VERSION_1, eventOf, optionalStringMap, stringMap } from '../schema.ts';
import { noRules, type EventKind, type TriggerDefinition, type WithResponse } from '../definition.ts';
import { sampleCommon, sampleUserAttributes } from '../sample-values.ts';

/** Cognito ignores what these triggers answer; an empty object is the conventional reply. */
const emptyResponse = v.looseObject({});
export type EmptyResponse = v.InferOutput<typeof emptyResponse>;

export const POST_CONFIRMATION_SOURCES = [
  'PostConfirmation_ConfirmSignUp',
  'PostConfirmation_ConfirmForgotPassword',
] as const;
const postConfirmationEvent = eventOf(
  POST_CONFIRMATION_SOURCES,
  VERSION_1,
  v.looseObject({ userAttributes: stringMap(), clientMetadata: optionalStringMap() }),
);
export type PostConfirmationEvent = WithResponse<v.InferOutput<typeof postConfirmationEvent>, EmptyResponse>;

export const postConfirmation: TriggerDefinition<PostConfirmationEvent, EmptyResponse, 'PostConfirmation'> = {
  name: 'PostConfirmation',
  kinds: POST_CONFIRMATION_SOURCES.map((triggerSource) => ({ triggerSource, version: '1' })),
  event: postConfirmationEvent,
  response: emptyResponse,
  rules: noRules,
  sample: (kind: EventKind) => ({
    ...sampleCommon(),
    version: '1',
    triggerSource: kind.triggerSource as PostConfirmationEvent['triggerSource'],
    request: { userAttributes: sampleUserAttributes() },
    response: {},
  }),
};

export const PRE_AUTHENTICATION_SOURCES = ['PreAuthentication_Authentication'] as const;
const preAuthenticationEvent = eventOf(
  PRE_AUTHENTICATION_SOURCES,
  VERSION_1,
  v.looseObject({
    userAttributes: stringMap(),
    validationData: optionalStringMap(),
    clientMetadata: optionalStringMap(),
    /**
     * Set when the pool prevents user-existence errors and no such user exists. Nullish: a flag Cognito
     * sends as null must not fail a sign-in (null reads as false).
     */
    userNotFound: v.nullish(v.boolean()),
  }),
);
export type PreAuthenticationEvent = WithResponse<v.InferOutput<typeof preAuthenticationEvent>, EmptyResponse>;

export const preAuthentication: TriggerDefinition<PreAuthenticationEvent, EmptyResponse, 'PreAuthentication'> = {
  name: 'PreAuthentication',
  kinds: [{ triggerSource: 'PreAuthentication_Authentication', version: '1' }],
  event: preAuthenticationEvent,
  response: emptyResponse,
  rules: noRules,
  sample: () => ({
    ...sampleCommon(),
    version: '1',
    triggerSource: 'PreAuthentication_Authentication',
    request: { userAttributes: sampleUserAttributes(), validationData: {}, userNotFound: false },
    response: {},
  }),
};

export const POST_AUTHENTICATION_SOURCES = ['PostAuthentication_Authentication'] as const;
const postAuthenticationEvent = eventOf(
  POST_AUTHENTICATION_SOURCES,
  VERSION_1,
  v.looseObject({
    userAttributes: stringMap(),
    /**
     * Present only where the pool remembers devices (always or user opt-in); null or absent where
     * Cognito cannot tell, which must not fail a sign-in that has already succeeded.
     */
    newDeviceUsed: v.nullish(v.boolean()),
    clientMetadata: optionalStringMap(),
  }),
);
export type PostAuthenticationEvent = WithResponse<v.InferOutput<typeof postAuthenticationEvent>, EmptyResponse>;

export const postAuthentication: TriggerDefinition<PostAuthenticationEvent, EmptyResponse, 'PostAuthentication'> = {
  name: 'PostAuthentication',
  kinds: [{ triggerSource: 'PostAuthentication_Authentication', version: '1' }],
  event: postAuthenticationEvent,
  response: emptyResponse,
  rules: noRules,
  sample: () => ({
    ...sampleCommon(),
    version: '1',
    triggerSource: 'PostAuthentication_Authentication',
    request: { userAttributes: sampleUserAttributes(), newDeviceUsed: false },
    response: {},
  }),
};
