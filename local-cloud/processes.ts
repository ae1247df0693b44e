/**
 * Child processes that never outlive their parent.
 *
 * Each server runs under a small guard (an inline Node script) that owns it: the guard forwards
 * SIGTERM/SIGINT/SIGHUP to the server, escalates to SIGKILL after a grace period, and stops the server
 * when its stdin pipe from us closes, which happens however the parent ends (exit, crash, SIGKILL).
 * On top of that a process 'exit' hook terminates every guard that is still running.
 *
 * Why both: inside a Jest test file `process` is a sandboxed copy whose 'exit' event never fires, so
 * the hook alone would protect only the real process (npm start, Jest's globalSetup); the stdin pipe
 * works everywhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor, type WaitOptions } from './ports.ts';

/** The guard, run as `node -e GUARD -- <command> [args...]`. CommonJS, no dependencies. */
const GUARD = `
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
  setTimeout(() => child.kill('SIGKILL'), ${3_000}).unref();
};
process.stdin.on('end', () => stop('SIGTERM'));
process.stdin.on('error', () => stop('SIGTERM'));
process.stdin.resume();
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => stop(signal));
child.on('error', (error) => { console.error(error.message); process.exit(127); });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
`;

/** How long stop() waits for the guard before killing it; longer than the guard's own grace period. */
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_LINES_KEPT = 60;

const running = new Set<ChildProcess>();
let exitHookRegistered = false;

function registerExitHook(): void {
  if (exitHookRegistered) return;
  exitHookRegistered = true;
  // Synchronous by necessity: only kill() can run in an 'exit' listener. SIGTERM lets each guard stop
  // its server; the closed stdin pipes would make them do so anyway.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGTERM');
  });
}

export interface ProcessOptions {
  /** For messages: "DynamoDB Local". */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Receives each line the process writes to stdout or stderr (e.g. to forward logs). */
  onOutput?: (line: string) => void;
}

export interface ManagedProcess {
  readonly name: string;
  /** The last lines the process wrote, for error messages. */
  output(): string;
  /** Throws (with the process's last output) if it has exited: lets a readiness check give up early. */
  assertRunning(): void;
  /** Terminates the process and waits until it has gone. Safe to call more than once. */
  stop(): Promise<void>;
}

export function startProcess({ name, command, args, cwd, env, onOutput }: ProcessOptions): ManagedProcess {
  registerExitHook();
  const child = spawn(process.execPath, ['-e', GUARD, '--', command, ...args], {
    cwd,
    env: env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);

  const lines: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > OUTPUT_LINES_KEPT) lines.shift();
        onOutput?.(line);
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  // A write to a dead guard's stdin would otherwise be an unhandled 'error' event.
  child.stdin.on('error', () => undefined);

  let exitStatus: string | undefined;
  const exited = new Promise<void>((resolve) => {
    const finish = (status: string) => {
      exitStatus ??= status;
      running.delete(child);
      resolve();
    };
    // 'close', not 'exit': by then the output pipes are drained, so output() is complete.
    child.once('close', (code, signal) => finish(signal ? `signal ${signal}` : `exit code ${code}`));
    child.once('error', (error) => finish(`failed to start: ${error.message}`));
  });

  const output = () => lines.join('\n');

  return {
    name,
    output,
    assertRunning() {
      if (exitStatus !== undefined) {
        throw new Error(`${name} exited (${exitStatus}) before it was ready. Its last output:\n${output()}`);
      }
    },
    async stop() {
      if (exitStatus !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Waits until `check` passes while the process runs. On failure (it exited, or the time ran out) the
 * process is stopped and the error carries its last output.
 */
export async function waitUntilReady(
  child: ManagedProcess,
  check: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  try {
    await waitFor(async () => {
      child.assertRunning();
      return check();
    }, options);
  } catch (error) {
    await child.stop();
    if (error instanceof Error && !error.message.includes('Its last output')) {
      error.message += `. Its last output:\n${child.output()}`;
    }
    throw error;
  }
}
