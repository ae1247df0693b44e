import * as v from 'valibot';
import { VERSION_1, eventOf, optionalStringMap, stringMap } from '../schema.ts';
import { violation, type Violation } from '../rules.ts';
import type { EventKind, TriggerDefinition, WithResponse } from '../definition.ts';
import { SAMPLE, sampleCommon } from '../sample-values.ts';

export const PRE_SIGN_UP_SOURCES = [
  'PreSignUp_SignUp',
  'PreSignUp_AdminCreateUser',
  'PreSignUp_ExternalProvider',
] as const;
export type PreSignUpSource = (typeof PRE_SIGN_UP_SOURCES)[number];

/** Cognito reads a flag that is missing or null as false. */
const response = v.looseObject({
  autoConfirmUser: v.nullish(v.boolean()),
  autoVerifyEmail: v.nullish(v.boolean()),
  autoVerifyPhone: v.nullish(v.boolean()),
});
export type PreSignUpResponse = v.InferOutput<typeof response>;

const request = v.looseObject({
  userAttributes: stringMap(),
  validationData: optionalStringMap(),
  clientMetadata: optionalStringMap(),
});

const event = eventOf(PRE_SIGN_UP_SOURCES, VERSION_1, request);

export type PreSignUpEvent = WithResponse<v.InferOutput<typeof event>, PreSignUpResponse>;

function rules(evt: PreSignUpEvent, answer: PreSignUpResponse): Violation[] {
  const found: Violation[] = [];
  // Cognito ignores autoConfirmUser, autoVerifyEmail and autoVerifyPhone for AdminCreateUser (the
  // administrator sets the *_verified attributes in the request): an ignored flag fails nobody, so
  // nothing here refuses it.
  if (evt.triggerSource === 'PreSignUp_AdminCreateUser') return found;
  const attributes = evt.request.userAttributes;
  if (answer.autoVerifyEmail && !attributes.email) {
    found.push(violation('response.autoVerifyEmail', 'requires an email attribute'));
  }
  if (answer.autoVerifyPhone && !attributes.phone_number) {
    found.push(violation('response.autoVerifyPhone', 'requires a phone_number attribute'));
  }
  return found;
}

function sample(kind: EventKind): PreSignUpEvent {
  const source = kind.triggerSource as PreSignUpSource;
  const external = source === 'PreSignUp_ExternalProvider';
  const userAttributes: Record<string, string> = external
    ? {
        email: SAMPLE.email,
        email_verified: 'true',
        given_name: SAMPLE.givenName,
        family_name: SAMPLE.familyName,
        'cognito:email_alias': '',
        'cognito:phone_number_alias': '',
      }
    : source === 'PreSignUp_AdminCreateUser'
      ? {
          sub: SAMPLE.sub,
          email: SAMPLE.email,
          email_verified: 'true',
          given_name: SAMPLE.givenName,
          'cognito:user_status': 'CONFIRMED',
        }
      : { email: SAMPLE.email, given_name: SAMPLE.givenName, family_name: SAMPLE.familyName, locale: SAMPLE.locale };
  return {
    ...sampleCommon(kind.triggerSource),
    version: '1',
    triggerSource: source,
    userName: external ? 'Google_115024857362041934865' : SAMPLE.userName,
    request: {
      userAttributes,
      validationData: source === 'PreSignUp_ExternalProvider' ? null : {},
      ...(source === 'PreSignUp_SignUp' ? {} : {}),
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
}

export const preSignUp: TriggerDefinition<PreSignUpEvent, PreSignUpResponse, 'PreSignUp'> = {
  name: 'PreSignUp',
  kinds: PRE_SIGN_UP_SOURCES.map((triggerSource) => ({ triggerSource, version: '1' })),
  event,
  response,
  rules,
  sample,
};
