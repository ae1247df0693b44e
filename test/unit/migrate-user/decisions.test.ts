/** migrate-user's pure decisions: password policy, lookup, the answer, lockout, what is verified, config. */
import { SIGN_IN_REFUSED_MESSAGE } from '../../../shared/stores/lockout.ts';
import { UserFacingError, type Logger, type Metrics } from '../../../shared/runtime/index.ts';
import type { SignInAttemptStore } from '../../../shared/stores/sign-in-attempts.ts';
import {
  hasVerifiedContact,
  INVALID_CREDENTIALS_MESSAGE,
  migratedAttributes,
  migrationResponse,
  UNKNOWN_USER_RESET_MESSAGE,
} from '../../../functions/migrate-user/answer.ts';
import { migrationAttempts } from '../../../functions/migrate-user/lockout.ts';
import { checkPassword } from '../../../functions/migrate-user/check-password.ts';
import {
  hasOuterWhiteSpace,
  lookupPlan,
  pickUser,
  resolveLookup,
  type FoundUser,
} from '../../../functions/migrate-user/lookup.ts';
import {
  COGNITO_DEFAULT_POLICY,
  COGNITO_SPECIAL_CHARACTERS,
  policyViolations,
} from '../../../functions/migrate-user/password-policy.ts';
import { costOf, verificationTarget } from '../../../functions/migrate-user/verification.ts';
import { BUILT_IN_VERIFIERS, dummyHash, type PasswordVerifier } from '../../../shared/passwords/verify.ts';
import type { LegacyUserItem } from '../../../shared/stores/legacy-user.ts';
import { checkResponse, buildEvent } from '../../../shared/events/index.ts';

const item = (overrides: Partial<LegacyUserItem> = {}): LegacyUserItem => ({
  username: 'jane.doe',
  usernameAsGiven: 'Jane.Doe',
  email: 'jane.doe@example.com',
  attributes: { email: 'Jane.Doe@example.com', email_verified: 'TRUE', given_name: 'Jane' },
  passwordHash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
  mfaEnabled: false,
  importedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('password policy as Cognito defines it', () => {
  const policy = COGNITO_DEFAULT_POLICY;

  it('accepts a password meeting every rule, and names each rule a password breaks', () => {
    expect(policyViolations('Correct-Horse-42', policy)).toEqual([]);
    expect(policyViolations('short1!A', policy)).toEqual([]);
    expect(policyViolations('Sh0rt!', policy)).toEqual(['length']);
    expect(policyViolations('lower-case-42', policy)).toEqual(['uppercase']);
    expect(policyViolations('UPPER-CASE-42', policy)).toEqual(['lowercase']);
    expect(policyViolations('No-Digits-Here', policy)).toEqual(['number']);
    expect(policyViolations('NoSymbols42', policy)).toEqual(['symbol']);
  });

  it('counts every special character of the developer guide, and an inner space, as a symbol', () => {
    for (const symbol of COGNITO_SPECIAL_CHARACTERS) expect(policyViolations(`Abcdefg1${symbol}`, policy)).toEqual([]);
    expect(policyViolations('Correct Horse 42', policy)).toEqual([]);
    expect(policyViolations('Abcdefg1€', policy)).toEqual(['symbol']);
  });

  it('refuses white space at either end, as Cognito does, and counts characters, not bytes', () => {
    expect(policyViolations(' Correct-Horse-42', policy)).toEqual(['edge-whitespace']);
    expect(policyViolations('Correct-Horse-42 ', policy)).toEqual(['edge-whitespace']);
    expect(policyViolations('Ää1-ÖöÜü', { ...policy, requireUppercase: false, requireLowercase: false })).toEqual([]);
    expect(policyViolations('Ää1-Öö', { ...policy, requireUppercase: false, requireLowercase: false })).toEqual([
      'length',
    ]);
  });

  it('letters outside basic Latin do not count as upper or lower case', () => {
    expect(policyViolations('ÄÖÜ-ÄÖÜ-42a', policy)).toEqual(['uppercase']);
  });

  it('applies only the rules switched on', () => {
    const lax = {
      minLength: 6,
      requireUppercase: false,
      requireLowercase: false,
      requireNumbers: false,
      requireSymbols: false,
    };
    expect(policyViolations('abcdef', lax)).toEqual([]);
  });
});

describe('lookup', () => {
  it('plans the reads for each mode; a name that is no address is never looked up by e-mail', () => {
    expect(lookupPlan('jane.doe', 'both')).toEqual({ byUsername: true, byEmail: false });
    expect(lookupPlan('jane@example.com', 'both')).toEqual({ byUsername: true, byEmail: true });
    expect(lookupPlan('jane@example.com', 'username')).toEqual({ byUsername: true, byEmail: false });
    expect(lookupPlan('jane@example.com', 'email')).toEqual({ byUsername: false, byEmail: true });
    expect(lookupPlan('jane.doe', 'email')).toEqual({ byUsername: false, byEmail: false });
  });

  it('prefers the user name when both find someone', () => {
    const a = item({ username: 'a' });
    const b = item({ username: 'b' });
    expect(pickUser(a, b)).toEqual({ item: a, via: 'username' });
    expect(pickUser(undefined, b)).toEqual({ item: b, via: 'email' });
    expect(pickUser(undefined, undefined)).toBeUndefined();
  });

  it('counts under the found user whatever the spelling; a padded name finds nobody but counts under the user too', () => {
    const jane = item();
    expect(resolveLookup('Jane.Doe', jane, undefined)).toEqual({
      found: { item: jane, via: 'username' },
      attemptName: 'jane.doe',
    });
    expect(resolveLookup('JANE.DOE@example.com', undefined, jane)).toEqual({
      found: { item: jane, via: 'email' },
      attemptName: 'jane.doe',
    });
    expect(resolveLookup(' jane.doe', jane, undefined)).toEqual({ found: undefined, attemptName: 'jane.doe' });
    expect(resolveLookup('jane.doe@example.com\u00a0', undefined, jane)).toEqual({
      found: undefined,
      attemptName: 'jane.doe',
    });
    // Nobody: the typed name, in the directory key's canonical form (NFC, trimmed, lower case).
    expect(resolveLookup(' Jose\u0301 ', undefined, undefined)).toEqual({ found: undefined, attemptName: 'jos\u00e9' });
  });

  it('knows white space at either end, in any Unicode spelling, from white space inside a name', () => {
    for (const padded of [' a', 'a ', '\ta', 'a\n', '\u00a0a', 'a\u2003', '\u3000a'])
      expect(hasOuterWhiteSpace(padded)).toBe(true);
    for (const plain of ['a', 'a b', 'jos\u00e9', 'jose\u0301']) expect(hasOuterWhiteSpace(plain)).toBe(false);
  });
});

describe('the answer', () => {
  const found = (overrides: Partial<LegacyUserItem> = {}, via: FoundUser['via'] = 'username'): FoundUser => ({
    item: item(overrides),
    via,
  });

  it('answers the legacy attributes with verified flags as the legacy system knew them', () => {
    expect(migratedAttributes(found(), false)).toEqual({
      attributes: { email: 'Jane.Doe@example.com', email_verified: 'true', given_name: 'Jane' },
      dropped: [],
    });
    const unverified = found({
      attributes: {
        email: 'a@example.com',
        email_verified: 'no',
        phone_number: '+15555550100',
        phone_number_verified: '1',
      },
    });
    expect(migratedAttributes(unverified, false).attributes).toEqual({
      email: 'a@example.com',
      email_verified: 'false',
      phone_number: '+15555550100',
      phone_number_verified: 'true',
    });
  });

  it('never answers sub, identities, cognito:* or names a pool cannot hold, nor a flag without its attribute', () => {
    const answer = migratedAttributes(
      found({
        attributes: {
          sub: 'x',
          identities: '[]',
          'cognito:user_status': 'CONFIRMED',
          username: 'evil',
          password: 'x',
          ...(JSON.parse('{"__proto__": "x"}') as Record<string, string>),
          'custom:plan': 'gold',
          phone_number_verified: 'true',
          given_name: 'Jane',
        } as Record<string, string>,
      }),
      false,
    );
    expect(answer.attributes).toEqual({ 'custom:plan': 'gold', given_name: 'Jane' });
    expect(Object.getPrototypeOf(answer.attributes)).toBe(Object.prototype);
    expect(answer.dropped.sort()).toEqual([
      '__proto__',
      'cognito:user_status',
      'identities',
      'password',
      'phone_number_verified',
      'sub',
      'username',
    ]);
  });

  it('answers username only for alias sign-ins of pools that sign in by user name', () => {
    expect(migratedAttributes(found({}, 'email'), true).attributes.username).toBe('Jane.Doe');
    expect(migratedAttributes(found({}, 'email'), false).attributes.username).toBeUndefined();
    expect(migratedAttributes(found({}, 'username'), true).attributes.username).toBeUndefined();
  });

  it('passes the event library rules for both sources', () => {
    for (const triggerSource of ['UserMigration_Authentication', 'UserMigration_ForgotPassword'] as const) {
      const event = buildEvent('UserMigration', { triggerSource });
      const answer = migratedAttributes(found({}, 'email'), true);
      const result = {
        ...event,
        response: { ...event.response, userAttributes: answer.attributes, messageAction: 'SUPPRESS' as const },
      };
      expect(() => checkResponse('UserMigration', event, result)).not.toThrow();
    }
  });

  it('answers a whole response of its own: null for all it did not decide, nothing from the request', () => {
    const userAttributes = { email: 'a@example.com', email_verified: 'true' };
    expect(migrationResponse({ userAttributes })).toEqual({
      userAttributes,
      finalUserStatus: null,
      messageAction: 'SUPPRESS',
      desiredDeliveryMediums: null,
      forceAliasCreation: null,
      enableSMSMFA: null,
    });
    expect(migrationResponse({ userAttributes, finalUserStatus: 'RESET_REQUIRED', enableSMSMFA: true })).toMatchObject({
      finalUserStatus: 'RESET_REQUIRED',
      enableSMSMFA: true,
    });
    // Whatever the event arrived with (Cognito sends nulls), the answer passes the rules.
    const event = buildEvent('UserMigration', { triggerSource: 'UserMigration_Authentication' });
    Object.assign(event.response, { desiredDeliveryMediums: '', forceAliasCreation: 'yes' });
    expect(() =>
      checkResponse('UserMigration', event, { ...event, response: migrationResponse({ userAttributes }) }),
    ).not.toThrow();
  });

  it('knows who can receive a reset code', () => {
    expect(hasVerifiedContact({ email: 'a@example.com', email_verified: 'true' })).toBe(true);
    expect(hasVerifiedContact({ phone_number: '+15555550100', phone_number_verified: 'true' })).toBe(true);
    expect(hasVerifiedContact({ email: 'a@example.com', email_verified: 'false' })).toBe(false);
    expect(hasVerifiedContact({ email_verified: 'true' })).toBe(false);
  });

  it('speaks Cognito’s words, which say nothing about whether the user exists', () => {
    // Cognito's words, without the period Cognito adds after a trigger's message.
    expect(INVALID_CREDENTIALS_MESSAGE).toBe('Incorrect username or password');
    expect(UNKNOWN_USER_RESET_MESSAGE).not.toMatch(/verified|contact|legacy|hash/iu);
  });
});

describe('lockout', () => {
  const policy = { maxAttempts: 3, lockMs: 60_000 };
  const now = 1_800_000_000_000;
  const settings = { attemptsTable: 'attempts', lockout: policy, attemptsTtlSeconds: 86_400 };

  /** The attempts of one sign-in against a store that records its calls (the shared rule decides). */
  function attemptsWith(store: Partial<SignInAttemptStore>) {
    const calls: string[] = [];
    const logged: string[] = [];
    const counted: string[] = [];
    const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m) } as unknown as Logger;
    const metrics = { addMetric: (name: string) => counted.push(name) } as unknown as Metrics;
    const recording: SignInAttemptStore = {
      countAttempt: async () => ({ attempts: 1 }),
      lock: async (key, until) => (calls.push(`lock ${key} ${until}`), until),
      reset: async (key) => void calls.push(`reset ${key}`),
      ...store,
    };
    const attempts = migrationAttempts(
      settings,
      { userPoolId: 'pool', userName: 'Jane@Example.com', now },
      { log, metrics, signal: new AbortController().signal },
      recording,
    );
    return { attempts, calls, logged, counted };
  }

  it("follows pre authentication's rule: the attempt after the maximum locks, a lock in force refuses", async () => {
    const { attempts, calls, counted } = attemptsWith({});
    await expect(attempts.enforce({ attempts: 3 })).resolves.toBeUndefined();
    await expect(attempts.enforce({ attempts: 1, lockedUntil: now })).resolves.toBeUndefined();
    expect(calls).toEqual([]);
    await expect(attempts.enforce({ attempts: 4 })).rejects.toEqual(new UserFacingError(SIGN_IN_REFUSED_MESSAGE));
    // Keyed like pre authentication's: pool and the name as given, lower-cased.
    expect(calls).toEqual([`lock pool#jane@example.com ${now + 60_000}`]);
    await expect(attempts.enforce({ attempts: 9, lockedUntil: now + 1 })).rejects.toBeInstanceOf(UserFacingError);
    expect(calls).toHaveLength(1);
    // One SignInsLocked per lock earned, none for a refusal under a lock in force (the lockout-burst alarm).
    expect(counted).toEqual(['SignInsLocked']);
  });

  it('a failed reset after a migration is logged and counted, and does not fail the sign-in', async () => {
    const { attempts, logged, counted } = attemptsWith({ reset: async () => Promise.reject(new Error('throttled')) });
    await expect(attempts.reset()).resolves.toBeUndefined();
    expect(logged).toEqual(['attempt counter not reset']);
    expect(counted).toEqual(['AttemptResetFailures']);
  });
});

describe('what a sign-in verifies against', () => {
  const dummy = { hash: dummyHash('$2b$12$'), verifier: BUILT_IN_VERIFIERS[0] as PasswordVerifier };

  it('a user with a known hash: their hash, by its algorithm', () => {
    const target = verificationTarget({ item: item(), via: 'username' }, BUILT_IN_VERIFIERS, dummy);
    expect(target).toMatchObject({ real: true, verifier: { name: 'bcrypt' }, hash: item().passwordHash });
  });

  it('an unknown user, a user without a hash, a hash nobody verifies: the dummy', () => {
    for (const found of [
      undefined,
      { item: item({ passwordHash: undefined }), via: 'username' as const },
      { item: item({ passwordHash: '5f4dcc3b5aa765d61d8327deb882cf99' }), via: 'username' as const },
    ]) {
      expect(verificationTarget(found, BUILT_IN_VERIFIERS, dummy)).toEqual({ ...dummy, real: false });
    }
  });

  it('a team verifier takes users without a hash when listed', () => {
    const remote: PasswordVerifier = { name: 'remote', handles: (h) => h === undefined, verify: async () => true };
    const target = verificationTarget(
      { item: item({ passwordHash: undefined }), via: 'email' },
      [...BUILT_IN_VERIFIERS, remote],
      dummy,
    );
    expect(target).toMatchObject({ real: true, verifier: { name: 'remote' } });
    expect(verificationTarget(undefined, [...BUILT_IN_VERIFIERS, remote], dummy).real).toBe(false);
  });

  it('counts a matched password by its verifier (migrations by algorithm), a wrong one not', async () => {
    const remote = (answer: boolean): PasswordVerifier => ({
      name: 'remote',
      handles: (h) => h === undefined,
      verify: async () => answer,
    });
    const single: Array<{ dimensions: Record<string, string>; metric: string }> = [];
    const metrics = {
      addMetric: () => undefined,
      singleMetric: () => {
        const dimensions: Record<string, string> = {};
        return {
          addDimension: (name: string, value: string) => void (dimensions[name] = value),
          addMetric: (metric: string) => void single.push({ dimensions, metric }),
        };
      },
    } as unknown as Metrics;
    const log = { info: () => undefined, warn: () => undefined } as unknown as Logger;
    const io = { log, metrics, signal: new AbortController().signal };
    const found = { item: item({ passwordHash: undefined }), via: 'username' as const };
    for (const answer of [true, false]) {
      const settings = { verifiers: [remote(answer)], dummy, dummyParameters: '$2b$12$' };
      await expect(checkPassword(found, 'Typed-Password-1', 'jane', settings, io)).resolves.toBe(answer);
    }
    expect(single.filter((s) => s.metric === 'PasswordsMatched')).toEqual([
      { dimensions: { verifier: 'remote' }, metric: 'PasswordsMatched' },
    ]);
  });

  it('logs costs, never salts or digests', () => {
    expect(costOf('$2b$12$')).toBe('12');
    expect(costOf('$argon2id$v=19$m=65536,t=3,p=4')).toBe('m=65536,t=3,p=4');
    expect(costOf('$scrypt$ln=17,r=8,p=1')).toBe('ln=17,r=8,p=1');
    expect(costOf('pbkdf2_sha256$600000')).toBe('600000');
  });
});
