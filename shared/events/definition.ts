import type * as v from 'valibot';
import type { Violation } from './rules.ts';

/** One kind of event Cognito sends: a trigger source, at one event version. */
export interface EventKind {
  readonly triggerSource: string;
  readonly version: string;
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
  readonly rules: (event: Event, response: Response) => Violation[];
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
