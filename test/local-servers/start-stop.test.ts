/**
 * `npm start` as a person runs it: Ctrl-C (SIGINT to its whole process group), SIGINT or SIGTERM to npm
 * alone each stop every process it started; a second `npm start` on the same stack file refuses while
 * the first runs, and leaves the first one's file alone.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.cwd();
const UP_TIMEOUT_MS = 150_000;
const GONE_TIMEOUT_MS = 20_000;

interface Started {
  child: ChildProcess;
  stackFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** `npm start` in its own process group (as in a terminal), stderr collected. */
function npmStart(stackFile: string, logFile: string): Started {
  const child = spawn('npm', ['start', '--', '--no-seed', '--stack-file', stackFile, '--log-file', logFile], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, stackFile, exited };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every process below `pid` (ps, so it reads the same on Linux and macOS). */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/u).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift() as number;
    for (const [child, ppid] of table)
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const ways = [
  ['Ctrl-C (SIGINT to the process group)', (pid: number) => process.kill(-pid, 'SIGINT')],
  ['SIGTERM to npm', (pid: number) => process.kill(pid, 'SIGTERM')],
  ['SIGINT to npm', (pid: number) => process.kill(pid, 'SIGINT')],
] as const;

describe('npm start', () => {
  it.each(ways)(
    '%s stops every process it started and removes the stack file',
    async (_, signal) => {
      const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
      const first = npmStart(join(dir, 'stack.json'), join(dir, 'stack.log'));
      const pid = first.child.pid as number;
      let started: number[] = [];
      try {
        await until(() => existsSync(first.stackFile), UP_TIMEOUT_MS, 'the stack file appears');
        started = descendants(pid);
        // npm's shell, the stack, and a guard with its server each for DynamoDB Local, SES and cognito-local.
        expect(started.length).toBeGreaterThanOrEqual(4);

        signal(pid);
        const { code } = await first.exited;
        expect(code).toBe(0);
        await until(() => started.every((each) => !alive(each)), GONE_TIMEOUT_MS, 'every started process ends');
        expect(existsSync(first.stackFile)).toBe(false);
      } finally {
        for (const each of [pid, ...descendants(pid), ...started]) if (alive(each)) process.kill(each, 'SIGKILL');
      }
    },
    240_000,
  );

  it('refuses a second start on the same stack file while the first runs, leaving the file to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
    const first = npmStart(join(dir, 'stack.json'), join(dir, 'first.log'));
    const pid = first.child.pid as number;
    let started: number[] = [];
    try {
      await until(() => existsSync(first.stackFile), UP_TIMEOUT_MS, 'the stack file appears');
      const written = readFileSync(first.stackFile, 'utf8');
      started = descendants(pid);

      const second = npmStart(first.stackFile, join(dir, 'second.log'));
      const refused = await second.exited;
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`a local stack already runs on ${first.stackFile}`);
      expect(refused.stderr).toContain('--stack-file');
      expect(readFileSync(first.stackFile, 'utf8')).toBe(written);

      // The first still owns its file: stopping it removes it.
      process.kill(pid, 'SIGTERM');
      expect((await first.exited).code).toBe(0);
      expect(existsSync(first.stackFile)).toBe(false);
    } finally {
      for (const each of [pid, ...descendants(pid), ...started]) if (alive(each)) process.kill(each, 'SIGKILL');
    }
  }, 240_000);
});
