/**
 * `serverless package`, once per set of parameters in a test run, one at a time across jest's workers.
 * osls keeps its state in the service's own `.serverless` folder whatever `--package` says, so two runs
 * at once break each other (seen: ENOENT on `.serverless/serverless-state.json`, and a run that exited 0
 * without its template). Three test files package the stack; the lock makes them take turns, and a
 * package made for the same parameters in the same run is reused.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/build.ts';
import { STACK_FILE_VARIABLE } from '../setup/stack-file.ts';

const TEMPLATE = 'cloudformation-template-update-stack.json';
/** A lock older than this was left by a run that died. */
const STALE_LOCK_MS = 15 * 60_000;
/** A whole package, built functions included, on a loaded 2-core machine. */
const PACKAGE_TIMEOUT_MS = 300_000;
/** What a test that packages must allow: its own package and, at worst, every other one before it. */
export const PACKAGING_TEST_TIMEOUT_MS = 900_000;

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** This run's packages: the run's stack file (set by the global setup for every worker) names it. */
const runDirectory = join(
  tmpdir(),
  `cognito-triggers-packages-${digest(`${ROOT}\0${process.env[STACK_FILE_VARIABLE] ?? process.ppid}`)}`,
);
const lockDirectory = join(tmpdir(), `cognito-triggers-package-lock-${digest(ROOT)}`);

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Takes the lock if it is free; removes a stale one. */
function tryLock(): boolean {
  try {
    mkdirSync(lockDirectory);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(lockDirectory).mtimeMs > STALE_LOCK_MS) rmSync(lockDirectory, { recursive: true });
    } catch {
      // Released meanwhile: try again.
    }
    return false;
  }
}

const unlock = () => rmSync(lockDirectory, { recursive: true, force: true });

/** Runs `work` while no other test runs the framework in this repository (package, invoke local). */
export function withServerlessLock<T>(work: () => T): T {
  while (!tryLock()) sleep(500);
  try {
    return work();
  } finally {
    unlock();
  }
}

/** The same for asynchronous work (a README walkthrough that runs `npx serverless ...`). */
export async function withServerlessLockAsync<T>(work: () => Promise<T>): Promise<T> {
  while (!tryLock()) await new Promise((resolve) => setTimeout(resolve, 500));
  try {
    return await work();
  } finally {
    unlock();
  }
}

export interface Packaged<T> {
  /** The package folder: the template and the functions' zips. Shared: do not change or remove it. */
  dir: string;
  template: T;
}

/** The stack packaged with these `--param` values (`name=value`), made once per run. */
export function packaged<T>(params: readonly string[] = []): Packaged<T> {
  const dir = join(runDirectory, digest(JSON.stringify(params)));
  withServerlessLock(() => {
    if (existsSync(join(dir, TEMPLATE))) return;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const run = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'serverless'),
      ['package', '--package', dir, ...params.flatMap((param) => ['--param', param])],
      { cwd: ROOT, encoding: 'utf8', timeout: PACKAGE_TIMEOUT_MS },
    );
    if (run.status !== 0 || !existsSync(join(dir, TEMPLATE))) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`serverless package failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
    }
  });
  return { dir, template: JSON.parse(readFileSync(join(dir, TEMPLATE), 'utf8')) as T };
}
