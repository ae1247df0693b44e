import { decideAttempt, SIGN_IN_REFUSED_MESSAGE } from '../../../shared/stores/lockout.ts';
import { attemptKey } from '../../../shared/stores/attempt-key.ts';
import { AttemptContentionError, signInAttemptStore } from '../../../shared/stores/sign-in-attempts.ts';
import type { DocumentClient } from '../../../shared/aws/dynamodb.ts';

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

  it('keys attempts by pool and the canonical user name: NFC, trimmed, lower case, as the legacy directory is keyed', () => {
    expect(attemptKey('pool', 'Jane@Example.com')).toBe(attemptKey('pool', 'jane@example.com'));
    expect(attemptKey('pool', ' Jose\u0301\t')).toBe('pool#jos\u00e9');
    expect(attemptKey('a', 'x')).not.toBe(attemptKey('b', 'x'));
  });

  it('says the same for a lock and a block, and nothing about the user', () => {
    expect(SIGN_IN_REFUSED_MESSAGE).not.toMatch(/exist|lock|block|attempt|password/iu);
  });
});

describe('sign-in attempt store under contention', () => {
  it('fails closed when expired locks keep being restarted by others', async () => {
    // Every count sees a lock that has run out, and every restart loses the race: the store gives up
    // after its bounded rounds instead of letting the attempt through.
    const sent: string[] = [];
    const client = {
      send: async (command: { input: { UpdateExpression?: string } }) => {
        const expression = command.input.UpdateExpression ?? '';
        sent.push(expression.startsWith('ADD') ? 'count' : 'restart');
        if (expression.startsWith('ADD')) return { Attributes: { attempts: 7, lockedUntil: 1_000 } };
        throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
      },
    } as unknown as DocumentClient;
    await expect(signInAttemptStore('attempts', () => client).countAttempt('k', 2_000, 3)).rejects.toBeInstanceOf(
      AttemptContentionError,
    );
    expect(sent).toEqual(['count', 'restart', 'count', 'restart', 'count', 'restart']);
  });
});
