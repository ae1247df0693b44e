/**
 * Runtime checks: of the events Cognito sends (what our code relies on) and of our answers (what Cognito
 * accepts). Messages name the path and the problem; they never quote a value, which could be a secret.
 *
 * Each check takes the trigger's definition, not its name: this module does not import the registry, so
 * a function that checks one trigger bundles that trigger's schemas alone. The checks by name, for
 * scripts and tests, are in check-by-name.ts.
 */
import * as v from 'valibot';
import { formatViolations } from './rules.ts';
import type { ResponseCheckContext, TriggerDefinition } from './definition.ts';

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
export function parseEventWith<Event, Response, Name extends string>(
  definition: TriggerDefinition<Event, Response, Name>,
  input: unknown,
): Event {
  const result = v.safeParse(definition.event, input);
  if (!result.success) throw new EventValidationError(definition.name, problemsOf(result.issues, input));
  return input as Event;
}

/**
 * Problems Cognito would have with this answer to this event; empty when it would accept it. `context`
 * says what the event does not (the pool's e-mail sending account); left out, Cognito's defaults apply.
 */
export function responseProblemsWith<Event, Response, Name extends string>(
  definition: TriggerDefinition<Event, Response, Name>,
  event: Event,
  result: unknown,
  context: ResponseCheckContext = {},
): string[] {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    return [`(result): expected the event object, got ${describeType(result)}`];
  }
  const answer = (result as { response?: unknown }).response ?? {};
  const schema = typeof definition.response === 'function' ? definition.response(event) : definition.response;
  const shape = v.safeParse(schema, answer);
  if (!shape.success) {
    return problemsOf(shape.issues, answer).map((problem) => `response.${problem}`);
  }
  // The shape check passed, so the answer is what the rules are written for.
  return definition.rules(event, answer as Response, context).map((v) => formatViolations([v]));
}

/** Throws a ResponseValidationError naming every rule the answer breaks. */
export function checkResponseWith<Event, Response, Name extends string>(
  definition: TriggerDefinition<Event, Response, Name>,
  event: Event,
  result: unknown,
  context: ResponseCheckContext = {},
): Event {
  const problems = responseProblemsWith(definition, event, result, context);
  if (problems.length) throw new ResponseValidationError(definition.name, problems);
  return result as Event;
}
