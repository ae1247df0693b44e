/** `npm run user-ref`: the pseudonym support pastes into the "everything about one user" query. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildEvent } from '../../../shared/events/index.ts';
import { cognitoTrigger, lambdaContext } from '../../../shared/runtime/index.ts';
import { preSignUp } from '../../../shared/events/triggers/pre-signup.ts';
import { captureOutput } from '../../helpers/capture-output.ts';
import { parseUserRefArgs } from '../../../scripts/user-ref.ts';

const KEY = 'a-stack-log-hash-key-of-32-chars!';

function userRef(args: string[], env: Record<string, string> = { LOG_HASH_KEY: KEY }) {
  return spawnSync(process.execPath, ['--no-warnings', '--import', 'tsx', join('scripts', 'user-ref.ts'), ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 30_000,
  });
}

describe('npm run user-ref', () => {
  it("prints the userRef a function logs for that user name and pool (the stack's LOG_HASH_KEY)", async () => {
    const event = buildEvent('PreSignUp');
    const previous = process.env.LOG_HASH_KEY;
    process.env.LOG_HASH_KEY = KEY;
    const output = captureOutput();
    try {
      const handler = cognitoTrigger(preSignUp, (e, { log }) => (log.info('seen'), e), { failureMode: 'closed' });
      await handler(event, lambdaContext('pre-signup'));
    } finally {
      output.restore();
      if (previous === undefined) delete process.env.LOG_HASH_KEY;
      else process.env.LOG_HASH_KEY = previous;
    }
    const logged = output.records().find((line) => line.message === 'seen')?.userRef;
    expect(logged).toMatch(/^[0-9a-f]{16}$/);
    // Typed in another case: Cognito's user names are case-insensitive, and so is the pseudonym.
    const run = userRef([String(event.userName).toUpperCase(), '--pool', String(event.userPoolId)]);
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(logged);
  }, 40_000);

  it('refuses to print without the key, or without a pool', () => {
    const run = userRef(['jane', '--pool', 'eu-west-1_x'], {});
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('LOG_HASH_KEY is not set');
    expect(() => parseUserRefArgs(['jane'])).toThrow('usage');
    expect(() => parseUserRefArgs(['jane', 'john', '--pool', 'p'])).toThrow('one user name only');
  }, 40_000);
});
