/**
 * Builders of valid events for any trigger source, with realistic defaults and deep overrides. Tests and
 * the sample events in events/ are made with them.
 */
import { isPlainObject } from './schema.ts';
import { TRIGGERS, type TriggerEvents, type TriggerName } from './registry.ts';

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

export interface BuildOptions {
  /** Trigger source; defaults to the trigger's first. */
  triggerSource?: string;
  /** Event version, where a trigger has several (pre token generation: '1', '2', '3'). */
  version?: string;
}

/**
 * Merges `overrides` into `base`: objects merge key by key, anything else replaces, and a key set to
 * `undefined` is removed (to build an event that lacks a field). Keys are copied with
 * Object.defineProperty semantics via Object.fromEntries, so a `__proto__` key stays an own property.
 */
export function deepMerge<T>(base: T, overrides: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return (overrides === undefined ? base : overrides) as T;
  const merged = Object.fromEntries(Object.entries(base));
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete merged[key];
    else merged[key] = Object.hasOwn(merged, key) ? deepMerge(merged[key], value) : value;
  }
  return merged as T;
}

export function buildEvent<N extends TriggerName>(
  trigger: N,
  overrides?: DeepPartial<TriggerEvents[N]> & BuildOptions,
): TriggerEvents[N] {
  const definition = TRIGGERS[trigger];
  const { triggerSource, version } = overrides ?? {};
  const kind =
    definition.kinds.find(
      (k) =>
        (triggerSource === undefined || k.triggerSource === triggerSource) &&
        (version === undefined || k.version === version),
    ) ?? (triggerSource === undefined ? undefined : { triggerSource, version: version ?? '1' });
  if (!kind) throw new Error(`${trigger} has no event of version ${version}`);
  const known = definition.kinds.some((k) => k.triggerSource === kind.triggerSource);
  if (!known) throw new Error(`${trigger} has no trigger source ${kind.triggerSource}`);
  return deepMerge(definition.sample(kind), overrides) as TriggerEvents[N];
}
