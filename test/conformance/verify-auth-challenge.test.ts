/** Verify auth challenge against the developer guide: user-pool-lambda-verify-auth-challenge-response.md. */
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
  functions = await startFunctions(['verify-auth-challenge']);
});
afterAll(() => functions.stop());

const verify = (request: Record<string, unknown>) =>
  guideEvent('VerifyAuthChallengeResponse', {
    request: { userAttributes: { email: 'user@example.com', email_verified: 'true' }, ...request },
  });

describe("user-pool-lambda-verify-auth-challenge-response.md, 'Verify Auth challenge response example'", () => {
  // The example compares privateChallengeParameters.answer with challengeAnswer (a CAPTCHA's "5").
  const event = verify({ privateChallengeParameters: { answer: '5' }, challengeAnswer: '5' });

  it('the event passes the event check', () => {
    // The parameters block shows challengeAnswer as {"string": "string"}; the page describes it as "The
    // answer from the user's response to the challenge" and its example compares it with == to a string,
    // which is what Cognito sends (the RespondToAuthChallenge ANSWER): a string.
    expect(eventProblems('VerifyAuthChallengeResponse', event)).toEqual([]);
  });

  it("the example's answers (answerCorrect true or false) pass the response check", () => {
    expect(answerProblems('VerifyAuthChallengeResponse', event, { answerCorrect: true })).toEqual([]);
    expect(answerProblems('VerifyAuthChallengeResponse', event, { answerCorrect: false })).toEqual([]);
  });

  it('our function answers a challenge it did not create: wrong, never an error', async () => {
    const outcome = await functions.run('verify-auth-challenge', event);
    expect(outcome).toMatchObject({ answer: { response: { answerCorrect: false } } });
    expectConformant('VerifyAuthChallengeResponse', event, outcome);
  });
});

describe("user-pool-lambda-verify-auth-challenge-response.md, 'Verify Auth challenge request parameters'", () => {
  it('"privateChallengeParameters ... comes from the Create Auth Challenge trigger": null when create set none', async () => {
    const event = verify({ privateChallengeParameters: null, challengeAnswer: '482910' });
    expect(eventProblems('VerifyAuthChallengeResponse', event)).toEqual([]);
    const outcome = await functions.run('verify-auth-challenge', event);
    expect(outcome).toMatchObject({ answer: { response: { answerCorrect: false } } });
  });

  it('"userNotFound": a user the pool does not have is answered like any other', async () => {
    const event = verify({ privateChallengeParameters: { answer: '5' }, challengeAnswer: '5', userNotFound: true });
    expect(eventProblems('VerifyAuthChallengeResponse', event)).toEqual([]);
    expectConformant('VerifyAuthChallengeResponse', event, await functions.run('verify-auth-challenge', event));
  });
});

describe("user-pool-lambda-verify-auth-challenge-response.md, 'Verify Auth challenge response parameters'", () => {
  it('"answerCorrect: Set to true if the user has successfully completed the challenge, or false otherwise": a boolean', () => {
    const event = verify({ privateChallengeParameters: { answer: '5' }, challengeAnswer: '5' });
    expect(answerProblems('VerifyAuthChallengeResponse', event, { answerCorrect: 'true' })).toEqual([
      'response.answerCorrect: expected boolean, got string',
    ]);
  });
});
