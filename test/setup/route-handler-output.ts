/**
 * Many tests run handlers in the test process: their Powertools logs and EMF metrics (JSON lines, on
 * stdout and, for warnings and errors, stderr) go to the test log, `.local/test-stack.log` as
 * docs/testing.md says, beside the local stack's, not into the test run's output. Anything else (a test's own
 * output, jest's) passes through. Tests that read the logs (test/helpers/capture-output.ts) replace
 * `write` while they capture, so they see every line as before.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Overridable so that the test of this routing does not write into the suite's log. */
export const TEST_LOG_VARIABLE = 'COGNITO_TRIGGERS_TEST_LOG';
const logFile = process.env[TEST_LOG_VARIABLE] ?? join(process.cwd(), '.local', 'test-stack.log');
// Jest runs this once per test file, in one process per worker: wrap each stream once.
const ROUTED = Symbol.for('cognito-triggers.routed-handler-output');

/** A Powertools log record (level and message) or an EMF document (`_aws`): nothing else is routed. */
function isHandlerRecord(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const record = JSON.parse(line) as Record<string, unknown>;
    return '_aws' in record || ('level' in record && 'message' in record);
  } catch {
    return false;
  }
}

function route(stream: NodeJS.WriteStream): void {
  const marked = stream as NodeJS.WriteStream & { [ROUTED]?: true };
  if (marked[ROUTED]) return;
  marked[ROUTED] = true;
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0 || !lines.every((line) => isHandlerRecord(line.trim()))) return original(chunk, ...rest);
    mkdirSync(dirname(logFile), { recursive: true });
    appendFileSync(logFile, text.endsWith('\n') ? text : `${text}\n`);
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    callback?.();
    return true;
  }) as typeof stream.write;
}

route(process.stdout);
route(process.stderr);
