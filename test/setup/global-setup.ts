/**
 * Starts the local stack once for the whole run, as `npm start` does (the same program, in its own
 * process, exactly as a person would run it): DynamoDB Local, SES, the Lambda endpoint serving the
 * built handlers, cognito-local. Handler logs go to .local/test-stack.log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newStackFile, STACK_FILE_VARIABLE } from './stack-file.ts';

declare global {
  var cognitoTriggersStack: { child: ChildProcess; file: string } | undefined;
}

/** Settings the tests rely on: short lock windows, a denied domain. */
const TEST_ENVIRONMENT = [
  'POWERTOOLS_LOG_LEVEL=DEBUG',
  'LOCKOUT_MAX_ATTEMPTS=3',
  'LOCKOUT_SECONDS=2',
  'SIGNUP_DENIED_DOMAINS=denied.example',
  // Entitlements a test changes reach the next sign-in (npm start keeps the 30 s default).
  'ENTITLEMENTS_CACHE_SECONDS=0',
  ...['SIGNUP_AUTO_CONFIRM_DOMAINS=corp.example', 'SIGNUP_AUTO_VERIFY_DOMAINS=corp.example'],
  // migrate-user's breached-password check, against the stack's Pwned Passwords stand-in.
  'MIGRATION_BREACHED_PASSWORD_CHECK=true',
  // The deployed import: files over 200 kB go through the state machine, in batches of 100 rows.
  ...['IMPORT_INLINE_MAX_BYTES=200000', 'IMPORT_MAP_BATCH_SIZE=100', 'IMPORT_MAP_CONCURRENCY=4'],
];

const START_TIMEOUT_MS = 120_000;

export default async function globalSetup(): Promise<void> {
  const root = process.cwd();
  const file = newStackFile();
  rmSync(file, { force: true });
  const args = [
    join(root, 'scripts', 'start.ts'),
    '--stack-file',
    file,
    '--log-file',
    join(root, '.local', 'test-stack.log'),
  ];
  for (const setting of TEST_ENVIRONMENT) args.push('--env', setting);
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const startedAt = Date.now();
  while (!existsSync(file)) {
    const code = await Promise.race([
      exited,
      new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 100)),
    ]);
    if (code !== 'waiting') throw new Error(`the local stack exited (${code}) before it was up:\n${output}`);
    if (Date.now() - startedAt > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`the local stack was not up within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
    }
  }
  process.env[STACK_FILE_VARIABLE] = file;
  globalThis.cognitoTriggersStack = { child, file };
}
