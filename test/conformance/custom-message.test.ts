/**
 * Custom message against the Amazon Cognito Developer Guide, "Custom message Lambda trigger"
 * (doc_source/user-pool-lambda-custom-message.md in awsdocs/amazon-cognito-developer-guide): its two
 * documented example events run through the event library and through the function (the built bundle,
 * as Lambda loads it, once per e-mail sending account), and every response rule the page documents as a
 * test of the library's response check.
 *
 * The guide's example events are "test events" for the Lambda console: their values are placeholders
 * (`<region>`, `<userName>`), and three of their facts contradict the guide's own "User pool Lambda
 * trigger event" (cognito-user-identity-pools-working-with-aws-lambda-triggers.md): `"version": 1` where
 * the event has `"version": "string"`, `"awsSdk"` where callerContext has `"awsSdkVersion"`, and boolean
 * attribute values where userAttributes are `"string": "string"` pairs. The transcriptions below keep
 * every documented fact (trigger sources, `codeParameter: "####"`, `usernameParameter: "username"`, the
 * attributes named) in the shape the common parameters give; the last test shows the example as printed
 * and what the library says about each contradiction.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  parseEvent,
  responseProblems,
  SAMPLE,
  type CustomMessageEvent,
  type EmailSendingAccount,
} from '../../shared/events/index.ts';
import { lambdaContext, type TriggerHandler } from '../../shared/runtime/index.ts';
import { captureOutput, type CapturedOutput } from '../helpers/capture-output.ts';

const PAGE = 'user-pool-lambda-custom-message.md';
const SIGN_UP_EXAMPLE = `${PAGE}, "Custom message for sign up example"`;
const ADMIN_EXAMPLE = `${PAGE}, "Custom message for admin create user example"`;
const RESPONSE_PARAMETERS = `${PAGE}, "Custom message response parameters"`;

/** The sources the sign-up example's test event names ("CustomMessage_SignUp/CustomMessage_ResendCode/..."). */
const SIGN_UP_EXAMPLE_SOURCES = [
  'CustomMessage_SignUp',
  'CustomMessage_ResendCode',
  'CustomMessage_ForgotPassword',
  'CustomMessage_VerifyUserAttribute',
] as const;

type Source = CustomMessageEvent['triggerSource'];

/** The guide's test event, its placeholders filled in with values of the documented types. */
function guideEvent(triggerSource: Source): CustomMessageEvent {
  const admin = triggerSource === 'CustomMessage_AdminCreateUser';
  return {
    version: '1',
    triggerSource,
    region: SAMPLE.region,
    userPoolId: SAMPLE.userPoolId,
    userName: 'jane',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: SAMPLE.clientId },
    request: {
      userAttributes: { phone_number_verified: 'false', email_verified: 'true' },
      codeParameter: '####',
      ...(admin ? { usernameParameter: 'username' } : {}),
    },
    // Nothing answered yet: null, as Cognito sends it (the guide's example shows the answer's shape).
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  } as CustomMessageEvent;
}

/** The answers of the guide's example functions. */
function guideAnswer(event: CustomMessageEvent): CustomMessageEvent {
  const { codeParameter, usernameParameter } = event.request;
  if (event.triggerSource === 'CustomMessage_AdminCreateUser') {
    const text = `Welcome to the service. Your user name is ${usernameParameter ?? ''} Your temporary password is ${codeParameter}`;
    return { ...event, response: { smsMessage: text, emailSubject: 'Welcome to the service', emailMessage: text } };
  }
  return {
    ...event,
    response: {
      smsMessage: `Welcome to the service. Your confirmation code is ${codeParameter}`,
      emailSubject: 'Welcome to the service',
      emailMessage: `Thank you for signing up. ${codeParameter} is your verification code`,
    },
  };
}

const SES = { emailSendingAccount: 'DEVELOPER' } as const;
const COGNITO_DEFAULT = { emailSendingAccount: 'COGNITO_DEFAULT' } as const;
const withResponse = (event: CustomMessageEvent, response: Partial<CustomMessageEvent['response']>) => ({
  ...event,
  response: { ...event.response, ...response },
});

describe(`custom message: the guide's example events (${PAGE})`, () => {
  it.each(SIGN_UP_EXAMPLE_SOURCES)(`${SIGN_UP_EXAMPLE}: the %s event is accepted`, (source) => {
    const event = guideEvent(source);
    expect(parseEvent('CustomMessage', event)).toBe(event);
  });

  it(`${ADMIN_EXAMPLE}: the event, with usernameParameter, is accepted`, () => {
    const event = guideEvent('CustomMessage_AdminCreateUser');
    expect(parseEvent('CustomMessage', event).request.usernameParameter).toBe('username');
  });

  it.each([...SIGN_UP_EXAMPLE_SOURCES, 'CustomMessage_AdminCreateUser' as const])(
    `${PAGE}, the examples' functions: their answer to %s is accepted from a DEVELOPER pool`,
    (source) => {
      const event = guideEvent(source);
      expect(responseProblems('CustomMessage', event, guideAnswer(event), SES)).toEqual([]);
    },
  );

  it(`${PAGE}: "The function then returns the same event object back": the event unchanged is accepted from any pool`, () => {
    const event = guideEvent('CustomMessage_SignUp');
    expect(responseProblems('CustomMessage', event, event, COGNITO_DEFAULT)).toEqual([]);
    expect(responseProblems('CustomMessage', event, event, SES)).toEqual([]);
  });

  it(`${PAGE}: the sign-up example's test event as printed contradicts the common parameters, and is refused for those facts only`, () => {
    const printed = {
      version: 1,
      triggerSource: 'CustomMessage_SignUp',
      region: 'us-east-1',
      userPoolId: SAMPLE.userPoolId,
      userName: 'jane',
      callerContext: { awsSdk: 'aws-sdk-js-3', clientId: SAMPLE.clientId },
      request: { userAttributes: { phone_number_verified: false, email_verified: true }, codeParameter: '####' },
      response: { smsMessage: null, emailMessage: null, emailSubject: null },
    };
    let problems: readonly string[] = [];
    try {
      parseEvent('CustomMessage', printed);
    } catch (error) {
      problems = (error as { problems: readonly string[] }).problems;
    }
    // Each problem is one of the contradictions, and nothing the guide documents is refused.
    const contradicted =
      /^(version|callerContext\.awsSdkVersion|request\.userAttributes\.(phone_number|email)_verified):/u;
    expect(problems.filter((problem) => !contradicted.test(problem))).toEqual([]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'version: expected one of "1", "0", got number',
        'request.userAttributes.phone_number_verified: expected string, got boolean',
        'request.userAttributes.email_verified: expected string, got boolean',
      ]),
    );
  });
});

describe(`custom message: the response rules (${RESPONSE_PARAMETERS})`, () => {
  const signUp = () => guideEvent('CustomMessage_SignUp');
  const admin = () => guideEvent('CustomMessage_AdminCreateUser');

  it(`${RESPONSE_PARAMETERS}: smsMessage "Must include the codeParameter value received in the request"`, () => {
    const event = signUp();
    expect(
      responseProblems('CustomMessage', event, withResponse(event, { smsMessage: 'Welcome to the service.' }), SES),
    ).toEqual(['response.smsMessage: must contain the code placeholder ####']);
  });

  it(`${RESPONSE_PARAMETERS}: emailMessage "Must include the codeParameter value received in the request"`, () => {
    const event = signUp();
    const answer = withResponse(event, { emailSubject: 'Welcome', emailMessage: 'Thank you for signing up.' });
    expect(responseProblems('CustomMessage', event, answer, SES)).toEqual([
      'response.emailMessage: must contain the code placeholder ####',
    ]);
  });

  it(`${ADMIN_EXAMPLE}: "include both request.usernameParameter and request.codeParameter in the message body"`, () => {
    const event = admin();
    const answer = withResponse(event, {
      smsMessage: 'Your temporary password is ####',
      emailSubject: 'Welcome',
      emailMessage: 'Your user name is username',
    });
    expect(responseProblems('CustomMessage', event, answer, SES)).toEqual([
      'response.emailMessage: must contain the code placeholder ####',
      'response.smsMessage: must contain the user name placeholder username',
    ]);
  });

  it(`${SIGN_UP_EXAMPLE}: "For SMS, the maximum length is 140 UTF-8 characters, including the verification code"`, () => {
    const event = signUp();
    // "####" becomes a six-digit code: 134 characters of text and the code are 140.
    const fits = `${'é'.repeat(134)}####`;
    expect(responseProblems('CustomMessage', event, withResponse(event, { smsMessage: fits }), SES)).toEqual([]);
    expect(responseProblems('CustomMessage', event, withResponse(event, { smsMessage: `x${fits}` }), SES)).toEqual([
      'response.smsMessage: must be at most 140 characters once Cognito substitutes the code and user name, got 141',
    ]);
  });

  it(`${SIGN_UP_EXAMPLE}: "For email, the maximum length for the message is 20,000 UTF-8 characters, including the verification code"`, () => {
    const event = signUp();
    const fits = `<p>${'é'.repeat(19_987)}####</p>`;
    const answer = (emailMessage: string) => withResponse(event, { emailSubject: 'Welcome', emailMessage });
    expect(responseProblems('CustomMessage', event, answer(fits), SES)).toEqual([]);
    expect(responseProblems('CustomMessage', event, answer(`x${fits}`), SES)).toEqual([
      'response.emailMessage: must be at most 20000 characters once Cognito substitutes the code and user name, got 20001',
    ]);
  });

  it(`${RESPONSE_PARAMETERS}: emailMessage and emailSubject "allowed only if the EmailSendingAccount attribute of the user pool is DEVELOPER"; otherwise InvalidLambdaResponseException`, () => {
    const event = signUp();
    const answer = guideAnswer(event);
    const refused = (part: string) =>
      `response.${part}: allowed only when the pool's EmailSendingAccount is DEVELOPER (it is COGNITO_DEFAULT)`;
    expect(responseProblems('CustomMessage', event, answer, COGNITO_DEFAULT)).toEqual([
      refused('emailMessage'),
      refused('emailSubject'),
    ]);
    // "otherwise, the value is COGNITO_DEFAULT": a check told nothing of the pool assumes it.
    expect(responseProblems('CustomMessage', event, answer)).toEqual([
      refused('emailMessage'),
      refused('emailSubject'),
    ]);
    expect(
      responseProblems(
        'CustomMessage',
        event,
        withResponse(event, { emailSubject: 'Welcome to the service' }),
        COGNITO_DEFAULT,
      ),
    ).toEqual([refused('emailSubject')]);
    // SMS is not subject to the account.
    expect(
      responseProblems(
        'CustomMessage',
        event,
        withResponse(event, { smsMessage: answer.response.smsMessage }),
        COGNITO_DEFAULT,
      ),
    ).toEqual([]);
    expect(responseProblems('CustomMessage', event, answer, SES)).toEqual([]);
  });
});

describe(`custom message: the function on the guide's example events (${PAGE})`, () => {
  let output: CapturedOutput;
  const previous = process.env.MESSAGES_EMAIL_SENDING_ACCOUNT;
  const handlers = new Map<EmailSendingAccount, TriggerHandler>();

  /**
   * The built bundle, one instance per account: it reads its configuration once, at its first
   * invocation, so each instance is set up and invoked once before the next is loaded.
   */
  async function functionFor(account: EmailSendingAccount): Promise<TriggerHandler> {
    const loaded = handlers.get(account);
    if (loaded) return loaded;
    process.env.MESSAGES_EMAIL_SENDING_ACCOUNT = account;
    const url = `${pathToFileURL(join(process.cwd(), 'dist', 'custom-message', 'index.js')).href}?account=${account}`;
    const { handler } = (await import(url)) as { handler: TriggerHandler };
    await handler(guideEvent('CustomMessage_SignUp'), lambdaContext('custom-message'));
    handlers.set(account, handler);
    return handler;
  }
  const invoke = async (account: EmailSendingAccount, event: CustomMessageEvent) =>
    (await (
      await functionFor(account)
    )(structuredClone(event), lambdaContext('custom-message'))) as CustomMessageEvent;

  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());
  afterAll(() => {
    if (previous === undefined) delete process.env.MESSAGES_EMAIL_SENDING_ACCOUNT;
    else process.env.MESSAGES_EMAIL_SENDING_ACCOUNT = previous;
  });

  it.each([...SIGN_UP_EXAMPLE_SOURCES, 'CustomMessage_AdminCreateUser' as const])(
    `${PAGE}: %s, DEVELOPER pool: e-mail and SMS with the guide's placeholders, accepted by the rules`,
    async (source) => {
      const event = guideEvent(source);
      const answer = await invoke('DEVELOPER', event);
      expect(responseProblems('CustomMessage', event, answer, SES)).toEqual([]);
      expect(answer.response.emailSubject).toEqual(expect.any(String));
      for (const part of [answer.response.emailMessage, answer.response.smsMessage]) {
        expect(part).toContain('####');
        if (source === 'CustomMessage_AdminCreateUser') expect(part).toContain('username');
      }
      expect(output.text()).not.toContain('FailedOpen');
    },
  );

  it.each([...SIGN_UP_EXAMPLE_SOURCES, 'CustomMessage_AdminCreateUser' as const])(
    `${RESPONSE_PARAMETERS}: %s, COGNITO_DEFAULT pool: the SMS only, accepted by the rules`,
    async (source) => {
      const event = guideEvent(source);
      const answer = await invoke('COGNITO_DEFAULT', event);
      expect(responseProblems('CustomMessage', event, answer, COGNITO_DEFAULT)).toEqual([]);
      expect(answer.response.emailMessage).toBeNull();
      expect(answer.response.emailSubject).toBeNull();
      expect(answer.response.smsMessage).toContain('####');
      expect(output.text()).not.toContain('FailedOpen');
    },
  );
});
