/**
 * migrate-user's breached-password step: what a check's verdict decides. The developer guide,
 * "Checking for compromised credentials": when Cognito blocks a sign-in with compromised credentials "it
 * sets the user's UserStatus to RESET_REQUIRED"; here a breached password gives the same status (the
 * handler's answer: test/integration/migrate-user-breached.test.ts).
 */
import type { Logger, Metrics } from '../../../shared/runtime/index.ts';
import type { BreachCheck } from '../../../shared/passwords/breach-check.ts';
import type { BreachVerdict } from '../../../shared/passwords/breached.ts';
import { isBreachedPassword } from '../../../functions/migrate-user/breached-password.ts';

function io() {
  const logged: Array<{ message: string; extra: unknown }> = [];
  const counted: string[] = [];
  const record = (message: string, extra?: unknown) => void logged.push({ message, extra });
  return {
    logged,
    counted,
    io: {
      log: { info: record, warn: record } as unknown as Logger,
      metrics: { addMetric: (name: string) => void counted.push(name) } as unknown as Metrics,
      signal: new AbortController().signal,
    },
  };
}

const answering =
  (verdict: BreachVerdict, seen: string[] = []): BreachCheck =>
  async (password) => {
    seen.push(password);
    return verdict;
  };

describe('isBreachedPassword', () => {
  it('asks nothing when the check is off', async () => {
    const { io: deps, counted } = io();
    expect(await isBreachedPassword('Passw0rd!', undefined, deps)).toBe(false);
    expect(counted).toEqual([]);
  });

  it('is true for a breached password, and logs only that it is (no password, no count)', async () => {
    const { io: deps, logged, counted } = io();
    const seen: string[] = [];
    expect(await isBreachedPassword('Passw0rd!', answering({ status: 'breached', count: 26_483 }, seen), deps)).toBe(
      true,
    );
    expect(seen).toEqual(['Passw0rd!']);
    expect(counted).toEqual([]);
    expect(JSON.stringify(logged)).not.toContain('Passw0rd!');
    expect(logged).toEqual([{ message: 'breached-password check', extra: { breached: true } }]);
  });

  it('is false for a password in no breach', async () => {
    const { io: deps } = io();
    expect(await isBreachedPassword('Correct-Horse-42', answering({ status: 'not-found' }), deps)).toBe(false);
  });

  it('decides nothing when the check cannot answer, and says so (BreachCheckUnavailable)', async () => {
    const { io: deps, logged, counted } = io();
    expect(await isBreachedPassword('Passw0rd!', answering({ status: 'unavailable', reason: 'HTTP 503' }), deps)).toBe(
      false,
    );
    expect(counted).toEqual(['BreachCheckUnavailable']);
    expect(logged).toEqual([
      { message: 'breached-password check unavailable; migrating without it', extra: { reason: 'HTTP 503' } },
    ]);
  });
});
