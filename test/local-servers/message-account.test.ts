/**
 * The message-account stand-in's rule, as the guide states it (user-pool-lambda-custom-message, "Custom
 * message response parameters"), and the local stack's one value for the pool and the function.
 * The stand-in on its servers is exercised end to end in test/e2e/messages.test.ts.
 */
import { accountRefusals, localEmailSendingAccount, poolEmailConfiguration } from '../../local-cloud/index.ts';

describe('message-account stand-in', () => {
  const answer = (response: Record<string, unknown>) => ({ response });

  it('refuses emailMessage and emailSubject, each, from a COGNITO_DEFAULT pool; never from a DEVELOPER one', () => {
    const both = answer({ smsMessage: 'Code {####}', emailMessage: '<p>{####}</p>', emailSubject: 'Code' });
    expect(accountRefusals('COGNITO_DEFAULT', both)).toEqual([
      "emailMessage is allowed only when the pool's EmailSendingAccount is DEVELOPER",
      "emailSubject is allowed only when the pool's EmailSendingAccount is DEVELOPER",
    ]);
    expect(accountRefusals('COGNITO_DEFAULT', answer({ emailSubject: '' }))).toHaveLength(1);
    expect(accountRefusals('DEVELOPER', both)).toEqual([]);
  });

  it('takes null (nothing returned) and the SMS alone from a COGNITO_DEFAULT pool', () => {
    expect(
      accountRefusals('COGNITO_DEFAULT', answer({ smsMessage: 'Code {####}', emailMessage: null, emailSubject: null })),
    ).toEqual([]);
    expect(accountRefusals('COGNITO_DEFAULT', answer({}))).toEqual([]);
  });

  it('the local stack: one account for pool and function, DEVELOPER unless told, nothing else accepted', () => {
    expect(localEmailSendingAccount({})).toBe('DEVELOPER');
    expect(localEmailSendingAccount({ MESSAGES_EMAIL_SENDING_ACCOUNT: 'COGNITO_DEFAULT' })).toBe('COGNITO_DEFAULT');
    expect(() => localEmailSendingAccount({ MESSAGES_EMAIL_SENDING_ACCOUNT: 'SES' })).toThrow(
      'MESSAGES_EMAIL_SENDING_ACCOUNT: expected one of COGNITO_DEFAULT, DEVELOPER',
    );
    expect(poolEmailConfiguration({ account: 'DEVELOPER', from: 'no-reply@example.test' })).toEqual({
      EmailSendingAccount: 'DEVELOPER',
      SourceArn: 'arn:aws:ses:us-east-1:000000000000:identity/no-reply@example.test',
      From: 'no-reply@example.test',
    });
    expect(poolEmailConfiguration()).toEqual({ EmailSendingAccount: 'COGNITO_DEFAULT' });
  });
});
