import { decideNext, type Decision } from '../../../functions/define-auth-challenge/decide.ts';
import type { ChallengeResult } from '../../../shared/events/triggers/auth-challenge.ts';

const rules = { maxWrongAnswers: 3, maxMessagesPerSession: 3, requirePassword: false };
const seal = 'salt|digest|1800000000';

const srp = (result = true): ChallengeResult => ({
  challengeName: 'SRP_A',
  challengeResult: result,
  challengeMetadata: null,
});
const password = (result: boolean): ChallengeResult => ({
  challengeName: 'PASSWORD_VERIFIER',
  challengeResult: result,
  challengeMetadata: null,
});
/** A step Cognito ran itself (no metadata: that is for custom challenges only). */
const step = (challengeName: string, result = true): ChallengeResult => ({
  challengeName,
  challengeResult: result,
  challengeMetadata: null,
});
/** A custom challenge made for `origin`, answered `result`. */
const otp = (origin: 'new' | 'retry' | 'resent' | 'redeem', result: boolean): ChallengeResult => ({
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: result,
  challengeMetadata: origin === 'redeem' ? 'MAGIC_LINK|redeem' : `EMAIL_OTP|${origin}|${seal}`,
});

const CHALLENGE: Decision = { next: 'challenge', challengeName: 'CUSTOM_CHALLENGE' };
const TOKENS: Decision = { next: 'tokens' };
const fail = (reason: string): Decision => ({ next: 'fail', reason }) as Decision;

interface Row {
  name: string;
  session: ChallengeResult[];
  resend?: boolean;
  userNotFound?: boolean;
  requirePassword?: boolean;
  expected: Decision;
}

const TABLE: Row[] = [
  { name: 'a new session: the first custom challenge', session: [], expected: CHALLENGE },
  { name: 'the right first answer: tokens', session: [otp('new', true)], expected: TOKENS },
  { name: 'one wrong answer: the challenge again', session: [otp('new', false)], expected: CHALLENGE },
  { name: 'two wrong answers: once more', session: [otp('new', false), otp('retry', false)], expected: CHALLENGE },
  {
    name: 'the third wrong answer ends the session',
    session: [otp('new', false), otp('retry', false), otp('retry', false)],
    expected: fail('too-many-wrong-answers'),
  },
  {
    name: 'right at the third try: tokens',
    session: [otp('new', false), otp('retry', false), otp('retry', true)],
    expected: TOKENS,
  },
  {
    name: 'a right answer after the session should have failed: no tokens',
    session: [otp('new', false), otp('retry', false), otp('retry', false), otp('retry', true)],
    expected: fail('too-many-wrong-answers'),
  },
  {
    name: 'more answers after the failure, all wrong: still failed',
    session: [otp('new', false), otp('retry', false), otp('retry', false), otp('retry', false), otp('retry', false)],
    expected: fail('too-many-wrong-answers'),
  },
  {
    name: 'anything after a success is refused',
    session: [otp('new', true), otp('retry', false)],
    expected: fail('answer-after-success'),
  },
  { name: 'a resend request is not a wrong answer', session: [otp('new', false)], resend: true, expected: CHALLENGE },
  {
    name: 'resend requests recorded in the history do not count as wrong',
    session: [otp('new', false), otp('resent', false), otp('resent', false)],
    expected: CHALLENGE,
  },
  {
    name: 'a fourth message in one session is refused',
    session: [otp('new', false), otp('resent', false), otp('resent', false)],
    resend: true,
    expected: fail('too-many-messages'),
  },
  {
    name: 'wrong answers count across resent codes',
    session: [otp('new', false), otp('retry', false), otp('resent', false), otp('retry', false)],
    expected: fail('too-many-wrong-answers'),
  },
  {
    name: 'right answer to a resent code: tokens',
    session: [otp('new', false), otp('resent', true)],
    expected: TOKENS,
  },
  { name: 'a redeemed magic link: tokens', session: [otp('redeem', true)], expected: TOKENS },
  {
    name: 'an unknown user never gets tokens, even on a right answer',
    session: [otp('new', true)],
    userNotFound: true,
    expected: fail('user-not-found'),
  },
  { name: 'an unknown user gets the same first challenge', session: [], userNotFound: true, expected: CHALLENGE },
  {
    name: 'an unknown user gets the same retry',
    session: [otp('new', false)],
    userNotFound: true,
    expected: CHALLENGE,
  },
  // The password first (SRP in a CUSTOM_AUTH session), then the e-mail code.
  {
    name: 'SRP_A: the password verifier next',
    session: [srp()],
    expected: { next: 'challenge', challengeName: 'PASSWORD_VERIFIER' },
  },
  { name: 'a failed SRP_A fails', session: [srp(false)], expected: fail('password-failed') },
  { name: 'the right password: the e-mail code', session: [srp(), password(true)], expected: CHALLENGE },
  { name: 'a wrong password fails at once', session: [srp(), password(false)], expected: fail('password-failed') },
  {
    name: 'the password and the code: tokens',
    session: [srp(), password(true), otp('new', true)],
    expected: TOKENS,
  },
  {
    name: 'the password then three wrong codes: failed',
    session: [srp(), password(true), otp('new', false), otp('retry', false), otp('retry', false)],
    expected: fail('too-many-wrong-answers'),
  },
  {
    name: 'a wrong password can not be followed by a code',
    session: [srp(), password(false), otp('new', true)],
    expected: fail('password-failed'),
  },
  {
    name: 'SRP_A followed by something other than the password verifier',
    session: [srp(), otp('new', true)],
    expected: fail('unexpected-challenge'),
  },
  {
    name: 'a password step after a custom challenge',
    session: [otp('new', true), password(true)],
    expected: fail('unexpected-challenge'),
  },
  // The guide's other session entries (user-pool-lambda-define-auth-challenge.md, "Define Auth challenge
  // request parameters": SMS_MFA, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, ADMIN_NO_SRP_AUTH; EMAIL_OTP
  // and SOFTWARE_TOKEN_MFA as Cognito's MFA steps): decided by what each proves, never tokens without
  // the custom challenge.
  {
    name: 'ADMIN_NO_SRP_AUTH: the password, checked by the server',
    session: [step('ADMIN_NO_SRP_AUTH')],
    expected: CHALLENGE,
  },
  {
    name: 'ADMIN_NO_SRP_AUTH satisfies a required password',
    session: [step('ADMIN_NO_SRP_AUTH')],
    requirePassword: true,
    expected: CHALLENGE,
  },
  {
    name: 'ADMIN_NO_SRP_AUTH and the code: tokens',
    session: [step('ADMIN_NO_SRP_AUTH'), otp('new', true)],
    requirePassword: true,
    expected: TOKENS,
  },
  {
    name: 'a failed ADMIN_NO_SRP_AUTH fails',
    session: [step('ADMIN_NO_SRP_AUTH', false)],
    expected: fail('password-failed'),
  },
  {
    name: 'ADMIN_NO_SRP_AUTH after SRP_A is no password step Cognito makes',
    session: [srp(), step('ADMIN_NO_SRP_AUTH')],
    expected: fail('unexpected-challenge'),
  },
  ...(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'] as const).flatMap((mfa): Row[] => [
    {
      name: `${mfa} passed after the password: the code`,
      session: [srp(), password(true), step(mfa)],
      expected: CHALLENGE,
    },
    {
      name: `${mfa} passed, then the code: tokens`,
      session: [srp(), password(true), step(mfa), otp('new', true)],
      requirePassword: true,
      expected: TOKENS,
    },
    { name: `${mfa} failed: fails`, session: [srp(), password(true), step(mfa, false)], expected: fail('mfa-failed') },
    {
      name: `${mfa} alone is no password`,
      session: [step(mfa)],
      requirePassword: true,
      expected: fail('password-required'),
    },
    { name: `${mfa} alone never issues tokens`, session: [step(mfa)], expected: CHALLENGE },
  ]),
  {
    name: 'a remembered device proven (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER): the code',
    session: [step('DEVICE_SRP_AUTH'), step('DEVICE_PASSWORD_VERIFIER')],
    expected: CHALLENGE,
  },
  {
    name: 'a device after the password, then the code: tokens',
    session: [srp(), password(true), step('DEVICE_SRP_AUTH'), step('DEVICE_PASSWORD_VERIFIER'), otp('new', true)],
    requirePassword: true,
    expected: TOKENS,
  },
  {
    name: 'a device is no password',
    session: [step('DEVICE_SRP_AUTH'), step('DEVICE_PASSWORD_VERIFIER')],
    requirePassword: true,
    expected: fail('password-required'),
  },
  {
    name: 'a device that fails its proof fails',
    session: [step('DEVICE_SRP_AUTH'), step('DEVICE_PASSWORD_VERIFIER', false)],
    expected: fail('device-failed'),
  },
  {
    name: 'a Cognito step after a custom challenge',
    session: [otp('new', false), step('SMS_MFA')],
    expected: fail('unexpected-challenge'),
  },
  {
    name: 'a challenge name the guide does not list',
    session: [step('SELECT_CHALLENGE')],
    expected: fail('unexpected-challenge'),
  },
  { name: 'password required, none given', session: [], requirePassword: true, expected: fail('password-required') },
  {
    name: 'password required, code answered without it',
    session: [otp('new', true)],
    requirePassword: true,
    expected: fail('password-required'),
  },
  {
    name: 'password required and given: the code',
    session: [srp(), password(true)],
    requirePassword: true,
    expected: CHALLENGE,
  },
  {
    name: 'metadata we did not write: every false result is a wrong answer',
    session: [
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'something' },
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: null },
    ],
    expected: CHALLENGE,
  },
];

describe('define auth challenge: the decision over session histories', () => {
  it.each(TABLE)('$name', ({ session, resend, userNotFound, requirePassword, expected }) => {
    expect(
      decideNext(
        { session, userNotFound: userNotFound ?? false, resendRequested: resend ?? false },
        { ...rules, requirePassword: requirePassword ?? false },
      ),
    ).toEqual(expected);
  });

  it('follows the configured limits', () => {
    const strict = { ...rules, maxWrongAnswers: 1, maxMessagesPerSession: 1 };
    expect(decideNext({ session: [otp('new', false)], userNotFound: false, resendRequested: false }, strict)).toEqual(
      fail('too-many-wrong-answers'),
    );
    expect(decideNext({ session: [otp('new', false)], userNotFound: false, resendRequested: true }, strict)).toEqual(
      fail('too-many-messages'),
    );
  });
});
