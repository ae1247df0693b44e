import { confirmationMessage } from '../../../functions/post-confirmation/messages.ts';
import { newSignInNotice } from '../../../functions/post-authentication/notice.ts';

const rules = { requireVerifiedEmail: true, sendWelcome: true, sendPasswordChanged: true };
const attributes = { email: 'jane@example.com', email_verified: 'true', given_name: 'Jane' };

describe('confirmation messages', () => {
  it('welcomes once per user: the id carries no time and does not recur', () => {
    expect(
      confirmationMessage(
        { triggerSource: 'PostConfirmation_ConfirmSignUp', sub: 's1', userAttributes: attributes },
        rules,
      ),
    ).toEqual({ kind: 'welcome', id: 's1#welcome', to: 'jane@example.com', name: 'Jane' });
  });

  it('sends a password-changed notice per reset: a series of the user, each occurrence one message', () => {
    expect(
      confirmationMessage(
        { triggerSource: 'PostConfirmation_ConfirmForgotPassword', sub: 's1', userAttributes: attributes },
        rules,
      ),
    ).toEqual({
      kind: 'password-changed',
      id: 's1#password-changed',
      recurs: true,
      to: 'jane@example.com',
      name: 'Jane',
    });
  });

  it('writes to no unverified address unless told to', () => {
    const unverified = { email: 'jane@example.com', email_verified: 'false' };
    const facts = {
      triggerSource: 'PostConfirmation_ConfirmSignUp' as const,
      sub: 's1',
      userAttributes: unverified,
    };
    expect(confirmationMessage(facts, rules)).toBeUndefined();
    expect(confirmationMessage(facts, { ...rules, requireVerifiedEmail: false })?.kind).toBe('welcome');
    expect(
      confirmationMessage({ ...facts, userAttributes: {} }, { ...rules, requireVerifiedEmail: false }),
    ).toBeUndefined();
  });

  it('can be switched off per kind', () => {
    expect(
      confirmationMessage(
        { triggerSource: 'PostConfirmation_ConfirmSignUp', sub: 's', userAttributes: attributes },
        { ...rules, sendWelcome: false },
      ),
    ).toBeUndefined();
  });
});

describe('new sign-in notice', () => {
  it('goes to a verified address on a new device only', () => {
    expect(newSignInNotice({ sub: 's', newDeviceUsed: true, userAttributes: attributes })).toEqual({
      kind: 'new-sign-in',
      id: 's#new-sign-in',
      recurs: true,
      to: 'jane@example.com',
      name: 'Jane',
    });
    expect(newSignInNotice({ sub: 's', newDeviceUsed: false, userAttributes: attributes })).toBeUndefined();
    expect(
      newSignInNotice({
        sub: 's',
        newDeviceUsed: true,
        userAttributes: { ...attributes, email_verified: 'false' },
      }),
    ).toBeUndefined();
  });
});

describe('profile attributes', () => {
  it('drops secrets by whole words, keeping harmless names that merely contain them', async () => {
    const { profileAttributes } = await import('../../../shared/stores/profiles.ts');
    expect(
      profileAttributes({
        email: 'a@example.com',
        'custom:footprint': 'big',
        'custom:hashtag': '#x',
        'custom:password_hash': 'x',
        legacyPasswordHash: 'x',
        apiToken: 'x',
        'cognito:user_status': 'CONFIRMED',
        sub: 's',
      }),
    ).toEqual({ email: 'a@example.com', 'custom:footprint': 'big', 'custom:hashtag': '#x' });
  });
});
