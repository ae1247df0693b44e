/**
 * Runtime checks: of the events Cognito sends (what our code relies on) and of our answers (what Cognito
 * accepts). Messages name the path and the problem; they never quote a value, which could be a secret.
 */
import * as v from 'valibot';
import { formatViolations, type Violation } from './rules.ts';
import { TRIGGERS, type TriggerEvents, type TriggerName } from './registry.ts';

export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  constructor(
    readonly trigger: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid ${trigger} event: ${problems.join('; ')}`);
  }
}

export class ResponseValidationError extends Error {
  override readonly name = 'ResponseValidationError';
  constructor(
    readonly trigger: string,
    readonly problems: readonly string[],
  ) {
    super(`${trigger} response breaks Cognito's rules: ${problems.join('; ')}`);
  }
}

/** Fields whose values are safe, and useful, to repeat in a message. */
const QUOTABLE_FIELDS = new Set(['triggerSource', 'version', 'type', 'providerType']);

type Issue = v.BaseIssue<unknown>;
type PathKey = PropertyKey;

export function formatPath(path: readonly PathKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}

function valueAt(root: unknown, path: readonly PathKey[]): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key))
      return { found: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: current };
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describeActual(input: unknown, path: readonly PathKey[]): string {
  const { found, value } = valueAt(input, path);
  if (!found) return 'nothing';
  const last = path[path.length - 1];
  if (typeof value === 'string' && typeof last === 'string' && QUOTABLE_FIELDS.has(last) && value.length <= 64) {
    return JSON.stringify(value);
  }
  return describeType(value);
}

/** valibot writes expectations as `"a" | "b"` for choices; we say `one of "a", "b"`. */
function describeExpected(expected: string): string {
  const choices = expected.replace(/^\((.*)\)$/su, '$1').split(' | ');
  if (choices.length > 1) return `one of ${choices.join(', ')}`;
  return expected.startsWith('"') ? `one of ${expected}` : expected;
}

function describeIssue(issue: Issue, input: unknown): string {
  const path = (issue.path ?? []).map((item) => item.key as PathKey);
  const where = formatPath(path) || '(event)';
  if (issue.kind === 'validation') return `${where}: ${issue.message}`;
  const actual = describeActual(input, path);
  // A missing key is reported with the key's name as the expectation, which says nothing new.
  const missingKey = actual === 'nothing' && issue.expected === `"${String(path[path.length - 1])}"`;
  if (missingKey) return `${where}: required, missing`;
  const expected = describeExpected(issue.expected ?? issue.type);
  return actual === 'nothing'
    ? `${where}: required ${expected}, missing`
    : `${where}: expected ${expected}, got ${actual}`;
}

function problemsOf(issues: readonly Issue[], input: unknown): string[] {
  return issues.map((issue) => describeIssue(issue, input));
}

/**
 * Checks an incoming event and returns it, typed. The event itself is returned, not a parsed copy:
 * fields Cognito adds later pass through untouched, and nothing is rebuilt from untrusted keys.
 */
export function parseEvent<N extends TriggerName>(trigger: N, input: unknown): TriggerEvents[N] {
  const result = v.safeParse(TRIGGERS[trigger].event, input);
  if (!result.success) throw new EventValidationError(trigger, problemsOf(result.issues, input));
  return input as TriggerEvents[N];
}

/** Problems Cognito would have with this answer to this event; empty when it would accept it. */
export function responseProblems<N extends TriggerName>(
  trigger: N,
  event: TriggerEvents[N],
  result: unknown,
): string[] {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    return [`(result): expected the event object, got ${describeType(result)}`];
  }
  const answer = (result as { response?: unknown }).response ?? {};
  const definition = TRIGGERS[trigger] as unknown as {
    response: v.GenericSchema | ((e: unknown) => v.GenericSchema);
    rules: (e: unknown, r: unknown) => Violation[];
  };
  const schema = typeof definition.response === 'function' ? definition.response(event) : definition.response;
  const shape = v.safeParse(schema, answer);
  if (!shape.success) {
    return problemsOf(shape.issues, answer).map((problem) => `response.${problem}`);
  }
  return definition.rules(event, answer).map((v) => formatViolations([v]));
}

/** Throws a ResponseValidationError naming every rule the answer breaks. */
export function checkResponse<N extends TriggerName>(
  trigger: N,
  event: TriggerEvents[N],
  result: unknown,
): TriggerEvents[N] {
  const problems = responseProblems(trigger, event, result);
  if (problems.length) throw new ResponseValidationError(trigger, problems);
  return result as TriggerEvents[N];
}
