import { planChallenge, REFUSALS, type CreateFacts, type Plan } from '../../../functions/create-auth-challenge/plan.ts';
import { checkAnswer } from '../../../functions/verify-auth-challenge/check.ts';
import { readConfig } from '../../../shared/config.ts';
import { readChallengeSettings, type ChallengeSettings } from '../../../shared/passwordless/config.ts';
import { ConfigError } from '../../../shared/runtime/errors.ts';
import type { ChallengeResult } from '../../../shared/events/triggers/auth-challenge.ts';

const now = 1_800_000_000_000;
const key = Buffer.from('unit-test-key-of-at-least-32-characters', 'utf8');
const binding = { userPoolId: 'eu-west-1_Pool', clientId: 'client1', userName: 'user-1' };
const settings: ChallengeSettings = {
  methods: ['EMAIL_OTP', 'MAGIC_LINK'],
  codeLength: 6,
  codeLifetimeSeconds: 180,
  link: { key, lifetimeSeconds: 900, redirectUrls: ['https://app.example/sign-in'] },
  sendLimit: 5,
  sendWindowSeconds: 900,
};
const verified = { sub: 's-1', email: 'jane@example.com', email_verified: 'true' };

function facts(overrides: Partial<CreateFacts> = {}): CreateFacts {
  return {
    session: [],
    clientMetadata: undefined,
    userAttributes: verified,
    userNotFound: false,
    binding,
    now,
    ...overrides,
  };
}

type Made = Extract<Plan, { kind: 'challenge' }>;
function made(plan: Plan): Made {
  if (plan.kind !== 'challenge') throw new Error(`refused: ${plan.message}`);
  return plan;
}

/** The session entry Cognito records for a challenge `plan` made, answered `result`. */
const answered = (plan: Made, result: boolean): ChallengeResult => ({
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: result,
  challengeMetadata: plan.challengeMetadata,
});

const sequence = (digits: string) => {
  let at = 0;
  return () => Number(digits[at++ % digits.length]);
};

describe('create auth challenge: the plan', () => {
  it('a new e-mail code: sent to the verified address, never in the public parameters', () => {
    const plan = made(planChallenge(facts(), settings, sequence('482910')));
    expect(plan.outgoing).toEqual({
      kind: 'sign-in-code',
      deliverTo: 'jane@example.com',
      values: { code: '482910', minutes: '3' },
    });
    expect(plan.publicChallengeParameters).toEqual({ signInMethod: 'EMAIL_OTP', codeLength: '6' });
    const everythingButTheMail = JSON.stringify({ ...plan, outgoing: undefined });
    expect(everythingButTheMail).not.toContain('482910');
    expect(plan.state).toMatchObject({ method: 'EMAIL_OTP', origin: 'new' });
  });

  it('an unknown user or an unverified address: the same challenge, generated the same way, delivered nowhere', () => {
    const real = made(planChallenge(facts(), settings));
    for (const other of [
      facts({ userNotFound: true, userAttributes: {} }),
      facts({ userAttributes: { ...verified, email_verified: 'false' } }),
      facts({ userAttributes: { sub: 's-1' } }),
    ]) {
      const plan = made(planChallenge(other, settings));
      expect(plan.outgoing?.deliverTo).toBeUndefined();
      expect(plan.outgoing?.values).toHaveProperty('code');
      expect(plan.publicChallengeParameters).toEqual(real.publicChallengeParameters);
      expect(Object.keys(plan.privateChallengeParameters)).toEqual(Object.keys(real.privateChallengeParameters));
    }
  });

  it('after a wrong answer: the same sealed code again, nothing sent', () => {
    const first = made(planChallenge(facts(), settings));
    const retry = made(planChallenge(facts({ session: [answered(first, false)] }), settings));
    expect(retry.outgoing).toBeUndefined();
    expect(retry.state.origin).toBe('retry');
    expect(retry.privateChallengeParameters).toEqual(first.privateChallengeParameters);
  });

  it('on request: a new code, marked resent', () => {
    const first = made(planChallenge(facts(), settings, sequence('111111')));
    const resent = made(
      planChallenge(
        facts({ session: [answered(first, false)], clientMetadata: { action: 'resend' } }),
        settings,
        sequence('222222'),
      ),
    );
    expect(resent.state.origin).toBe('resent');
    expect(resent.outgoing?.values).toEqual({ code: '222222', minutes: '3' });
    expect(resent.privateChallengeParameters.digest).not.toBe(first.privateChallengeParameters.digest);
  });

  it('a magic link to an allowed redirect, with the token in the fragment; a redeem sends nothing', () => {
    const link = made(planChallenge(facts({ clientMetadata: { signInMethod: 'magic_link' } }), settings));
    expect(link.outgoing?.kind).toBe('magic-link');
    const url = new URL((link.outgoing?.values as { link: string }).link);
    expect(`${url.origin}${url.pathname}`).toBe('https://app.example/sign-in');
    expect(url.hash).toMatch(/^#token=v1\./u);
    expect(link.publicChallengeParameters).toEqual({ signInMethod: 'MAGIC_LINK' });

    const redeem = made(
      planChallenge(facts({ clientMetadata: { signInMethod: 'MAGIC_LINK', action: 'redeem' } }), settings),
    );
    expect(redeem.outgoing).toBeUndefined();
    expect(redeem.state.origin).toBe('redeem');
    expect(redeem.publicChallengeParameters).toEqual(link.publicChallengeParameters);
  });

  it('refuses a redirect off the list and a method that is off or unknown', () => {
    expect(
      planChallenge(
        facts({ clientMetadata: { signInMethod: 'MAGIC_LINK', redirectUri: 'https://evil.example/' } }),
        settings,
      ),
    ).toEqual({
      kind: 'refuse',
      message: REFUSALS.redirect,
    });
    expect(planChallenge(facts({ clientMetadata: { signInMethod: 'SMS_OTP' } }), settings)).toEqual({
      kind: 'refuse',
      message: REFUSALS.method,
    });
    expect(
      planChallenge(facts({ clientMetadata: { signInMethod: 'MAGIC_LINK' } }), { ...settings, methods: ['EMAIL_OTP'] }),
    ).toEqual({
      kind: 'refuse',
      message: REFUSALS.method,
    });
  });

  it('after a password (SRP_A, PASSWORD_VERIFIER): always an e-mail code, the second factor', () => {
    const session: ChallengeResult[] = [
      { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
      { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
    ];
    const plan = made(planChallenge(facts({ session, clientMetadata: { signInMethod: 'MAGIC_LINK' } }), settings));
    expect(plan.state.method).toBe('EMAIL_OTP');
  });
});

describe('verify auth challenge: the answer check', () => {
  const code = () => made(planChallenge(facts(), settings, sequence('135790')));
  const check = (
    privateChallengeParameters: Record<string, string>,
    answer: string,
    extra: { now?: number; resend?: boolean } = {},
  ) =>
    checkAnswer(
      { privateChallengeParameters, answer, resendRequested: extra.resend ?? false, binding, now: extra.now ?? now },
      key,
    );

  it('accepts the code while it is valid, and nothing else', () => {
    const plan = code();
    expect(check(plan.privateChallengeParameters, '135790')).toEqual({ correct: true });
    expect(check(plan.privateChallengeParameters, '135791')).toEqual({ correct: false, reason: 'code-wrong' });
    expect(check(plan.privateChallengeParameters, '135790', { now: now + 180_000 })).toEqual({
      correct: false,
      reason: 'code-expired',
    });
  });

  it('never compares a resend request', () => {
    expect(check(code().privateChallengeParameters, '135790', { resend: true })).toEqual({
      correct: false,
      reason: 'resend',
    });
  });

  it('accepts a valid link token for this user, and hands back its nonce for single use', () => {
    const link = made(planChallenge(facts({ clientMetadata: { signInMethod: 'MAGIC_LINK' } }), settings));
    const token =
      new URLSearchParams(new URL((link.outgoing?.values as { link: string }).link).hash.slice(1)).get('token') ?? '';
    const verdict = check(link.privateChallengeParameters, token);
    expect(verdict.correct).toBe(true);
    expect(verdict.correct && verdict.link?.nonce).toEqual(expect.any(String));
    expect(
      checkAnswer(
        {
          privateChallengeParameters: link.privateChallengeParameters,
          answer: token,
          resendRequested: false,
          binding: { ...binding, userName: 'user-2' },
          now,
        },
        key,
      ),
    ).toEqual({
      correct: false,
      reason: 'binding',
    });
    expect(check(link.privateChallengeParameters, token, { now: now + 900_000 })).toEqual({
      correct: false,
      reason: 'expired',
    });
    expect(
      checkAnswer(
        {
          privateChallengeParameters: link.privateChallengeParameters,
          answer: token,
          resendRequested: false,
          binding,
          now,
        },
        undefined,
      ),
    ).toEqual({
      correct: false,
      reason: 'method-off',
    });
  });

  it('refuses a code answer to a link challenge and the reverse, and parameters it did not make', () => {
    const link = made(planChallenge(facts({ clientMetadata: { signInMethod: 'MAGIC_LINK' } }), settings));
    expect(check(link.privateChallengeParameters, '135790').correct).toBe(false);
    expect(check({ signInMethod: 'EMAIL_OTP' }, '135790')).toEqual({ correct: false, reason: 'malformed-challenge' });
    expect(check({ challenge: 'EMAIL_OTP' }, '135790')).toEqual({ correct: false, reason: 'malformed-challenge' });
  });
});

describe('settings', () => {
  const base = { PASSWORDLESS_METHODS: 'EMAIL_OTP,MAGIC_LINK' };

  it('magic links need a key of 32 characters and an allow-list of https (or loopback http) URLs', () => {
    expect(() => readConfig(readChallengeSettings, base)).toThrow(ConfigError);
    const problems = (() => {
      try {
        readConfig(readChallengeSettings, {
          ...base,
          MAGIC_LINK_SECRET: 'short',
          MAGIC_LINK_REDIRECT_URLS: 'http://app.example/x',
        });
      } catch (error) {
        return (error as ConfigError).message;
      }
      return '';
    })();
    expect(problems).toContain('MAGIC_LINK_SECRET');
    expect(problems).toContain('MAGIC_LINK_REDIRECT_URLS');
    const ok = readConfig(readChallengeSettings, {
      ...base,
      MAGIC_LINK_SECRET: 'x'.repeat(32),
      MAGIC_LINK_REDIRECT_URLS: 'https://app.example/sign-in,http://localhost:3000/cb',
    });
    expect(ok.link?.redirectUrls).toEqual(['https://app.example/sign-in', 'http://localhost:3000/cb']);
    expect(ok).toMatchObject({ codeLength: 6, codeLifetimeSeconds: 180, sendLimit: 5, sendWindowSeconds: 900 });
  });

  it('e-mail codes alone need no key; a link may not live longer than 15 minutes', () => {
    expect(readConfig(readChallengeSettings, { PASSWORDLESS_METHODS: 'EMAIL_OTP' }).link).toBeUndefined();
    expect(() =>
      readConfig(readChallengeSettings, {
        ...base,
        MAGIC_LINK_SECRET: 'x'.repeat(32),
        MAGIC_LINK_REDIRECT_URLS: 'https://a.example/',
        MAGIC_LINK_MINUTES: '16',
      }),
    ).toThrow(/MAGIC_LINK_MINUTES/u);
    expect(() => readConfig(readChallengeSettings, { PASSWORDLESS_METHODS: 'SMS' })).toThrow(/PASSWORDLESS_METHODS/u);
  });
});
