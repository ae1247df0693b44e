/** The custom authentication flow: define, create and verify auth challenge. */
import * as v from 'valibot';
import { VERSION_1, eventOf, optionalStringMap, stringMap } from '../schema.ts';
import { violation, type Violation } from '../rules.ts';
import { noRules, type TriggerDefinition, type WithResponse } from '../definition.ts';
import { SAMPLE, sampleCommon, sampleUserAttributes } from '../sample-values.ts';

/** Challenge names Cognito accepts from define auth challenge. */
export const CHALLENGE_NAMES = [
  'CUSTOM_CHALLENGE',
  'PASSWORD_VERIFIER',
  'SRP_A',
  'DEVICE_SRP_AUTH',
  'DEVICE_PASSWORD_VERIFIER',
  'ADMIN_NO_SRP_AUTH',
] as const;

const challengeResult = v.looseObject({
  challengeName: v.string(),
  challengeResult: v.boolean(),
  challengeMetadata: v.nullish(v.string()),
});
export type ChallengeResult = v.InferOutput<typeof challengeResult>;

const userNotFound = v.optional(v.boolean());

const defineEvent = eventOf(
  ['DefineAuthChallenge_Authentication'],
  VERSION_1,
  v.looseObject({
    userAttributes: stringMap(),
    session: v.array(challengeResult),
    clientMetadata: optionalStringMap(),
    userNotFound,
  }),
);
const defineResponse = v.looseObject({
  challengeName: v.nullish(v.string()),
  issueTokens: v.nullish(v.boolean()),
  failAuthentication: v.nullish(v.boolean()),
});
export type DefineAuthChallengeResponse = v.InferOutput<typeof defineResponse>;
export type DefineAuthChallengeEvent = WithResponse<v.InferOutput<typeof defineEvent>, DefineAuthChallengeResponse>;

function defineRules(_event: DefineAuthChallengeEvent, answer: DefineAuthChallengeResponse): Violation[] {
  if (answer.issueTokens && answer.failAuthentication) {
    return [violation('response', 'issueTokens and failAuthentication cannot both be true')];
  }
  if (answer.issueTokens || answer.failAuthentication) return [];
  const name = answer.challengeName;
  if (!name)
    return [violation('response.challengeName', 'required when neither issuing tokens nor failing authentication')];
  if (!(CHALLENGE_NAMES as readonly string[]).includes(name)) {
    return [violation('response.challengeName', `must be one of ${CHALLENGE_NAMES.join(', ')}`)];
  }
  return [];
}

export const defineAuthChallenge: TriggerDefinition<
  DefineAuthChallengeEvent,
  DefineAuthChallengeResponse,
  'DefineAuthChallenge'
> = {
  name: 'DefineAuthChallenge',
  kinds: [{ triggerSource: 'DefineAuthChallenge_Authentication', version: '1' }],
  event: defineEvent,
  response: defineResponse,
  rules: defineRules,
  sample: () => ({
    ...sampleCommon(),
    version: '1',
    triggerSource: 'DefineAuthChallenge_Authentication',
    request: { userAttributes: sampleUserAttributes(), session: [], userNotFound: false },
    response: { challengeName: null, issueTokens: null, failAuthentication: null },
  }),
};

const createEvent = eventOf(
  ['CreateAuthChallenge_Authentication'],
  VERSION_1,
  v.looseObject({
    userAttributes: stringMap(),
    challengeName: v.string(),
    session: v.array(challengeResult),
    clientMetadata: optionalStringMap(),
    userNotFound,
  }),
);
const createResponse = v.looseObject({
  publicChallengeParameters: v.nullish(stringMap()),
  privateChallengeParameters: v.nullish(stringMap()),
  challengeMetadata: v.nullish(v.string()),
});
export type CreateAuthChallengeResponse = v.InferOutput<typeof createResponse>;
export type CreateAuthChallengeEvent = WithResponse<v.InferOutput<typeof createEvent>, CreateAuthChallengeResponse>;

export const createAuthChallenge: TriggerDefinition<
  CreateAuthChallengeEvent,
  CreateAuthChallengeResponse,
  'CreateAuthChallenge'
> = {
  name: 'CreateAuthChallenge',
  kinds: [{ triggerSource: 'CreateAuthChallenge_Authentication', version: '1' }],
  event: createEvent,
  response: createResponse,
  /**
   * None: Cognito requires none of the three answers. A challenge without privateChallengeParameters is
   * valid (verify auth challenge may check the answer elsewhere), so refusing it would fail a sign-in.
   */
  rules: noRules,
  sample: () => ({
    ...sampleCommon(),
    version: '1',
    triggerSource: 'CreateAuthChallenge_Authentication',
    request: {
      userAttributes: sampleUserAttributes(),
      challengeName: 'CUSTOM_CHALLENGE',
      session: [],
      userNotFound: false,
    },
    response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  }),
};

const verifyEvent = eventOf(
  ['VerifyAuthChallengeResponse_Authentication'],
  VERSION_1,
  v.looseObject({
    userAttributes: stringMap(),
    /** Null when create auth challenge set none (it may: user-pool-lambda-create-auth-challenge.md). */
    privateChallengeParameters: v.nullish(stringMap()),
    challengeAnswer: v.string(),
    clientMetadata: optionalStringMap(),
    userNotFound,
  }),
);
const verifyResponse = v.looseObject({ answerCorrect: v.boolean() });
export type VerifyAuthChallengeResponse = v.InferOutput<typeof verifyResponse>;
export type VerifyAuthChallengeEvent = WithResponse<v.InferOutput<typeof verifyEvent>, VerifyAuthChallengeResponse>;

export const verifyAuthChallenge: TriggerDefinition<
  VerifyAuthChallengeEvent,
  VerifyAuthChallengeResponse,
  'VerifyAuthChallengeResponse'
> = {
  name: 'VerifyAuthChallengeResponse',
  kinds: [{ triggerSource: 'VerifyAuthChallengeResponse_Authentication', version: '1' }],
  event: verifyEvent,
  response: verifyResponse,
  rules: () => [],
  sample: () => ({
    ...sampleCommon(),
    version: '1',
    triggerSource: 'VerifyAuthChallengeResponse_Authentication',
    userName: SAMPLE.userName,
    request: {
      userAttributes: sampleUserAttributes(),
      // As create-auth-challenge seals the code 482910 (a salted HMAC; expiry in 2100), so that the sample
      // answer is right: `npm run invoke -- verify-auth-challenge` on it answers answerCorrect true.
      privateChallengeParameters: {
        signInMethod: 'EMAIL_OTP',
        salt: 'SsM7kqJ3xVn2bW9pTq4hZA',
        digest: '8xB5_Iiy1avx3epH-OaV4v2ClOxjrGggs275y7NiGvI',
        expiresAt: '4102444800',
      },
      challengeAnswer: '482910',
      userNotFound: false,
    },
    response: { answerCorrect: false },
  }),
};
