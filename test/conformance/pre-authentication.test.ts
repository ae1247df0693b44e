/** Pre authentication against the developer guide: user-pool-lambda-pre-authentication.md. */
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
  functions = await startFunctions(['pre-authentication']);
});
afterAll(() => functions.stop());

describe("user-pool-lambda-pre-authentication.md, 'Pre authentication example'", () => {
  // The test event names only the app client; the rest is the common parameters.
  const example = { callerContext: { clientId: '<user pool app client id to be blocked>' }, response: {} };

  it('the test event passes the event check and our function', async () => {
    const event = guideEvent('PreAuthentication', example);
    expect(eventProblems('PreAuthentication', event)).toEqual([]);
    expectConformant('PreAuthentication', event, await functions.run('pre-authentication', event));
  });
});

describe("user-pool-lambda-pre-authentication.md, 'Pre authentication Lambda trigger parameters'", () => {
  it('"userNotFound": a user the pool does not have (PreventUserExistenceErrors) passes the check and our function', async () => {
    const event = guideEvent('PreAuthentication', {
      request: { userAttributes: {}, validationData: { device: 'kiosk' }, userNotFound: true },
    });
    expect(eventProblems('PreAuthentication', event)).toEqual([]);
    expectConformant('PreAuthentication', event, await functions.run('pre-authentication', event));
  });

  it('"No additional return information is expected in the response": {} passes', () => {
    const event = guideEvent('PreAuthentication', {});
    expect(answerProblems('PreAuthentication', event, {})).toEqual([]);
  });
});
