/** Define auth challenge against the developer guide: user-pool-lambda-define-auth-challenge.md. */
import {
  answerProblems,
  eventProblems,
  expectConformant,
  guideEvent,
  startFunctions,
  type Functions,
} from './guide.ts';

let functions: Functions;
beforeAll(async () => {
  functions = await startFunctions(['define-auth-challenge']);
});
afterAll(() => functions.stop());

const entry = (challengeName: string, challengeResult = true, challengeMetadata: string | null = null) => ({
  challengeName,
  challengeResult,
  challengeMetadata,
});
const withSession = (session: unknown[], request: Record<string, unknown> = {}) =>
  guideEvent('DefineAuthChallenge', {
    request: { userAttributes: { email: 'user@example.com', email_verified: 'true' }, session, ...request },
  });

/** "challengeName: One of the following challenge types" (Define Auth challenge request parameters). */
const GUIDE_NAMES = [
  'CUSTOM_CHALLENGE',
  'SRP_A',
  'PASSWORD_VERIFIER',
  'SMS_MFA',
  'DEVICE_SRP_AUTH',
  'DEVICE_PASSWORD_VERIFIER',
  'ADMIN_NO_SRP_AUTH',
];

describe("user-pool-lambda-define-auth-challenge.md, 'Define Auth challenge request parameters'", () => {
  it.each(GUIDE_NAMES)(
    'a session holding %s (passed or failed): the event check and an answer from our function',
    async (name) => {
      for (const passed of [true, false]) {
        const event = withSession([entry(name, passed, name === 'CUSTOM_CHALLENGE' ? 'EMAIL_OTP|new|s|d|1' : null)]);
        expect(eventProblems('DefineAuthChallenge', event)).toEqual([]);
        const outcome = await functions.run('define-auth-challenge', event);
        expect('answer' in outcome).toBe(true);
        expectConformant('DefineAuthChallenge', event, outcome);
      }
    },
  );

  it('"userNotFound": a user the pool does not have gets an answer like any other', async () => {
    const event = withSession([], { userNotFound: true });
    expect(eventProblems('DefineAuthChallenge', event)).toEqual([]);
    expectConformant('DefineAuthChallenge', event, await functions.run('define-auth-challenge', event));
  });

  it('"challengeMetadata: ... Used only if challengeName is CUSTOM_CHALLENGE": null elsewhere', () => {
    expect(eventProblems('DefineAuthChallenge', withSession([entry('SRP_A'), entry('PASSWORD_VERIFIER')]))).toEqual([]);
  });
});

describe("user-pool-lambda-define-auth-challenge.md, the password before custom challenges (the page's steps 2-5)", () => {
  it('"an initial session that contains challengeName: SRP_A and challengeResult: true": our function answers PASSWORD_VERIFIER', async () => {
    const outcome = await functions.run('define-auth-challenge', withSession([entry('SRP_A')]));
    expect(outcome).toMatchObject({
      answer: { response: { challengeName: 'PASSWORD_VERIFIER', issueTokens: false, failAuthentication: false } },
    });
  });

  it('"a new session containing challengeName: PASSWORD_VERIFIER and challengeResult: true": our function answers CUSTOM_CHALLENGE', async () => {
    const outcome = await functions.run(
      'define-auth-challenge',
      withSession([entry('SRP_A'), entry('PASSWORD_VERIFIER')]),
    );
    expect(outcome).toMatchObject({
      answer: { response: { challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false } },
    });
  });

  it('a failed password verification: our function ends the session', async () => {
    const outcome = await functions.run(
      'define-auth-challenge',
      withSession([entry('SRP_A'), entry('PASSWORD_VERIFIER', false)]),
    );
    expect(outcome).toMatchObject({ answer: { response: { issueTokens: false, failAuthentication: true } } });
  });
});

describe("user-pool-lambda-define-auth-challenge.md, 'Define Auth challenge example'", () => {
  it.each([
    [
      'the password verifier next',
      { issueTokens: false, failAuthentication: false, challengeName: 'PASSWORD_VERIFIER' },
    ],
    ['a custom challenge next', { issueTokens: false, failAuthentication: false, challengeName: 'CUSTOM_CHALLENGE' }],
    ['tokens', { issueTokens: true, failAuthentication: false }],
    ['failure', { issueTokens: false, failAuthentication: true }],
  ])("the example's answer (%s) passes the response check", (_name, answer) => {
    expect(answerProblems('DefineAuthChallenge', withSession([entry('SRP_A')]), answer)).toEqual([]);
  });
});
