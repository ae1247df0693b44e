/** Post authentication against the developer guide: user-pool-lambda-post-authentication.md. */
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
  functions = await startFunctions(['post-authentication']);
});
afterAll(() => functions.stop());

describe("user-pool-lambda-post-authentication.md, 'Post authentication example'", () => {
  const example = {
    triggerSource: 'testTrigger',
    userPoolId: 'testPool',
    userName: 'testName',
    callerContext: { clientId: '12345' },
    response: {},
  };

  it('the test event as written is refused: "testTrigger" is no trigger source', () => {
    // The guide contradicts its own trigger-source table ("User Pool Lambda Trigger Sources":
    // PostAuthentication_Authentication is this trigger's only source); a function answering an unknown
    // source would be guessing what Cognito asked.
    expect(eventProblems('PostAuthentication', guideEvent('PostAuthentication', example))).toEqual([
      'triggerSource: expected one of "PostAuthentication_Authentication", got "testTrigger"',
    ]);
  });

  it('the test event with its real trigger source passes the event check and our function', async () => {
    const event = guideEvent('PostAuthentication', { ...example, triggerSource: 'PostAuthentication_Authentication' });
    expect(eventProblems('PostAuthentication', event)).toEqual([]);
    expectConformant('PostAuthentication', event, await functions.run('post-authentication', event));
  });
});

describe("user-pool-lambda-post-authentication.md, 'Post authentication request parameters'", () => {
  it('"newDeviceUsed ... is set only if the remembered devices value of the user pool is set to Always or User Opt-In": absent or set, both pass', async () => {
    for (const request of [
      { userAttributes: { email: 'user@example.com' } },
      { userAttributes: { email: 'user@example.com' }, newDeviceUsed: true },
    ]) {
      const event = guideEvent('PostAuthentication', { request });
      expect(eventProblems('PostAuthentication', event)).toEqual([]);
      expectConformant('PostAuthentication', event, await functions.run('post-authentication', event));
    }
  });

  it('"No additional return information is expected in the response": {} passes', () => {
    expect(answerProblems('PostAuthentication', guideEvent('PostAuthentication', {}), {})).toEqual([]);
  });
});
