import { decideAttempt, SIGN_IN_REFUSED_MESSAGE } from '../../../functions/pre-authentication/lockout.ts';
import { attemptKey } from '../../../shared/stores/attempt-key.ts';

const policy = { maxAttempts: 3, lockMs: 60_000 };
const now = 1_800_000_000_000;

describe('brute-force guard', () => {
  it('allows attempts up to the maximum, and locks the next one for the window', () => {
    expect(decideAttempt({ attempts: 3 }, false, now, policy)).toEqual({ allowed: true });
    expect(decideAttempt({ attempts: 4 }, false, now, policy)).toEqual({
      allowed: false,
      reason: 'locked',
      lockUntil: now + 60_000,
    });
  });

  it('keeps refusing while locked, without extending the lock', () => {
    expect(decideAttempt({ attempts: 9, lockedUntil: now + 1 }, false, now, policy)).toEqual({
      allowed: false,
      reason: 'locked',
    });
  });

  it('a lock that has run out no longer refuses (the store restarts its count)', () => {
    expect(decideAttempt({ attempts: 1, lockedUntil: now }, false, now, policy)).toEqual({ allowed: true });
  });

  it('refuses blocked accounts whatever the count', () => {
    expect(decideAttempt({ attempts: 1 }, true, now, policy)).toEqual({ allowed: false, reason: 'blocked' });
  });

  it('keys attempts by pool and case-insensitive user name', () => {
    expect(attemptKey('pool', 'Jane@Example.com')).toBe(attemptKey('pool', 'jane@example.com'));
    expect(attemptKey('a', 'x')).not.toBe(attemptKey('b', 'x'));
  });

  it('says the same for a lock and a block, and nothing about the user', () => {
    expect(SIGN_IN_REFUSED_MESSAGE).not.toMatch(/exist|lock|block|attempt|password/iu);
  });
});
