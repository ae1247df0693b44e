/** Custom e-mail and SMS senders: Cognito hands over a KMS-encrypted code and expects nothing back. */
import * as v from 'valibot';
import { FORBIDDEN_MAP_KEYS, VERSION_1, commonFields, isPlainObject, optionalStringMap, stringMap } from '../schema.ts';
import { noRules, type EventKind, type TriggerDefinition, type WithOptionalResponse } from '../definition.ts';
import { SAMPLE, sampleCommon, sampleUserAttributes } from '../sample-values.ts';

export const CUSTOM_EMAIL_SENDER_SOURCES = [
  'CustomEmailSender_SignUp',
  'CustomEmailSender_ResendCode',
  'CustomEmailSender_ForgotPassword',
  'CustomEmailSender_UpdateUserAttribute',
  'CustomEmailSender_VerifyUserAttribute',
  'CustomEmailSender_AdminCreateUser',
  'CustomEmailSender_Authentication',
  'CustomEmailSender_AccountTakeOverNotification',
] as const;

export const CUSTOM_SMS_SENDER_SOURCES = [
  'CustomSMSSender_SignUp',
  'CustomSMSSender_ResendCode',
  'CustomSMSSender_ForgotPassword',
  'CustomSMSSender_UpdateUserAttribute',
  'CustomSMSSender_VerifyUserAttribute',
  'CustomSMSSender_AdminCreateUser',
  'CustomSMSSender_Authentication',
] as const;

const emptyResponse = v.looseObject({});
export type SenderResponse = v.InferOutput<typeof emptyResponse>;

const senderRequest = (type: string) =>
  v.looseObject({
    type: v.literal(type),
    /** AWS Encryption SDK ciphertext, base64; null or absent when the message carries no code. */
    code: v.nullish(v.string()),
    userAttributes: stringMap(),
    clientMetadata: optionalStringMap(),
  });

/** Cognito sends these events without a `response`: it reads nothing back. */
const senderEvent = <const Sources extends readonly [string, ...string[]], Request extends v.GenericSchema>(
  sources: Sources,
  request: Request,
) =>
  v.looseObject({
    ...commonFields,
    version: v.picklist(VERSION_1),
    triggerSource: v.picklist(sources),
    request,
    response: v.optional(v.looseObject({})),
  });

/**
 * The account-takeover notification's attributes. They are not the user's: Cognito sends the sign-in
 * it rated (when, from where, what it did) and the two one-click links, and no `email` (the address is
 * the pool's to look up). CITY, COUNTRY and DEVICE_NAME arrive as null when Cognito could not tell
 * (DefinitelyTyped#52111, events captured from Cognito). The links and FEEDBACK_TOKEN act on the event
 * (UpdateAuthEventFeedback): secrets. Required is what the notice relies on (the event's id names its
 * delivery, the links are its point); the details are shown when given, so a missing one fails nothing.
 */
/** A value the notice cannot do without: blank is as good as missing (the template refuses it). */
const presentString = v.pipe(
  v.string(),
  v.check((value) => value.trim() !== '', 'expected a non-blank string'),
);

const accountTakeOverAttributes = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject, 'expected object'),
  v.check(
    (map) => !Object.keys(map).some((key) => FORBIDDEN_MAP_KEYS.has(key)),
    'forbidden key (__proto__, constructor or prototype)',
  ),
  v.looseObject({
    EVENT_ID: presentString,
    ONE_CLICK_LINK_VALID: presentString,
    ONE_CLICK_LINK_INVALID: presentString,
    USER_NAME: v.nullish(v.string()),
    IP_ADDRESS: v.nullish(v.string()),
    ACCOUNT_TAKE_OVER_ACTION: v.nullish(v.string()),
    LOGIN_TIME: v.nullish(v.string()),
    FEEDBACK_TOKEN: v.nullish(v.string()),
    CITY: v.nullish(v.string()),
    COUNTRY: v.nullish(v.string()),
    DEVICE_NAME: v.nullish(v.string()),
  }),
);
export type AccountTakeOverAttributes = v.InferOutput<typeof accountTakeOverAttributes>;

export const ACCOUNT_TAKE_OVER_SOURCE = 'CustomEmailSender_AccountTakeOverNotification';
const CODE_EMAIL_SOURCES = CUSTOM_EMAIL_SENDER_SOURCES.filter((source) => source !== ACCOUNT_TAKE_OVER_SOURCE) as [
  Exclude<(typeof CUSTOM_EMAIL_SENDER_SOURCES)[number], typeof ACCOUNT_TAKE_OVER_SOURCE>,
  ...Array<Exclude<(typeof CUSTOM_EMAIL_SENDER_SOURCES)[number], typeof ACCOUNT_TAKE_OVER_SOURCE>>,
];

const emailCodeEvent = senderEvent(CODE_EMAIL_SOURCES, senderRequest('customEmailSenderRequestV1'));
const accountTakeOverEvent = senderEvent(
  [ACCOUNT_TAKE_OVER_SOURCE],
  v.looseObject({
    type: v.literal('customEmailSenderRequestV1'),
    /** Cognito sends null: the notice has no code. */
    code: v.nullish(v.string()),
    userAttributes: accountTakeOverAttributes,
    clientMetadata: optionalStringMap(),
  }),
);
const emailEvent = v.variant('triggerSource', [emailCodeEvent, accountTakeOverEvent]);
export type CustomEmailSenderEvent = WithOptionalResponse<v.InferOutput<typeof emailEvent>, SenderResponse>;
/** A custom e-mail sender event that carries a code (every source but the account-takeover notification). */
export type CustomEmailCodeEvent = Exclude<CustomEmailSenderEvent, { triggerSource: typeof ACCOUNT_TAKE_OVER_SOURCE }>;
export type AccountTakeOverEvent = Extract<CustomEmailSenderEvent, { triggerSource: typeof ACCOUNT_TAKE_OVER_SOURCE }>;

export function isAccountTakeOver(event: CustomEmailSenderEvent): event is AccountTakeOverEvent {
  return event.triggerSource === ACCOUNT_TAKE_OVER_SOURCE;
}

const smsEvent = senderEvent(CUSTOM_SMS_SENDER_SOURCES, senderRequest('customSMSSenderRequestV1'));
export type CustomSmsSenderEvent = WithOptionalResponse<v.InferOutput<typeof smsEvent>, SenderResponse>;

/**
 * Real AWS Encryption SDK messages, as Cognito sends them, for the pool of the samples
 * (eu-west-1_Example1), made with `npm run encrypt-code -- <code> --pool eu-west-1_Example1 --sample`:
 * the senders decrypt them with CODE_KEYRING=local on any clone (shared/codes/local-key.ts). The code
 * is 123456; AdminCreateUser's is the temporary password `P@ss&word-42`, HTML-escaped as Cognito sends it.
 */
const SAMPLE_CIPHERTEXT =
  'AYADeDvu/myB3i6bpNOtutGFm/4AgAACABVhd3MtY3J5cHRvLXB1YmxpYy1rZXkAREFpU2lUYTZHZlhBUWI2YyttV1VZSk1hQUduUjVVbjRqOERiTUk4M3dUTXN4R1Blc1JIWXRhNTAwY1ZtYkZGTnQydz09AAt1c2VycG9vbC1pZAASZXUtd2VzdC0xX0V4YW1wbGUxAAEAFmNvZ25pdG8tdHJpZ2dlcnMtbG9jYWwAIXNhbXBsZS1ldmVudHMAAACAAAAADPtbrRR8B+0fG20ymgAw7vHwHWGXzvZ1nmo2OJfyx4X7k1E45Wh2mWhi3yTeoYZTzEp96PswhlAwRNQXHXbHAgAAAAAMAAAQAAAAAAAAAAAAAAAAAJn6FB3oXcRyjC7vANTWH33/////AAAAAQAAAAAAAAAAAAAAAQAAAAYiMU53LEoKtFe70ST+lGuFl1db36E3AGcwZQIwYiLIaoN4AI8Oq0Egzj7LviK0uF+g1d+9nJ2Oc03zR6ZCmfV3B/ZG1bF7u6XXNXa8AjEApqyTbE8l8dOkoJUIWvGOXkBa5eCeYDojQ7ssgt7SRqGK+wQ7WFKOBV+Y6eGp6rKU';
const SAMPLE_TEMPORARY_PASSWORD_CIPHERTEXT =
  'AYADeP5mka7PV2QYL6LOPcHibewAgAACABVhd3MtY3J5cHRvLXB1YmxpYy1rZXkAREFwcTlab1dNOCtDN0xMNHBTbWRXT2R5akgzOU53L3lJQXVpMWYvbHFDbTRZVDRNa2ltRkVYVlBLUFZFY2I4eXlUdz09AAt1c2VycG9vbC1pZAASZXUtd2VzdC0xX0V4YW1wbGUxAAEAFmNvZ25pdG8tdHJpZ2dlcnMtbG9jYWwAIXNhbXBsZS1ldmVudHMAAACAAAAADCikGCHMhA8qXdN+mwAweMW7LWq/I9/Qr3YwInfwSlqiCftDvl/T/SWFUljqfg0VcTf/iC8DA16t1YRDKL8rAgAAAAAMAAAQAAAAAAAAAAAAAAAAAHcfXMaOKR2QcEhKPt3m90T/////AAAAAQAAAAAAAAAAAAAAAQAAABA0pTNB8FTahsLGu+a7pXv7huCoZYnvC1sf2w2FsXV41ABmMGQCMGBpc4HOH+FnDFoV8RLX5nEhkDClQ5fp/GnF1WDojvf+8o2TQu79GtgeQpyVUkYeWgIwfPATqz8MBlrqswSmyiWByT1LLr9i9I2Ydm33ALWaIJ4noteYyNS4S45H3YHmtyvm';
const sampleCode = (triggerSource: string) =>
  triggerSource.endsWith('_AdminCreateUser') ? SAMPLE_TEMPORARY_PASSWORD_CIPHERTEXT : SAMPLE_CIPHERTEXT;

/**
 * As Cognito sends it (DefinitelyTyped#52111, events captured from Cognito): no `email`, null code and
 * client metadata, null caller SDK version and client id (the notice follows a sign-in, not an API call
 * of an app), and null where Cognito could not place the sign-in.
 */
function accountTakeOverSample(): AccountTakeOverEvent {
  return {
    ...sampleCommon(ACCOUNT_TAKE_OVER_SOURCE),
    callerContext: { awsSdkVersion: null, clientId: null },
    version: '1',
    triggerSource: ACCOUNT_TAKE_OVER_SOURCE,
    request: {
      type: 'customEmailSenderRequestV1',
      code: null,
      clientMetadata: null,
      userAttributes: {
        EVENT_ID: '1f7b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        USER_NAME: SAMPLE.userName,
        IP_ADDRESS: '203.0.113.7',
        ACCOUNT_TAKE_OVER_ACTION: 'BLOCK',
        ONE_CLICK_LINK_VALID: 'https://cognito-idp.eu-west-1.amazonaws.com/feedback?valid=sample-valid-link',
        ONE_CLICK_LINK_INVALID: 'https://cognito-idp.eu-west-1.amazonaws.com/feedback?invalid=sample-invalid-link',
        LOGIN_TIME: 'Monday, November 23, 2026 09:00 AM UTC',
        FEEDBACK_TOKEN: 'sample-feedback-token',
        CITY: null,
        COUNTRY: null,
        DEVICE_NAME: null,
      },
    },
  };
}

export const customEmailSender: TriggerDefinition<CustomEmailSenderEvent, SenderResponse, 'CustomEmailSender'> = {
  name: 'CustomEmailSender',
  kinds: CUSTOM_EMAIL_SENDER_SOURCES.map((triggerSource) => ({ triggerSource, version: '1' })),
  event: emailEvent,
  response: emptyResponse,
  rules: noRules,
  sample: (kind: EventKind) =>
    kind.triggerSource === ACCOUNT_TAKE_OVER_SOURCE
      ? accountTakeOverSample()
      : {
          ...sampleCommon(kind.triggerSource),
          version: '1',
          triggerSource: kind.triggerSource as CustomEmailCodeEvent['triggerSource'],
          request: {
            type: 'customEmailSenderRequestV1',
            code: sampleCode(kind.triggerSource),
            userAttributes: sampleUserAttributes(kind.triggerSource),
          },
        },
};

export const customSmsSender: TriggerDefinition<CustomSmsSenderEvent, SenderResponse, 'CustomSMSSender'> = {
  name: 'CustomSMSSender',
  kinds: CUSTOM_SMS_SENDER_SOURCES.map((triggerSource) => ({ triggerSource, version: '1' })),
  event: smsEvent,
  response: emptyResponse,
  rules: noRules,
  sample: (kind: EventKind) => ({
    ...sampleCommon(kind.triggerSource),
    version: '1',
    triggerSource: kind.triggerSource as CustomSmsSenderEvent['triggerSource'],
    request: {
      type: 'customSMSSenderRequestV1',
      code: sampleCode(kind.triggerSource),
      userAttributes: sampleUserAttributes(kind.triggerSource),
    },
  }),
};
