/**
 * The least time a password check takes, per container, so that response time says nothing about who
 * signed in. A directory that mixes algorithms and costs verifies in 1 ms (PBKDF2 at 1,000 rounds) or
 * 500 ms (scrypt N=2^17); the dummy an unknown name is verified against has one cost. Every check is
 * therefore held until the floor: the largest of the medians of the recent verify times of each
 * parameter set (`$2b$12$`, `$scrypt$ln=17,r=8,p=1`) this container has verified, the dummy's among them.
 * So every check, of an unknown name or a known one, takes what the most expensive hash met lately takes,
 * or the dummy's, whichever is more. Medians, not maxima: one slow verification (a pause, a noisy
 * neighbour) must not raise everyone's floor.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WorkFloor {
  /** Records one verification of a hash of `parameters` (never a salt or digest) that took `ms`. */
  record(parameters: string, ms: number): void;
  /** Whether `parameters` has been verified in this container yet. */
  has(parameters: string): boolean;
  /** The floor now, in milliseconds (0 before anything was recorded). */
  floorMs(): number;
  /**
   * Waits until `startedAt` (performance.now()) plus the floor, or until `signal` aborts: the budget
   * running out ends the wait, and the caller's next step meets the aborted signal.
   */
  holdUntilFloor(startedAt: number, signal?: AbortSignal): Promise<void>;
}

export interface WorkFloorOptions {
  /** Recent verify times kept per parameter set. */
  window?: number;
  /** Parameter sets remembered; the one recorded longest ago goes first. */
  maxParameterSets?: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

export function workFloor({ window = 9, maxParameterSets = 32 }: WorkFloorOptions = {}): WorkFloor {
  // Insertion order is recency: a set recorded again moves to the end.
  const samples = new Map<string, number[]>();
  const floorMs = () => Math.max(0, ...[...samples.values()].map(median));
  return {
    record(parameters, ms) {
      const recent = samples.get(parameters) ?? [];
      samples.delete(parameters);
      recent.push(ms);
      if (recent.length > window) recent.shift();
      samples.set(parameters, recent);
      if (samples.size > maxParameterSets) samples.delete(samples.keys().next().value as string);
    },
    has: (parameters) => samples.has(parameters),
    floorMs,
    async holdUntilFloor(startedAt, signal) {
      const wait = startedAt + floorMs() - performance.now();
      if (wait > 0 && !signal?.aborted) await sleep(wait, undefined, { signal }).catch(() => undefined);
    },
  };
}
