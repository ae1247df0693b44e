/** Custom e-mail and SMS senders: Cognito hands over a KMS-encrypted code and expects nothing back. */
import * as v from 'valibot';
import { VERSION_1, commonFields, optionalStringMap, stringMap } from '../schema.ts';
import { noRules, type EventKind, type TriggerDefinition, type WithOptionalResponse } from '../definition.ts';
import { sampleCommon, sampleUserAttributes } from '../sample-values.ts';

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
const senderEvent = <const Sources extends readonly [string, ...string[]]>(sources: Sources, type: string) =>
  v.looseObject({
    ...commonFields,
    version: v.picklist(VERSION_1),
    triggerSource: v.picklist(sources),
    request: senderRequest(type),
    response: v.optional(v.looseObject({})),
  });

const emailEvent = senderEvent(CUSTOM_EMAIL_SENDER_SOURCES, 'customEmailSenderRequestV1');
export type CustomEmailSenderEvent = WithOptionalResponse<v.InferOutput<typeof emailEvent>, SenderResponse>;

const smsEvent = senderEvent(CUSTOM_SMS_SENDER_SOURCES, 'customSMSSenderRequestV1');
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

function accountTakeOverAttributes(): Record<string, string> {
  return {
    EVENT_ID: '1f7b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    USER_NAME: 'jane.doe',
    IP_ADDRESS: '203.0.113.7',
    ACCOUNT_TAKE_OVER_ACTION: 'BLOCK',
    ONE_CLICK_LINK_VALID: 'https://example.com/valid',
    ONE_CLICK_LINK_INVALID: 'https://example.com/invalid',
    LOGIN_TIME: '2026-11-23T09:00:00Z',
    FEEDBACK_TOKEN: 'feedback-token',
    CITY: 'Dublin',
    COUNTRY: 'Ireland',
    DEVICE_NAME: 'Firefox on Linux',
    email: 'jane.doe@example.com',
  };
}

export const customEmailSender: TriggerDefinition<CustomEmailSenderEvent, SenderResponse, 'CustomEmailSender'> = {
  name: 'CustomEmailSender',
  kinds: CUSTOM_EMAIL_SENDER_SOURCES.map((triggerSource) => ({ triggerSource, version: '1' })),
  event: emailEvent,
  response: emptyResponse,
  rules: noRules,
  sample: (kind: EventKind) => {
    const takeOver = kind.triggerSource === 'CustomEmailSender_AccountTakeOverNotification';
    return {
      ...sampleCommon(kind.triggerSource),
      version: '1',
      triggerSource: kind.triggerSource as CustomEmailSenderEvent['triggerSource'],
      request: {
        type: 'customEmailSenderRequestV1',
        code: takeOver ? null : sampleCode(kind.triggerSource),
        userAttributes: takeOver ? accountTakeOverAttributes() : sampleUserAttributes(kind.triggerSource),
      },
    };
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
