/**
 * Where @types/aws-lambda describes Cognito's events correctly, our inferred types must agree with it:
 * checked by the compiler (`npm run typecheck`), nothing runs. Where it is wrong (documented in
 * ARCHITECTURE.md), the difference is spelled out here instead, so that it is deliberate.
 */
import type {
  CustomMessageTriggerEvent,
  PostAuthenticationTriggerEvent,
  PostConfirmationTriggerEvent,
  PreAuthenticationTriggerEvent,
  PreSignUpTriggerEvent,
  UserMigrationTriggerEvent,
} from 'aws-lambda';
import type {
  CustomMessageEvent,
  PostAuthenticationEvent,
  PostConfirmationEvent,
  PreAuthenticationEvent,
  PreSignUpEvent,
  PreTokenGenerationV2Event,
  PreTokenGenerationV3Event,
  UserMigrationEvent,
  VerifyAuthChallengeEvent,
} from '../../shared/events/index.ts';

type Assert<T extends true> = T;
type Extends<A, B> = [A] extends [B] ? true : false;

export type Checks = [
  Assert<Extends<PreSignUpEvent['request']['userAttributes'], PreSignUpTriggerEvent['request']['userAttributes']>>,
  Assert<Extends<PreSignUpEvent['triggerSource'], PreSignUpTriggerEvent['triggerSource']>>,
  Assert<Extends<PostConfirmationEvent['triggerSource'], PostConfirmationTriggerEvent['triggerSource']>>,
  Assert<
    Extends<
      PostConfirmationEvent['request']['userAttributes'],
      PostConfirmationTriggerEvent['request']['userAttributes']
    >
  >,
  Assert<Extends<PreAuthenticationEvent['triggerSource'], PreAuthenticationTriggerEvent['triggerSource']>>,
  Assert<
    Extends<
      NonNullable<PostAuthenticationEvent['request']['newDeviceUsed']>,
      PostAuthenticationTriggerEvent['request']['newDeviceUsed']
    >
  >,
  Assert<Extends<CustomMessageEvent['triggerSource'], CustomMessageTriggerEvent['triggerSource']>>,
  Assert<Extends<UserMigrationEvent['triggerSource'], UserMigrationTriggerEvent['triggerSource']>>,
  // Deliberate differences from @types/aws-lambda:
  // the migration password exists only on sign-in, not on ForgotPassword;
  Assert<
    Extends<
      Extract<UserMigrationEvent, { triggerSource: 'UserMigration_ForgotPassword' }>['request'],
      { password: string }
    > extends true
      ? false
      : true
  >,
  // validation data arrives as null when the app sent none;
  Assert<Extends<null, PreSignUpEvent['request']['validationData']>>,
  // the caller's client id is null for AdminConfirmSignUp, and may be absent;
  Assert<Extends<null | undefined, PostConfirmationEvent['callerContext']['clientId']>>,
  // newDeviceUsed is sent only by pools that remember devices;
  Assert<Extends<undefined, PostAuthenticationEvent['request']['newDeviceUsed']>>,
  // Cognito reads a missing auto-confirm or auto-verify flag as false;
  Assert<Extends<{ autoConfirmUser: true }, PreSignUpEvent['response']>>,
  // verify auth challenge's privateChallengeParameters is null when create set none;
  Assert<Extends<null, VerifyAuthChallengeEvent['request']['privateChallengeParameters']>>,
  // a V3 client-credentials event has no user: userName and userAttributes null;
  Assert<
    Extends<
      null,
      Extract<PreTokenGenerationV3Event, { triggerSource: 'TokenGeneration_ClientCredentials' }>['userName']
    >
  >,
  Assert<
    Extends<
      null,
      Extract<
        PreTokenGenerationV3Event,
        { triggerSource: 'TokenGeneration_ClientCredentials' }
      >['request']['userAttributes']
    >
  >,
  // V2 claims are JSON values, not strings only.
  Assert<
    Extends<
      { n: number; list: string[] },
      NonNullable<
        NonNullable<
          NonNullable<PreTokenGenerationV2Event['response']['claimsAndScopeOverrideDetails']>['idTokenGeneration']
        >['claimsToAddOrOverride']
      >
    >
  >,
];
