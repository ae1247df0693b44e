/**
 * How long a real send takes in this container (an exponentially weighted mean), so that a challenge
 * for a user who gets no message (unknown, or unverified address) takes as long as one who does:
 * otherwise the answer's timing would tell which names exist.
 */
export interface SendLatency {
  /** The expected duration of a send, in milliseconds. */
  expectedMs(): number;
  record(ms: number): void;
}

export function sendLatency(initialMs: number, weight = 0.2, maxMs = 1500): SendLatency {
  let mean = initialMs;
  return {
    expectedMs: () => Math.min(mean, maxMs),
    record(ms) {
      if (Number.isFinite(ms) && ms >= 0) mean = mean + weight * (Math.min(ms, maxMs) - mean);
    },
  };
}

/** Waits `ms`, or until the signal aborts (the budget ran out: the wait is not worth a failure). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
