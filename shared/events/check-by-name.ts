/**
 * The runtime checks by trigger name, for scripts and tests that pick a trigger at run time. They look
 * the definition up in the registry, so they bring every trigger's schemas with them: the runtime (and so
 * every function's bundle) uses the definition-based forms in check.ts instead.
 */
import { checkResponseWith, parseEventWith, responseProblemsWith } from './check.ts';
import type { ResponseCheckContext } from './definition.ts';
import { TRIGGERS, type DefinitionOf, type TriggerEvents, type TriggerName } from './registry.ts';

/** The registry's definition of a trigger, typed by its name. */
function definitionOf<N extends TriggerName>(trigger: N): DefinitionOf<N> {
  return TRIGGERS[trigger] as DefinitionOf<N>;
}

/** parseEventWith, by trigger name. */
export function parseEvent<N extends TriggerName>(trigger: N, input: unknown): TriggerEvents[N] {
  return parseEventWith(definitionOf(trigger), input);
}

/** responseProblemsWith, by trigger name. */
export function responseProblems<N extends TriggerName>(
  trigger: N,
  event: TriggerEvents[N],
  result: unknown,
  context: ResponseCheckContext = {},
): string[] {
  return responseProblemsWith(definitionOf(trigger), event, result, context);
}

/** checkResponseWith, by trigger name. */
export function checkResponse<N extends TriggerName>(
  trigger: N,
  event: TriggerEvents[N],
  result: unknown,
  context: ResponseCheckContext = {},
): TriggerEvents[N] {
  return checkResponseWith(definitionOf(trigger), event, result, context);
}
