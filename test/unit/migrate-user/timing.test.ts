/**
 * Issue 18, "Lockout and enumeration in migrate-user": an observer cannot tell users apart by response
 * time when the directory mixes algorithms and costs. The guide's migrate-user page (user-pool-lambda-
 * migrate-user, "Example: Migrate a user with an existing password") answers an unknown user and a wrong
 * password alike ("Bad password"); with PreventUserExistenceErrors ("Managing error responses") Cognito
 * answers both "Incorrect username or password", so time is what is left to tell them apart by.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger, Metrics } from '../../../shared/runtime/index.ts';
import { checkPassword } from '../../../functions/migrate-user/check-password.ts';
import { BUILT_IN_VERIFIERS, dummyHash, type PasswordVerifier } from '../../../shared/passwords/verify.ts';
import { workFloor } from '../../../shared/passwords/work-floor.ts';
import type { LegacyUserItem } from '../../../shared/stores/legacy-user.ts';

const log = { info: () => undefined, warn: () => undefined } as unknown as Logger;
const metrics = {
  addMetric: () => undefined,
  singleMetric: () => ({ addDimension: () => undefined, addMetric: () => undefined }),
} as unknown as Metrics;
const io = () => ({ log, metrics, signal: new AbortController().signal });

/** A Django PBKDF2 hash at the floor's 1,000 rounds: about a millisecond to verify. */
function cheapHash(password: string): string {
  const salt = randomBytes(9).toString('hex');
  return `pbkdf2_sha256$1000$${salt}$${pbkdf2Sync(password, salt, 1000, 32, 'sha256').toString('base64')}`;
}

const user = (passwordHash: string): { item: LegacyUserItem; via: 'username' } => ({
  item: {
    username: 'jane.doe',
    usernameAsGiven: 'jane.doe',
    attributes: { email: 'jane@example.com' },
    passwordHash,
    mfaEnabled: false,
    importedAt: '2026-01-01T00:00:00.000Z',
  },
  via: 'username',
});

/** The dummy of an expensive declared hash, its work stood in by 80 ms of waiting. */
const DUMMY_MS = 80;
const slowDummy: PasswordVerifier = {
  name: 'bcrypt',
  handles: () => true,
  verify: async () => (await sleep(DUMMY_MS), false),
};
const settings = {
  verifiers: BUILT_IN_VERIFIERS,
  dummy: { verifier: slowDummy, hash: dummyHash('$2b$12$') },
  dummyParameters: '$2b$12$',
};

async function timed(work: () => Promise<boolean>): Promise<{ ms: number; matched: boolean }> {
  const started = performance.now();
  const matched = await work();
  return { ms: performance.now() - started, matched };
}

describe('a password check takes the time of the most expensive hash, whoever signs in', () => {
  it('a known user with a cheap hash, wrong or right, answers no sooner than an unknown name (the dummy)', async () => {
    const floor = workFloor();
    const hash = cheapHash('Correct-Horse-42');
    const unknown = await timed(() => checkPassword(undefined, 'Guess-1', 'nobody', settings, io(), floor));
    const wrong = await timed(() => checkPassword(user(hash), 'Guess-1', 'jane.doe', settings, io(), floor));
    const right = await timed(() => checkPassword(user(hash), 'Correct-Horse-42', 'jane.doe', settings, io(), floor));
    expect([unknown.matched, wrong.matched, right.matched]).toEqual([false, false, true]);
    expect(wrong.ms).toBeGreaterThanOrEqual(DUMMY_MS - 2);
    expect(right.ms).toBeGreaterThanOrEqual(DUMMY_MS - 2);
    expect(unknown.ms).toBeGreaterThanOrEqual(DUMMY_MS - 2);
  });

  it("the container's first check, of a known user, already waits for the dummy's time", async () => {
    const floor = workFloor();
    const first = await timed(() =>
      checkPassword(user(cheapHash('Correct-Horse-42')), 'Guess-1', 'jane.doe', settings, io(), floor),
    );
    expect(first.ms).toBeGreaterThanOrEqual(DUMMY_MS - 2);
  });
});

describe('the work floor', () => {
  it('is the largest median of the parameter sets met lately, not one outlier', () => {
    const floor = workFloor({ window: 3 });
    expect(floor.floorMs()).toBe(0);
    floor.record('$2b$10$', 90);
    floor.record('pbkdf2_sha256$1000', 1);
    expect(floor.floorMs()).toBe(90);
    floor.record('$2b$10$', 400); // one slow verification
    floor.record('$2b$10$', 95);
    expect(floor.floorMs()).toBe(95);
    floor.record('$scrypt$ln=17,r=8,p=1', 500);
    expect(floor.floorMs()).toBe(500);
  });

  it('forgets the parameter set recorded longest ago beyond its bound', () => {
    const floor = workFloor({ maxParameterSets: 2 });
    floor.record('slow', 500);
    floor.record('a', 1);
    floor.record('b', 2);
    expect(floor.has('slow')).toBe(false);
    expect(floor.floorMs()).toBe(2);
  });

  it('ends its wait when the budget runs out', async () => {
    const floor = workFloor();
    floor.record('slow', 10_000);
    const budget = new AbortController();
    setTimeout(() => budget.abort(), 20);
    const held = await timed(async () => (await floor.holdUntilFloor(performance.now(), budget.signal), true));
    expect(held.ms).toBeLessThan(1_000);
  });
});
