/** Runs `npm run import` as a person would (its own process), against the test stack. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { clientEnvironment } from '../../../local-cloud/index.ts';
import { stack } from '../../helpers/stack.ts';

const ROOT = process.cwd();

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI; `env` adds to (or, with undefined values, removes from) the environment. */
export function startImport(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): { child: ChildProcess; done: Promise<CliRun> } {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...clientEnvironment(stack) };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete environment[key];
    else environment[key] = value;
  }
  const child = spawn(
    process.execPath,
    ['--no-warnings', '--import', 'tsx', join(ROOT, 'scripts', 'import.ts'), ...args],
    {
      cwd: ROOT,
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<CliRun>((resolve) =>
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr })),
  );
  return { child, done };
}

export const runCli = (args: readonly string[], env?: Record<string, string | undefined>) =>
  startImport(args, env).done;
