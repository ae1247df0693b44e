import * as v from 'valibot';
import { VERSION_1, eventOf, optionalStringMap, stringMap } from '../schema.ts';
import { characterCount, checkLength, violation, type Violation } from '../rules.ts';
import type { EventKind, ResponseCheckContext, TriggerDefinition, WithResponse } from '../definition.ts';
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

/**
 * Cognito's limits on a custom message (characters). The guide counts the message as sent: "The maximum
 * length of SMS messages is 140 UTF-8 characters. This length includes the verification code."
 */
export const CUSTOM_MESSAGE_LIMITS = {
  emailMessage: { min: 6, max: 20_000 },
  emailSubject: { min: 1, max: 140 },
  smsMessage: { min: 6, max: 140 },
} as const;

/**
 * What Cognito puts in place of the code placeholder, at its longest: verification, reset and MFA codes
 * are six digits. For AdminCreateUser the placeholder is the temporary password, whose length the event
 * does not tell; it is counted at the shortest password a pool allows (6), so the check refuses only a
 * message that cannot fit. A template near the limit leaves no room for a longer temporary password.
 */
export const SUBSTITUTED_CODE_LENGTH = 6;

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

const occurrences = (text: string, part: string) => (part ? text.split(part).length - 1 : 0);

/**
 * The longest user name Cognito may put in place of the user name placeholder: the user's name, or the
 * e-mail address or phone number the user was created with where those are the pool's sign-in names.
 * These are known from the event, so the worst case is exact rather than Cognito's 128-character maximum
 * (which would refuse the developer guide's own AdminCreateUser example for every user).
 */
function longestUserName(evt: CustomMessageEvent): number {
  const { email, phone_number: phone } = evt.request.userAttributes;
  return Math.max(...[evt.userName, email, phone].map((name) => (name ? characterCount(name) : 0)));
}

/** The length of the message as sent: each placeholder counted as what Cognito substitutes for it. */
function sentLength(message: string, evt: CustomMessageEvent): number {
  const { codeParameter, usernameParameter } = evt.request;
  let length = characterCount(message);
  length += occurrences(message, codeParameter) * (SUBSTITUTED_CODE_LENGTH - characterCount(codeParameter));
  if (usernameParameter) {
    length += occurrences(message, usernameParameter) * (longestUserName(evt) - characterCount(usernameParameter));
  }
  return length;
}

function messageLength(path: string, message: string, evt: CustomMessageEvent, min: number, max: number): Violation[] {
  const length = sentLength(message, evt);
  const once = 'once Cognito substitutes the code and user name';
  if (length < min) return [violation(path, `must be at least ${min} characters ${once}, got ${length}`)];
  if (length > max) return [violation(path, `must be at most ${max} characters ${once}, got ${length}`)];
  return [];
}

/**
 * The guide (user-pool-lambda-custom-message, "Custom message response parameters"): "The emailMessage
 * parameter is allowed only if the EmailSendingAccount attribute of the user pool is DEVELOPER"; if not,
 * "Amazon Cognito throws a 400 error code ... InvalidLambdaResponseException" (the same for emailSubject).
 * A returned value is any value but null: Cognito's own event carries null for "nothing returned".
 */
function accountRules(answer: CustomMessageResponse, context: ResponseCheckContext): Violation[] {
  const account = context.emailSendingAccount ?? 'COGNITO_DEFAULT';
  if (account === 'DEVELOPER') return [];
  const why = `allowed only when the pool's EmailSendingAccount is DEVELOPER (it is ${account})`;
  return (['emailMessage', 'emailSubject'] as const)
    .filter((part) => answer[part] !== null && answer[part] !== undefined)
    .map((part) => violation(`response.${part}`, why));
}

function rules(
  evt: CustomMessageEvent,
  answer: CustomMessageResponse,
  context: ResponseCheckContext = {},
): Violation[] {
  const found: Violation[] = accountRules(answer, context);
  const { emailMessage, emailSubject, smsMessage } = answer;
  const limits = CUSTOM_MESSAGE_LIMITS;
  if (typeof emailMessage === 'string') {
    const { min, max } = limits.emailMessage;
    found.push(...messageLength('response.emailMessage', emailMessage, evt, min, max));
    found.push(...placeholderRules('response.emailMessage', emailMessage, evt, 'email'));
  }
  if (typeof emailSubject === 'string') {
    // Cognito substitutes nothing in the subject.
    found.push(...checkLength('response.emailSubject', emailSubject, limits.emailSubject.min, limits.emailSubject.max));
  }
  if (typeof smsMessage === 'string') {
    const { min, max } = limits.smsMessage;
    found.push(...messageLength('response.smsMessage', smsMessage, evt, min, max));
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

export const customMessage: TriggerDefinition<CustomMessageEvent, CustomMessageResponse, 'CustomMessage'> = {
  name: 'CustomMessage',
  kinds: CUSTOM_MESSAGE_SOURCES.map((triggerSource) => ({ triggerSource, version: '1' })),
  event,
  response,
  rules,
  sample,
};
