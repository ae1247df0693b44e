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

/** A syntactically valid AWS Encryption SDK message header would be overkill here: tests encrypt real codes. */
const SAMPLE_CIPHERTEXT = 'AYADeBgsampleCiphertextReplacedByTestsWithARealAwsEncryptionSdkMessage==';

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
        code: takeOver ? null : SAMPLE_CIPHERTEXT,
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
      code: SAMPLE_CIPHERTEXT,
      userAttributes: sampleUserAttributes(kind.triggerSource),
    },
  }),
};
