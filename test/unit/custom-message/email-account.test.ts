/**
 * The pool's e-mail sending account, end to end inside one process: the function's setting, the answer
 * it gives, and the runtime's response check that holds any custom message answer to the account.
 *
 * The guide (user-pool-lambda-custom-message, "Custom message response parameters"): "If the
 * EmailSendingAccount attribute of the user pool is not DEVELOPER and an emailMessage parameter is
 * returned, Amazon Cognito throws a 400 error code com.amazonaws.cognito.identity.idp.model.
 * InvalidLambdaResponseException" (the same for emailSubject).
 */
import { buildEvent, responseProblems, TRIGGERS, type CustomMessageEvent } from '../../../shared/events/index.ts';
import {
  cognitoTrigger,
  GENERIC_FAILURE_MESSAGE,
  lambdaContext,
  type DeclaredTriggerHandler,
} from '../../../shared/runtime/index.ts';
import { captureOutput, type CapturedOutput } from '../../helpers/capture-output.ts';

const invoke = (handler: DeclaredTriggerHandler, event: unknown) => handler(event, lambdaContext('custom-message'));

/** An answer Cognito would take from a DEVELOPER pool: both parts carry the code. */
function withEmail(event: CustomMessageEvent): CustomMessageEvent {
  event.response = {
    smsMessage: `Your code is ${event.request.codeParameter}`,
    emailSubject: 'Your code',
    emailMessage: `<p>Your code is ${event.request.codeParameter}</p>`,
  };
  return event;
}

describe("custom message and the pool's e-mail sending account", () => {
  let output: CapturedOutput;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it('the library refuses an e-mail part to a COGNITO_DEFAULT pool, and to a pool it is told nothing about', () => {
    const event = withEmail(buildEvent('CustomMessage', { triggerSource: 'CustomMessage_SignUp' }));
    const refused = [
      "response.emailMessage: allowed only when the pool's EmailSendingAccount is DEVELOPER (it is COGNITO_DEFAULT)",
      "response.emailSubject: allowed only when the pool's EmailSendingAccount is DEVELOPER (it is COGNITO_DEFAULT)",
    ];
    expect(responseProblems('CustomMessage', event, event, { emailSendingAccount: 'COGNITO_DEFAULT' })).toEqual(
      refused,
    );
    expect(responseProblems('CustomMessage', event, event)).toEqual(refused);
    expect(responseProblems('CustomMessage', event, event, { emailSendingAccount: 'DEVELOPER' })).toEqual([]);
  });

  it('either part alone is refused; the SMS alone, or nothing (null), never is', () => {
    const cognitoDefault = { emailSendingAccount: 'COGNITO_DEFAULT' } as const;
    const subjectOnly = buildEvent('CustomMessage');
    subjectOnly.response.emailSubject = 'Welcome';
    expect(responseProblems('CustomMessage', subjectOnly, subjectOnly, cognitoDefault)).toEqual([
      "response.emailSubject: allowed only when the pool's EmailSendingAccount is DEVELOPER (it is COGNITO_DEFAULT)",
    ]);
    const smsOnly = buildEvent('CustomMessage');
    smsOnly.response.smsMessage = `Code: ${smsOnly.request.codeParameter}`;
    expect(responseProblems('CustomMessage', smsOnly, smsOnly, cognitoDefault)).toEqual([]);
    const untouched = buildEvent('CustomMessage');
    expect(responseProblems('CustomMessage', untouched, untouched, cognitoDefault)).toEqual([]);
  });

  it('the runtime checks the answer against the account the function is configured with', async () => {
    const policy = (event: CustomMessageEvent) => withEmail(event);
    const closed = (account: 'DEVELOPER' | 'COGNITO_DEFAULT') =>
      cognitoTrigger(TRIGGERS.CustomMessage, policy, {
        failureMode: 'closed',
        config: () => ({ account }),
        responseContext: (config) => ({ emailSendingAccount: config.account }),
      });
    await expect(invoke(closed('DEVELOPER'), buildEvent('CustomMessage'))).resolves.toMatchObject({
      response: { emailSubject: 'Your code' },
    });
    await expect(invoke(closed('COGNITO_DEFAULT'), buildEvent('CustomMessage'))).rejects.toThrow(
      GENERIC_FAILURE_MESSAGE,
    );
    expect(output.text()).toContain(
      "response.emailMessage: allowed only when the pool's EmailSendingAccount is DEVELOPER",
    );
  });

  it('the function, set to COGNITO_DEFAULT, answers the SMS and leaves the e-mail to the pool', async () => {
    const previous = process.env.MESSAGES_EMAIL_SENDING_ACCOUNT;
    process.env.MESSAGES_EMAIL_SENDING_ACCOUNT = 'COGNITO_DEFAULT';
    try {
      // Imported here, after the setting: the configuration is read once, at the first invocation.
      const { handler } = await import('../../../functions/custom-message/handler.ts');
      const event = buildEvent('CustomMessage', { triggerSource: 'CustomMessage_ForgotPassword' });
      const answer = (await invoke(handler, structuredClone(event))) as CustomMessageEvent;
      expect(answer.response.emailMessage).toBeNull();
      expect(answer.response.emailSubject).toBeNull();
      expect(answer.response.smsMessage).toContain(event.request.codeParameter);
      expect(responseProblems('CustomMessage', event, answer, { emailSendingAccount: 'COGNITO_DEFAULT' })).toEqual([]);
      // Not a failure: no FailedOpen, no default-message warning.
      expect(output.text()).not.toContain('FailedOpen');
      expect(output.text()).not.toContain("Cognito's default is sent");
    } finally {
      if (previous === undefined) delete process.env.MESSAGES_EMAIL_SENDING_ACCOUNT;
      else process.env.MESSAGES_EMAIL_SENDING_ACCOUNT = previous;
    }
  });
});
