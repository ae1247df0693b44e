import { confirmationMessage } from '../../../functions/post-confirmation/messages.ts';
import { newSignInNotice } from '../../../functions/post-authentication/notice.ts';

const rules = { requireVerifiedEmail: true, sendWelcome: true, sendPasswordChanged: true };
const attributes = { email: 'jane@example.com', email_verified: 'true', given_name: 'Jane' };
const now = 1_800_000_000_000;

describe('confirmation messages', () => {
  it('welcomes once per user: the id carries no time', () => {
    const first = confirmationMessage(
      { triggerSource: 'PostConfirmation_ConfirmSignUp', sub: 's1', userAttributes: attributes, now },
      rules,
    );
    const later = confirmationMessage(
      { triggerSource: 'PostConfirmation_ConfirmSignUp', sub: 's1', userAttributes: attributes, now: now + 86_400_000 },
      rules,
    );
    expect(first).toEqual({ kind: 'welcome', id: 's1#welcome', to: 'jane@example.com', name: 'Jane' });
    expect(later?.id).toBe(first?.id);
  });

  it('sends a password-changed notice per reset, the same id for retries of one', () => {
    const facts = {
      triggerSource: 'PostConfirmation_ConfirmForgotPassword' as const,
      sub: 's1',
      userAttributes: attributes,
    };
    const a = confirmationMessage({ ...facts, now }, rules);
    const retry = confirmationMessage({ ...facts, now: now + 1_000 }, rules);
    const nextDay = confirmationMessage({ ...facts, now: now + 86_400_000 }, rules);
    expect(a?.kind).toBe('password-changed');
    expect(retry?.id).toBe(a?.id);
    expect(nextDay?.id).not.toBe(a?.id);
  });

  it('writes to no unverified address unless told to', () => {
    const unverified = { email: 'jane@example.com', email_verified: 'false' };
    const facts = {
      triggerSource: 'PostConfirmation_ConfirmSignUp' as const,
      sub: 's1',
      userAttributes: unverified,
      now,
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
        { triggerSource: 'PostConfirmation_ConfirmSignUp', sub: 's', userAttributes: attributes, now },
        { ...rules, sendWelcome: false },
      ),
    ).toBeUndefined();
  });
});

describe('new sign-in notice', () => {
  it('goes to a verified address on a new device only', () => {
    expect(newSignInNotice({ sub: 's', newDeviceUsed: true, userAttributes: attributes, now })).toMatchObject({
      kind: 'new-sign-in',
      to: 'jane@example.com',
    });
    expect(newSignInNotice({ sub: 's', newDeviceUsed: false, userAttributes: attributes, now })).toBeUndefined();
    expect(
      newSignInNotice({
        sub: 's',
        newDeviceUsed: true,
        userAttributes: { ...attributes, email_verified: 'false' },
        now,
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
