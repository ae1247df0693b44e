import type * as v from 'valibot';
import type { Violation } from './rules.ts';

/** One kind of event Cognito sends: a trigger source, at one event version. */
export interface EventKind {
  readonly triggerSource: string;
  readonly version: string;
}

/** A user pool's e-mail sending account (`EmailConfiguration.EmailSendingAccount`). */
export const EMAIL_SENDING_ACCOUNTS = ['COGNITO_DEFAULT', 'DEVELOPER'] as const;
export type EmailSendingAccount = (typeof EMAIL_SENDING_ACCOUNTS)[number];

/**
 * What a response rule may need to know about the user pool that the event does not say. The caller
 * supplies it as data (the runtime, from the function's configuration), so that this library depends on
 * nothing of ours.
 */
export interface ResponseCheckContext {
  /**
   * Decides whether a custom message may carry an e-mail. Absent means COGNITO_DEFAULT, as for a pool
   * without EmailConfiguration (the guide: "otherwise, the value is COGNITO_DEFAULT").
   */
  readonly emailSendingAccount?: EmailSendingAccount;
}

/**
 * Everything the library knows about one trigger: its name, what Cognito sends, what Cognito accepts
 * back, the rules beyond shape that Cognito enforces on the answer, and a realistic default event per
 * kind. A function hands its trigger's definition to the runtime (`cognitoTrigger(preSignUp, ...)`), so
 * that its bundle holds that one trigger's schemas and not the whole library's.
 */
export interface TriggerDefinition<Event, Response, Name extends string = string> {
  /** The trigger's name as the registry keys it (`PreSignUp`, ...): names metrics, logs and errors. */
  readonly name: Name;
  readonly kinds: readonly EventKind[];
  readonly event: v.GenericSchema;
  /** The shape of the answer; a function where the shape depends on the event (e.g. its version). */
  readonly response: v.GenericSchema | ((event: Event) => v.GenericSchema);
  readonly rules: (event: Event, response: Response, context: ResponseCheckContext) => Violation[];
  readonly sample: (kind: EventKind) => Event;
}

/** Replaces the `response` of every member of a union of events, keeping the union discriminated. */
export type WithResponse<Incoming, Response> = Incoming extends unknown
  ? { [K in keyof Incoming as K extends 'response' ? never : K]: Incoming[K] } & { response: Response }
  : never;

/** As WithResponse, for triggers whose events arrive without a `response` (the custom senders). */
export type WithOptionalResponse<Incoming, Response> = Incoming extends unknown
  ? { [K in keyof Incoming as K extends 'response' ? never : K]: Incoming[K] } & { response?: Response }
  : never;

export const noRules = (): Violation[] => [];
