/**
 * The folder under functions/ (and events/) that handles each trigger: a contract with the tooling. A
 * module of its own, with no definitions in it, because the runtime names every function's logs and
 * metrics by its folder, and a function's bundle should not hold the other triggers' schemas for that.
 */
import type { TriggerName } from './registry.ts';

export const FUNCTION_FOLDERS: { readonly [N in TriggerName]: string } = {
  PreSignUp: 'pre-signup',
  PostConfirmation: 'post-confirmation',
  PreAuthentication: 'pre-authentication',
  PostAuthentication: 'post-authentication',
  UserMigration: 'migrate-user',
  PreTokenGeneration: 'pre-token-generation',
  CustomMessage: 'custom-message',
  DefineAuthChallenge: 'define-auth-challenge',
  CreateAuthChallenge: 'create-auth-challenge',
  VerifyAuthChallengeResponse: 'verify-auth-challenge',
  CustomEmailSender: 'custom-email-sender',
  CustomSMSSender: 'custom-sms-sender',
  InboundFederation: 'inbound-federation',
};
