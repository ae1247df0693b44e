/**
 * The typed event library: types, runtime checks and builders for every Cognito user-pool trigger.
 *
 * This barrel brings the registry, and with it every trigger's schemas: for scripts and tests. Code that
 * ends up in a function's bundle (functions/, shared/runtime/) imports from the leaf modules instead
 * (triggers/<x>.ts, check.ts, folders.ts, attributes.ts, ...); test/unit/runtime/bundles.test.ts checks.
 */
export * from './registry.ts';
export * from './check.ts';
export * from './check-by-name.ts';
export type { TriggerDefinition } from './definition.ts';
export * from './builders.ts';
export * from './claims.ts';
export * from './attributes.ts';
export { SAMPLE } from './sample-values.ts';
export { characterCount } from './rules.ts';
export type { Violation } from './rules.ts';
export type { EventKind, EmailSendingAccount, ResponseCheckContext } from './definition.ts';
export { EMAIL_SENDING_ACCOUNTS } from './definition.ts';
export { FORBIDDEN_MAP_KEYS } from './schema.ts';
export type { StringMap, JsonValue } from './schema.ts';
export type { PreSignUpEvent, PreSignUpResponse, PreSignUpSource } from './triggers/pre-signup.ts';
export type {
  PostConfirmationEvent,
  PreAuthenticationEvent,
  PostAuthenticationEvent,
  EmptyResponse,
} from './triggers/account-lifecycle.ts';
export type { UserMigrationEvent, UserMigrationResponse } from './triggers/user-migration.ts';
export type {
  PreTokenGenerationEvent,
  PreTokenGenerationV1Event,
  PreTokenGenerationV2Event,
  PreTokenGenerationV3Event,
  PreTokenGenerationResponse,
  PreTokenGenerationV1Response,
  PreTokenGenerationV2Response,
} from './triggers/pre-token-generation.ts';
export { CUSTOM_MESSAGE_LIMITS } from './triggers/custom-message.ts';
export type { CustomMessageEvent, CustomMessageResponse } from './triggers/custom-message.ts';
export type {
  DefineAuthChallengeEvent,
  DefineAuthChallengeResponse,
  CreateAuthChallengeEvent,
  CreateAuthChallengeResponse,
  VerifyAuthChallengeEvent,
  VerifyAuthChallengeResponse,
  ChallengeResult,
} from './triggers/auth-challenge.ts';
export type { CustomEmailSenderEvent, CustomSmsSenderEvent, SenderResponse } from './triggers/custom-sender.ts';
export { claimText, providerSubject, SUBJECT_ATTRIBUTE } from './triggers/inbound-federation.ts';
export type {
  InboundFederationEvent,
  InboundFederationResponse,
  ProviderAttributes,
} from './triggers/inbound-federation.ts';
