/**
 * The conformance suite's helpers: the developer guide's example events, completed with the common
 * parameters every event carries, checked by the event library and sent to our function in-process
 * (AWS calls go to the fuzz harness's in-memory stand-ins, as in test/fuzz).
 *
 * The guide's test events are Lambda-console stubs: most hold only `request` and `response`. The guide's
 * "User Pool Lambda Trigger Event" (cognito-user-identity-pools-working-with-aws-lambda-triggers.md)
 * says every event carries `version`, `triggerSource`, `region`, `userPoolId`, `userName`,
 * `callerContext: {awsSdkVersion, clientId}`, `request` and `response`: those come from the builders;
 * every field the guide's event names is the guide's, and its maps (`userAttributes`, ...) replace ours
 * whole, so nothing of our sample's attributes stays in.
 */
import {
  buildEvent,
  parseEvent,
  responseProblems,
  type BuildOptions,
  type TriggerEvents,
  type TriggerName,
} from '../../shared/events/index.ts';
import { GENERIC_FAILURE_MESSAGE, lambdaContext, type DeclaredTriggerHandler } from '../../shared/runtime/index.ts';
import { captureOutput } from '../helpers/capture-output.ts';
import { loadHandler, startFuzzEnvironment, type FuzzEnvironment } from '../fuzz/harness.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The guide's example event on the common parameters (see above). */
export function guideEvent<N extends TriggerName>(trigger: N, example: Json, kind: BuildOptions = {}): Json {
  const base = buildEvent(trigger, kind as never) as unknown as Json;
  const merged: Json = { ...base, ...example };
  for (const part of ['callerContext', 'request'] as const) {
    if (isObject(base[part]) && isObject(example[part])) merged[part] = { ...base[part], ...example[part] };
  }
  return JSON.parse(JSON.stringify(merged)) as Json;
}

/** The problems the event library finds in an event ([] when it accepts it). */
export function eventProblems(trigger: TriggerName, event: unknown): string[] {
  try {
    parseEvent(trigger, event);
    return [];
  } catch (error) {
    return (error as { problems?: string[] }).problems ?? [String(error)];
  }
}

/** The problems of an answer: the event with `response` replaced. */
export function answerProblems<N extends TriggerName>(trigger: N, event: unknown, response: unknown): string[] {
  const parsed = parseEvent(trigger, event);
  return responseProblems(trigger, parsed, { ...(parsed as object), response } as TriggerEvents[N]);
}

export type Outcome = { answer: Json } | { refused: string };

/** Our functions, in this process, against the in-memory stand-ins. */
export interface Functions {
  run(name: string, event: unknown): Promise<Outcome>;
  /** The stand-ins' data (the legacy directory a migration reads). */
  readonly world: FuzzEnvironment['world'];
  stop(): Promise<void>;
}

export async function startFunctions(names: readonly string[]): Promise<Functions> {
  const environment: FuzzEnvironment = await startFuzzEnvironment();
  const handlers = new Map<string, DeclaredTriggerHandler>();
  for (const name of names) handlers.set(name, await loadHandler(name));
  return {
    world: environment.world,
    async run(name, event) {
      const handler = handlers.get(name);
      if (!handler) throw new Error(`${name} was not loaded`);
      const output = captureOutput();
      try {
        return { answer: (await handler(JSON.parse(JSON.stringify(event)), lambdaContext(name))) as Json };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // The generic message means the function failed, not that it decided: never a conformant outcome.
        if (message === GENERIC_FAILURE_MESSAGE) {
          throw new Error(`${name} failed on the guide's event:\n${output.text().slice(-4000)}`);
        }
        return { refused: message };
      } finally {
        output.restore();
      }
    },
    stop: () => environment.stop(),
  };
}

/**
 * An outcome Cognito accepts: an answer that passes the trigger's response rules (the wrapper checked
 * it already; checked again here against the event as sent), or a deliberate refusal the user sees.
 */
export function expectConformant(trigger: TriggerName, event: unknown, outcome: Outcome): void {
  if ('refused' in outcome) {
    expect(outcome.refused).not.toBe(GENERIC_FAILURE_MESSAGE);
    return;
  }
  const parsed = parseEvent(trigger, event);
  expect(responseProblems(trigger, parsed, outcome.answer)).toEqual([]);
}
