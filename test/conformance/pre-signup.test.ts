/** Pre sign-up against the developer guide: user-pool-lambda-pre-sign-up.md. */
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
  functions = await startFunctions(['pre-signup']);
});
afterAll(() => functions.stop());

const SOURCES = ['PreSignUp_SignUp', 'PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider'] as const;

describe("user-pool-lambda-pre-sign-up.md, 'Pre sign-up example: Auto-confirm users from a registered domain'", () => {
  const example = {
    request: { userAttributes: { email: 'testuser@example.com', 'custom:domain': 'example.com' } },
    response: {},
  };

  it.each(SOURCES)('the test event, as %s, passes the event check and our function', async (triggerSource) => {
    const event = guideEvent('PreSignUp', example, { triggerSource });
    expect(eventProblems('PreSignUp', event)).toEqual([]);
    expectConformant('PreSignUp', event, await functions.run('pre-signup', event));
  });

  it("the example's answers (autoConfirmUser true or false) pass the response check", () => {
    const event = guideEvent('PreSignUp', example);
    expect(answerProblems('PreSignUp', event, { autoConfirmUser: true })).toEqual([]);
    expect(answerProblems('PreSignUp', event, { autoConfirmUser: false })).toEqual([]);
  });
});

describe("user-pool-lambda-pre-sign-up.md, 'Pre sign-up example: Auto-confirm and auto-verify all users'", () => {
  const example = {
    request: { userAttributes: { email: 'user@example.com', phone_number: '+12065550100' } },
    response: {},
  };
  const answer = { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: true };

  it.each(SOURCES)('the test event, as %s, passes the event check and our function', async (triggerSource) => {
    const event = guideEvent('PreSignUp', example, { triggerSource });
    expect(eventProblems('PreSignUp', event)).toEqual([]);
    expectConformant('PreSignUp', event, await functions.run('pre-signup', event));
  });

  it("the example's answer passes the response check", () => {
    expect(answerProblems('PreSignUp', guideEvent('PreSignUp', example), answer)).toEqual([]);
  });
});

describe("user-pool-lambda-pre-sign-up.md, 'Pre sign-up response parameters'", () => {
  it('"If autoVerifyEmail is set to true, the email attribute must have a valid, non-null value. Otherwise an error will occur"', () => {
    const event = guideEvent('PreSignUp', { request: { userAttributes: { phone_number: '+12065550100' } } });
    expect(answerProblems('PreSignUp', event, { autoVerifyEmail: true })).toEqual([
      'response.autoVerifyEmail: requires an email attribute',
    ]);
  });

  it('"If autoVerifyPhone is set to true, the phone_number attribute must have a valid, non-null value"', () => {
    const event = guideEvent('PreSignUp', { request: { userAttributes: { email: 'user@example.com' } } });
    expect(answerProblems('PreSignUp', event, { autoVerifyPhone: true })).toEqual([
      'response.autoVerifyPhone: requires a phone_number attribute',
    ]);
  });

  it('"Response parameters autoVerifyPhone, autoVerifyEmail and autoConfirmUser are ignored by Amazon Cognito when the Pre Sign-up lambda is triggered by the AdminCreateUser API": ignored, so not refused', () => {
    const event = guideEvent(
      'PreSignUp',
      { request: { userAttributes: { name: 'no address' } } },
      { triggerSource: 'PreSignUp_AdminCreateUser' },
    );
    expect(
      answerProblems('PreSignUp', event, { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: true }),
    ).toEqual([]);
  });

  it('the flags are booleans ("autoConfirmUser": "boolean")', () => {
    const event = guideEvent('PreSignUp', { request: { userAttributes: { email: 'user@example.com' } } });
    expect(answerProblems('PreSignUp', event, { autoConfirmUser: 'true' })).toEqual([
      'response.autoConfirmUser: expected boolean, got string',
    ]);
  });

  it('"validationData": the request may carry it (from SignUp and AdminCreateUser ValidationData)', () => {
    const event = guideEvent('PreSignUp', {
      request: { userAttributes: { email: 'user@example.com' }, validationData: { captcha: 'token' } },
    });
    expect(eventProblems('PreSignUp', event)).toEqual([]);
  });
});
