import { isSecretKey, redactLogValue, redactText, REDACTED } from '../../../shared/runtime/index.ts';

describe('redaction', () => {
  it.each([
    'password',
    'PASSWORD',
    'new_password',
    'legacyPasswordHash',
    'code',
    'idToken',
    'refresh_token',
    'email',
    'phone_number',
    'userName',
    'clientSecret',
  ])('treats %s as secret', (key) => expect(isSecretKey(key)).toBe(true));

  it.each(['triggerSource', 'userPoolId', 'reason', 'outcome', 'provider'])('keeps %s', (key) =>
    expect(isSecretKey(key)).toBe(false),
  );

  it('masks e-mail addresses and phone numbers inside text', () => {
    expect(redactText('mail jane.doe@example.com or call +44 7700 900123')).toBe(
      'mail j***@example.com or call +***23',
    );
  });

  it('removes tokens, password hashes and opaque blobs', () => {
    expect(redactText('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijk')).toBe(`Bearer ${REDACTED}`);
    expect(redactText('hash $argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA')).toBe(`hash ${REDACTED}`);
    expect(redactText(`blob ${'A'.repeat(60)}==`)).toBe(`blob ${REDACTED}`);
  });

  it('replaces the values of secret keys, keeping empty ones visible', () => {
    expect(redactLogValue('password', 'x')).toBe(REDACTED);
    expect(redactLogValue('userAttributes', { email: 'a@b.c' })).toBe(REDACTED);
    expect(redactLogValue('code', '')).toBe('');
    expect(redactLogValue('count', 3)).toBe(3);
  });
});
