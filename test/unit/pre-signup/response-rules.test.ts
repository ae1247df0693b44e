/** The event library's pre sign-up response rules refuse only what Cognito is documented to refuse. */
import { buildEvent, responseProblems } from '../../../shared/events/index.ts';

describe('pre sign-up response rules', () => {
  it('accepts any flag for AdminCreateUser, where Cognito ignores all three', () => {
    const event = buildEvent('PreSignUp', {
      triggerSource: 'PreSignUp_AdminCreateUser',
      request: { userAttributes: { email: undefined, phone_number: undefined } },
    });
    event.response.autoConfirmUser = true;
    event.response.autoVerifyEmail = true;
    event.response.autoVerifyPhone = true;
    expect(responseProblems('PreSignUp', event, event)).toEqual([]);
  });

  it('still refuses to auto-verify a missing attribute where Cognito reads the flag', () => {
    for (const triggerSource of ['PreSignUp_SignUp', 'PreSignUp_ExternalProvider'] as const) {
      const event = buildEvent('PreSignUp', { triggerSource, request: { userAttributes: { email: undefined } } });
      event.response.autoVerifyEmail = true;
      expect(responseProblems('PreSignUp', event, event)).toEqual([
        'response.autoVerifyEmail: requires an email attribute',
      ]);
    }
  });
});
