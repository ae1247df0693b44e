/** `npm run notifications:retry`: the operator's way to send failed notifications again, run as they run it. */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { notifyOnce } from '../../shared/mail/notify.ts';
import { createLogger, createMetrics } from '../../shared/runtime/observability.ts';
import { notificationStore } from '../../shared/stores/notifications.ts';
import { captureOutput } from '../helpers/capture-output.ts';
import { mailTo, tableName, uniqueEmail, unreachableSesSender, useLocalEndpoints } from '../helpers/stack.ts';
import { STACK_FILE_VARIABLE } from '../setup/stack-file.ts';

const ROOT = process.cwd();

function retry(...args: string[]) {
  const run = spawnSync(
    process.execPath,
    ['--no-warnings', '--import', 'tsx', join(ROOT, 'scripts', 'retry-notifications.ts'), ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => useLocalEndpoints());

describe('npm run notifications:retry', () => {
  const output = captureOutput();
  afterAll(() => output.restore());

  it("sends a user's failed welcome again, once, against the local stack", async () => {
    const to = uniqueEmail('retry-cli');
    const sub = randomUUID();
    const id = `${sub}#welcome`;
    const unreachable = unreachableSesSender();
    const deps = {
      store: notificationStore(tableName('notifications')),
      sender: unreachable,
      log: createLogger('retry-cli-test'),
      metrics: createMetrics('retry-cli-test', 'PostConfirmation'),
    };
    const request = {
      id,
      sub,
      kind: 'welcome' as const,
      to,
      from: 'no-reply@example.com',
      locale: 'de',
      params: { name: 'Jana', appName: 'Acme' },
      expiresAt: 2_000_000_000,
    };
    expect(await notifyOnce(deps, request)).toBe('failed');

    const stackFile = process.env[STACK_FILE_VARIABLE] ?? '';
    const first = retry('--stack-file', stackFile, '--sub', sub);
    expect(first).toEqual({
      status: 0,
      stdout: `${id} welcome sent\nretried 1 failed notification(s): 1 sent\n`,
      stderr: '',
    });
    const received = await mailTo(to);
    expect(received).toHaveLength(1);
    expect(received[0]?.subject).toBe('Willkommen bei Acme');

    expect(retry('--stack-file', stackFile, '--sub', sub).stdout).toBe('retried 0 failed notification(s)\n');
    expect(await mailTo(to)).toHaveLength(1);
  }, 60_000);

  it('refuses bad arguments in one line', () => {
    expect(retry('--table', 'x', '--limit', '0')).toEqual({
      status: 1,
      stdout: '',
      stderr: 'error: --limit must be a whole number above 0, got 0\n',
    });
    const env = { ...process.env };
    delete env.NOTIFICATIONS_TABLE;
    const run = spawnSync(
      process.execPath,
      ['--no-warnings', '--import', 'tsx', join(ROOT, 'scripts', 'retry-notifications.ts')],
      {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('error: name the notifications table: --table <name> or NOTIFICATIONS_TABLE\n');
    expect(run.status).toBe(1);
  }, 60_000);
});
