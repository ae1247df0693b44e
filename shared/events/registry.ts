/** Every trigger the library knows, and the function folder that handles each. */
import { preSignUp, type PreSignUpEvent, type PreSignUpResponse } from './triggers/pre-signup.ts';
import {
  postAuthentication,
  postConfirmation,
  preAuthentication,
  type EmptyResponse,
  type PostAuthenticationEvent,
  type PostConfirmationEvent,
  type PreAuthenticationEvent,
} from './triggers/account-lifecycle.ts';
import { userMigration, type UserMigrationEvent, type UserMigrationResponse } from './triggers/user-migration.ts';
import {
  preTokenGeneration,
  type PreTokenGenerationEvent,
  type PreTokenGenerationResponse,
} from './triggers/pre-token-generation.ts';
import { customMessage, type CustomMessageEvent, type CustomMessageResponse } from './triggers/custom-message.ts';
import {
  createAuthChallenge,
  defineAuthChallenge,
  verifyAuthChallenge,
  type CreateAuthChallengeEvent,
  type CreateAuthChallengeResponse,
  type DefineAuthChallengeEvent,
  type DefineAuthChallengeResponse,
  type VerifyAuthChallengeEvent,
  type VerifyAuthChallengeResponse,
} from './triggers/auth-challenge.ts';
import {
  customEmailSender,
  customSmsSender,
  type CustomEmailSenderEvent,
  type CustomSmsSenderEvent,
  type SenderResponse,
} from './triggers/custom-sender.ts';
import {
  inboundFederation,
  type InboundFederationEvent,
  type InboundFederationResponse,
} from './triggers/inbound-federation.ts';
import type { EventKind, TriggerDefinition } from './definition.ts';
import { FUNCTION_FOLDERS } from './folders.ts';

/** The event type of each trigger, narrowed by trigger source within. */
export interface TriggerEvents {
  PreSignUp: PreSignUpEvent;
  PostConfirmation: PostConfirmationEvent;
  PreAuthentication: PreAuthenticationEvent;
  PostAuthentication: PostAuthenticationEvent;
  UserMigration: UserMigrationEvent;
  PreTokenGeneration: PreTokenGenerationEvent;
  CustomMessage: CustomMessageEvent;
  DefineAuthChallenge: DefineAuthChallengeEvent;
  CreateAuthChallenge: CreateAuthChallengeEvent;
  VerifyAuthChallengeResponse: VerifyAuthChallengeEvent;
  CustomEmailSender: CustomEmailSenderEvent;
  CustomSMSSender: CustomSmsSenderEvent;
  InboundFederation: InboundFederationEvent;
}

/** What each trigger may answer in `response`. */
export interface TriggerResponses {
  PreSignUp: PreSignUpResponse;
  PostConfirmation: EmptyResponse;
  PreAuthentication: EmptyResponse;
  PostAuthentication: EmptyResponse;
  UserMigration: UserMigrationResponse;
  PreTokenGeneration: PreTokenGenerationResponse;
  CustomMessage: CustomMessageResponse;
  DefineAuthChallenge: DefineAuthChallengeResponse;
  CreateAuthChallenge: CreateAuthChallengeResponse;
  VerifyAuthChallengeResponse: VerifyAuthChallengeResponse;
  CustomEmailSender: SenderResponse;
  CustomSMSSender: SenderResponse;
  InboundFederation: InboundFederationResponse;
}

export type TriggerName = keyof TriggerEvents;
export type TriggerSourceOf<N extends TriggerName> = TriggerEvents[N]['triggerSource'];

/** The definition of trigger N: what a handler passes to `cognitoTrigger`. */
export type DefinitionOf<N extends TriggerName> = TriggerDefinition<TriggerEvents[N], TriggerResponses[N], N>;

/** Keyed by each definition's own name: a definition filed under another trigger's key does not compile. */
type Registry = { readonly [N in TriggerName]: DefinitionOf<N> };

export const TRIGGERS: Registry = {
  PreSignUp: preSignUp,
  PostConfirmation: postConfirmation,
  PreAuthentication: preAuthentication,
  PostAuthentication: postAuthentication,
  UserMigration: userMigration,
  PreTokenGeneration: preTokenGeneration,
  CustomMessage: customMessage,
  DefineAuthChallenge: defineAuthChallenge,
  CreateAuthChallenge: createAuthChallenge,
  VerifyAuthChallengeResponse: verifyAuthChallenge,
  CustomEmailSender: customEmailSender,
  CustomSMSSender: customSmsSender,
  InboundFederation: inboundFederation,
};

export const TRIGGER_NAMES = Object.keys(TRIGGERS) as TriggerName[];

/** The folder of each trigger's function: in a module of its own, which handlers may import (folders.ts). */
export { FUNCTION_FOLDERS } from './folders.ts';

export function triggerOfFunction(folder: string): TriggerName | undefined {
  return TRIGGER_NAMES.find((name) => FUNCTION_FOLDERS[name] === folder);
}

export interface KnownEventKind extends EventKind {
  readonly trigger: TriggerName;
}

/** Every (trigger, trigger source, version) Cognito sends. */
export const ALL_EVENT_KINDS: readonly KnownEventKind[] = TRIGGER_NAMES.flatMap((trigger) =>
  TRIGGERS[trigger].kinds.map((kind) => ({ trigger, ...kind })),
);

/**
 * The file name of a kind's sample event. Pre token generation keeps V2 as the plain name (the version
 * new pools should choose) and marks V1 with `.v1`; client credentials exist only in V3.
 */
export function sampleFileName(kind: KnownEventKind): string {
  const legacyTokenEvent = kind.trigger === 'PreTokenGeneration' && kind.version === '1';
  return `${kind.triggerSource}${legacyTokenEvent ? '.v1' : ''}.json`;
}
