/**
 * The log lines each local invocation writes. The handlers run in the stack's own process, concurrently,
 * and Powertools keeps one logger (and one request id) per function module, so a line's
 * `function_request_id` names whichever invocation set it last. The async context an invocation runs in
 * does not mix: each write is given to the invocation whose context it is made in, as it passes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Capture {
  lines: string[];
  partial: string;
}

const current = new AsyncLocalStorage<Capture>();
let tapped = false;

/** Wraps process.stdout.write once, keeping whatever else (a log file, the terminal) it already did. */
function tapStdout(): void {
  if (tapped) return;
  tapped = true;
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const capture = current.getStore();
    if (capture) {
      const text = capture.partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const parts = text.split('\n');
      capture.partial = parts.pop() ?? '';
      capture.lines.push(...parts.filter((line) => line !== ''));
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
}

/** Runs `work`, and answers with the lines written to stdout in its async context as well. */
export async function withOutputCaptured<T>(
  work: () => Promise<T>,
): Promise<{ outcome: PromiseSettledResult<T>; lines: string[] }> {
  tapStdout();
  const capture: Capture = { lines: [], partial: '' };
  const outcome = await current.run(capture, () =>
    work().then(
      (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
    ),
  );
  if (capture.partial !== '') capture.lines.push(capture.partial);
  return { outcome, lines: capture.lines };
}
