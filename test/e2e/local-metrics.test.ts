/**
 * `npm start` counts what the functions emit (README.md, Operations): the stack the global set-up started
 * keeps its counts beside its stack file, as `npm start` keeps .local/metrics.json. A lockout here must
 * show in pre authentication's counts, as the deployed dashboard and the lockout-burst alarm see it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { metricsFileFor } from '../../local-cloud/metrics-tally.ts';
import { STACK_FILE_VARIABLE } from '../setup/stack-file.ts';
import { cognito, createConfirmedUser, signInError, useLocalEndpoints } from '../helpers/stack.ts';

useLocalEndpoints();

const file = metricsFileFor(process.env[STACK_FILE_VARIABLE] ?? '', '');
const counts = (): Record<string, Record<string, number>> =>
  existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { functions: Record<string, Record<string, number>> }).functions
    : {};

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe('the local stack counts the outcomes the functions emit', () => {
  it('counts a lockout: pre-authentication SignInsLocked and Denied', async () => {
    const idp = cognito();
    const user = await createConfirmedUser(idp, `metrics-${Date.now()}@example.com`, 'Right-Password-42');
    const before = counts()['pre-authentication'] ?? {};
    // LOCKOUT_MAX_ATTEMPTS=3 in the test stack: the fourth attempt without a success locks.
    for (let i = 0; i < 4; i += 1) await signInError(idp, user, 'Wrong-Password-42');
    const grew = (metric: string) => (counts()['pre-authentication']?.[metric] ?? 0) >= (before[metric] ?? 0) + 1;
    expect(await until(() => grew('SignInsLocked') && grew('Denied'), 10_000)).toBe(true);
    expect(counts()['pre-authentication']?.Invocations ?? 0).toBeGreaterThanOrEqual((before.Invocations ?? 0) + 4);
  }, 30_000);
});
