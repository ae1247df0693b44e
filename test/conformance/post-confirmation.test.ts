/** Post confirmation against the developer guide: user-pool-lambda-post-confirmation.md. */
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
  functions = await startFunctions(['post-confirmation']);
});
afterAll(() => functions.stop());

const SOURCES = ['PostConfirmation_ConfirmSignUp', 'PostConfirmation_ConfirmForgotPassword'] as const;

describe("user-pool-lambda-post-confirmation.md, 'Post confirmation example'", () => {
  const example = { request: { userAttributes: { email: 'user@example.com', email_verified: true } }, response: {} };

  it('the test event as written is refused: its email_verified is the JSON boolean true', () => {
    // The guide contradicts its own rule here: its common parameters say every attribute is "name":
    // "value" of strings ("userAttributes": {"string": "string"}), and Cognito sends "true". The test
    // event was written for the Lambda console, not taken from Cognito.
    expect(eventProblems('PostConfirmation', guideEvent('PostConfirmation', example))).toEqual([
      'request.userAttributes.email_verified: expected string, got boolean',
    ]);
  });

  it.each(SOURCES)(
    'the test event with email_verified as the string Cognito sends, as %s: event check and our function',
    async (triggerSource) => {
      const event = guideEvent(
        'PostConfirmation',
        { ...example, request: { userAttributes: { email: 'user@example.com', email_verified: 'true' } } },
        { triggerSource },
      );
      expect(eventProblems('PostConfirmation', event)).toEqual([]);
      expectConformant('PostConfirmation', event, await functions.run('post-confirmation', event));
    },
  );
});

describe("user-pool-lambda-post-confirmation.md, 'Post confirmation response parameters'", () => {
  it('"No additional return information is expected in the response": {} passes', () => {
    const event = guideEvent('PostConfirmation', { request: { userAttributes: { email: 'user@example.com' } } });
    expect(answerProblems('PostConfirmation', event, {})).toEqual([]);
  });
});
