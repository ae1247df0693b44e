import * as v from 'valibot';
import { VERSION_1, eventOf, optionalStringMap, stringMap } from '../schema.ts';
import { checkLength, violation, type Violation } from '../rules.ts';
import type { EventKind, TriggerDefinition, WithResponse } from '../definition.ts';
import { sampleCommon, sampleUserAttributes } from '../sample-values.ts';

export const CUSTOM_MESSAGE_SOURCES = [
  'CustomMessage_SignUp',
  'CustomMessage_AdminCreateUser',
  'CustomMessage_ResendCode',
  'CustomMessage_ForgotPassword',
  'CustomMessage_UpdateUserAttribute',
  'CustomMessage_VerifyUserAttribute',
  'CustomMessage_Authentication',
] as const;
export type CustomMessageSource = (typeof CUSTOM_MESSAGE_SOURCES)[number];

/** Cognito's limits on a custom message (characters). */
export const CUSTOM_MESSAGE_LIMITS = {
  emailMessage: { min: 6, max: 20_000 },
  emailSubject: { min: 1, max: 140 },
  smsMessage: { min: 6, max: 140 },
} as const;

const request = v.looseObject({
  userAttributes: stringMap(),
  /** The placeholder Cognito replaces with the code, e.g. `{####}`. */
  codeParameter: v.string(),
  /** The placeholder for the user name; only AdminCreateUser messages must carry it. */
  usernameParameter: v.nullish(v.string()),
  /** The placeholder for a verification link, where the pool verifies by link. */
  linkParameter: v.nullish(v.string()),
  clientMetadata: optionalStringMap(),
});
const event = eventOf(CUSTOM_MESSAGE_SOURCES, VERSION_1, request);

const response = v.looseObject({
  smsMessage: v.nullish(v.string()),
  emailMessage: v.nullish(v.string()),
  emailSubject: v.nullish(v.string()),
});
export type CustomMessageResponse = v.InferOutput<typeof response>;
export type CustomMessageEvent = WithResponse<v.InferOutput<typeof event>, CustomMessageResponse>;

/** Verification by link replaces the code only in sign-up confirmation e-mails. */
const LINK_SOURCES: ReadonlySet<CustomMessageSource> = new Set(['CustomMessage_SignUp', 'CustomMessage_ResendCode']);

function placeholderRules(
  path: string,
  message: string,
  evt: CustomMessageEvent,
  medium: 'email' | 'sms',
): Violation[] {
  const { codeParameter, usernameParameter, linkParameter } = evt.request;
  const found: Violation[] = [];
  const linkAllowed = medium === 'email' && LINK_SOURCES.has(evt.triggerSource) && !!linkParameter;
  const carriesCode = message.includes(codeParameter) || (linkAllowed && message.includes(linkParameter));
  if (!carriesCode) found.push(violation(path, `must contain the code placeholder ${codeParameter}`));
  if (
    evt.triggerSource === 'CustomMessage_AdminCreateUser' &&
    usernameParameter &&
    !message.includes(usernameParameter)
  ) {
    found.push(violation(path, `must contain the user name placeholder ${usernameParameter}`));
  }
  return found;
}

function rules(evt: CustomMessageEvent, answer: CustomMessageResponse): Violation[] {
  const found: Violation[] = [];
  const { emailMessage, emailSubject, smsMessage } = answer;
  const limits = CUSTOM_MESSAGE_LIMITS;
  if (typeof emailMessage === 'string') {
    found.push(...checkLength('response.emailMessage', emailMessage, limits.emailMessage.min, limits.emailMessage.max));
    found.push(...placeholderRules('response.emailMessage', emailMessage, evt, 'email'));
  }
  if (typeof emailSubject === 'string') {
    found.push(...checkLength('response.emailSubject', emailSubject, limits.emailSubject.min, limits.emailSubject.max));
  }
  if (typeof smsMessage === 'string') {
    found.push(...checkLength('response.smsMessage', smsMessage, limits.smsMessage.min, limits.smsMessage.max));
    found.push(...placeholderRules('response.smsMessage', smsMessage, evt, 'sms'));
  }
  return found;
}

function sample(kind: EventKind): CustomMessageEvent {
  const source = kind.triggerSource as CustomMessageSource;
  return {
    ...sampleCommon(kind.triggerSource),
    version: '1',
    triggerSource: source,
    request: {
      userAttributes: sampleUserAttributes(source),
      codeParameter: '{####}',
      linkParameter: '{##Click Here##}',
      usernameParameter: source === 'CustomMessage_AdminCreateUser' ? '{username}' : null,
    },
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  };
}

export const customMessage: TriggerDefinition<CustomMessageEvent, CustomMessageResponse> = {
  kinds: CUSTOM_MESSAGE_SOURCES.map((triggerSource) => ({ triggerSource, version: '1' })),
  event,
  response,
  rules,
  sample,
};
