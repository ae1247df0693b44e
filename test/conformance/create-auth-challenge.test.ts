/** Create auth challenge against the developer guide: user-pool-lambda-create-auth-challenge.md. */
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
  functions = await startFunctions(['create-auth-challenge']);
});
afterAll(() => functions.stop());

const entry = (challengeName: string, challengeResult = true) => ({
  challengeName,
  challengeResult,
  challengeMetadata: null,
});
// A user per event: the per-user send limit (docs/passwordless.md, Send limit) is not what these tests are about.
let users = 0;
const create = (session: unknown[], request: Record<string, unknown> = {}) =>
  guideEvent('CreateAuthChallenge', {
    userName: `guide-user-${++users}`,
    request: {
      userAttributes: { email: 'user@example.com', email_verified: 'true' },
      challengeName: 'CUSTOM_CHALLENGE',
      session,
      ...request,
    },
  });

describe("user-pool-lambda-create-auth-challenge.md, 'Create Auth challenge request parameters'", () => {
  it('a first custom challenge: the event check and our function', async () => {
    const event = create([]);
    expect(eventProblems('CreateAuthChallenge', event)).toEqual([]);
    const outcome = await functions.run('create-auth-challenge', event);
    expect('answer' in outcome).toBe(true);
    expectConformant('CreateAuthChallenge', event, outcome);
  });

  it.each(['PASSWORD_VERIFIER', 'SMS_MFA', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER', 'ADMIN_NO_SRP_AUTH'])(
    'session entries the page lists ("One of: ..."): %s before the custom challenge',
    async (name) => {
      const event = create([entry(name)]);
      expect(eventProblems('CreateAuthChallenge', event)).toEqual([]);
      expectConformant('CreateAuthChallenge', event, await functions.run('create-auth-challenge', event));
    },
  );

  it('"userNotFound": a user the pool does not have gets a challenge like any other', async () => {
    const event = create([], { userAttributes: {}, userNotFound: true });
    expect(eventProblems('CreateAuthChallenge', event)).toEqual([]);
    const outcome = await functions.run('create-auth-challenge', event);
    expect('answer' in outcome).toBe(true);
    expectConformant('CreateAuthChallenge', event, outcome);
  });
});

describe("user-pool-lambda-create-auth-challenge.md, 'Create Auth challenge example'", () => {
  it("the example's answer (a CAPTCHA: captchaUrl public, the answer private, CAPTCHA_CHALLENGE) passes the response check", () => {
    expect(
      answerProblems('CreateAuthChallenge', create([]), {
        publicChallengeParameters: { captchaUrl: 'url/123.jpg' },
        privateChallengeParameters: { answer: '5' },
        challengeMetadata: 'CAPTCHA_CHALLENGE',
      }),
    ).toEqual([]);
  });
});

describe("user-pool-lambda-create-auth-challenge.md, 'Create Auth challenge response parameters'", () => {
  it('the parameters are maps of strings ("publicChallengeParameters": {"string": "string"})', () => {
    expect(
      answerProblems('CreateAuthChallenge', create([]), { publicChallengeParameters: { digits: 6 } }),
    ).toHaveLength(1);
  });

  it('no answer is required: each of the three is described as optional content, none as required', () => {
    expect(answerProblems('CreateAuthChallenge', create([]), {})).toEqual([]);
  });
});
