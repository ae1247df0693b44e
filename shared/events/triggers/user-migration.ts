import * as v from 'valibot';
import { VERSION_1, eventOf, optionalStringMap, stringMap } from '../schema.ts';
import { characterCount, violation, type Violation } from '../rules.ts';
import type { EventKind, TriggerDefinition, WithResponse } from '../definition.ts';
import { E164, MAX_ATTRIBUTE_VALUE_LENGTH, isCognitoOwnedAttribute, isWritableAttribute } from '../attributes.ts';
import { SAMPLE, sampleCommon } from '../sample-values.ts';

export const USER_MIGRATION_SOURCES = ['UserMigration_Authentication', 'UserMigration_ForgotPassword'] as const;
export type UserMigrationSource = (typeof USER_MIGRATION_SOURCES)[number];

/** Only the sign-in source carries the password the user typed; it must never be logged. */
const authentication = eventOf(
  ['UserMigration_Authentication'],
  VERSION_1,
  v.looseObject({ password: v.string(), validationData: optionalStringMap(), clientMetadata: optionalStringMap() }),
);
const forgotPassword = eventOf(
  ['UserMigration_ForgotPassword'],
  VERSION_1,
  v.looseObject({ validationData: optionalStringMap(), clientMetadata: optionalStringMap() }),
);
const event = v.variant('triggerSource', [authentication, forgotPassword]);

const response = v.looseObject({
  userAttributes: v.nullish(stringMap()),
  finalUserStatus: v.nullish(v.picklist(['CONFIRMED', 'RESET_REQUIRED'])),
  messageAction: v.nullish(v.literal('SUPPRESS')),
  desiredDeliveryMediums: v.nullish(v.array(v.picklist(['EMAIL', 'SMS']))),
  forceAliasCreation: v.nullish(v.boolean()),
  enableSMSMFA: v.nullish(v.boolean()),
});
export type UserMigrationResponse = v.InferOutput<typeof response>;
export type UserMigrationEvent = WithResponse<v.InferOutput<typeof event>, UserMigrationResponse>;

function rules(evt: UserMigrationEvent, answer: UserMigrationResponse): Violation[] {
  const attributes = answer.userAttributes;
  if (!attributes || Object.keys(attributes).length === 0) {
    return [violation('response.userAttributes', 'required: the migrated user needs at least one attribute')];
  }
  const found: Violation[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    const path = `response.userAttributes.${name}`;
    if (isCognitoOwnedAttribute(name)) found.push(violation(path, 'set by Cognito, a migration may not answer it'));
    // `username` is how a migration names the user when the user signed in with an alias.
    else if (name !== 'username' && !isWritableAttribute(name))
      found.push(violation(path, 'not a standard or custom: attribute'));
    if (characterCount(value) > MAX_ATTRIBUTE_VALUE_LENGTH)
      found.push(violation(path, `longer than ${MAX_ATTRIBUTE_VALUE_LENGTH} characters`));
  }
  if (attributes.phone_number !== undefined && !E164.test(attributes.phone_number)) {
    found.push(violation('response.userAttributes.phone_number', 'must be E.164 (+ and up to 15 digits)'));
  }
  if (attributes.email_verified === 'true' && !attributes.email) {
    found.push(violation('response.userAttributes.email_verified', 'requires an email attribute'));
  }
  if (attributes.phone_number_verified === 'true' && !attributes.phone_number) {
    found.push(violation('response.userAttributes.phone_number_verified', 'requires a phone_number attribute'));
  }
  const verifiedContact =
    (attributes.email_verified === 'true' && !!attributes.email) ||
    (attributes.phone_number_verified === 'true' && !!attributes.phone_number);
  if (evt.triggerSource === 'UserMigration_ForgotPassword' && !verifiedContact) {
    found.push(
      violation(
        'response.userAttributes',
        'a password reset needs a verified email or phone_number (email_verified or phone_number_verified "true")',
      ),
    );
  }
  if (answer.enableSMSMFA && !attributes.phone_number) {
    found.push(violation('response.enableSMSMFA', 'requires a phone_number attribute'));
  }
  for (const medium of answer.desiredDeliveryMediums ?? []) {
    if (medium === 'EMAIL' && !attributes.email)
      found.push(violation('response.desiredDeliveryMediums', 'EMAIL requires an email attribute'));
    if (medium === 'SMS' && !attributes.phone_number)
      found.push(violation('response.desiredDeliveryMediums', 'SMS requires a phone_number attribute'));
  }
  return found;
}

function sample(kind: EventKind): UserMigrationEvent {
  const common = { ...sampleCommon(), version: '1' as const, userName: SAMPLE.email };
  const emptyResponse = {
    userAttributes: null,
    finalUserStatus: null,
    messageAction: null,
    desiredDeliveryMediums: null,
    forceAliasCreation: null,
    enableSMSMFA: null,
  };
  if (kind.triggerSource === 'UserMigration_ForgotPassword') {
    return {
      ...common,
      triggerSource: 'UserMigration_ForgotPassword',
      request: { validationData: null },
      response: emptyResponse,
    };
  }
  return {
    ...common,
    triggerSource: 'UserMigration_Authentication',
    request: { password: 'Correct-Horse-42', validationData: null },
    response: emptyResponse,
  };
}

export const userMigration: TriggerDefinition<UserMigrationEvent, UserMigrationResponse, 'UserMigration'> = {
  name: 'UserMigration',
  kinds: USER_MIGRATION_SOURCES.map((triggerSource) => ({ triggerSource, version: '1' })),
  event,
  response,
  rules,
  sample,
};
