import { isSecretKey, isSecretName, redactLogValue, redactText, REDACTED } from '../../../shared/runtime/index.ts';

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
    'cognito:username',
    'confirmationCode',
    'verification_code',
    'mfaCode',
    'answer',
    'credentials',
    'AccessKeyId',
  ])('treats %s as secret', (key) => expect(isSecretKey(key)).toBe(true));

  it.each(['triggerSource', 'userPoolId', 'reason', 'outcome', 'provider', 'statusCode', 'errorCode'])(
    'keeps %s',
    (key) => expect(isSecretKey(key)).toBe(false),
  );

  it.each([
    'custom:password_hash',
    'custom:passwordhash',
    'legacyPasswordHash',
    'custom:passcode',
    'custom:recovery_code',
    'custom:mfaCode',
    'custom:credentials',
    'custom:security_answer',
    'custom:totpSeed',
    'apiTokens',
  ])('does not store an attribute named %s', (name) => expect(isSecretName(name)).toBe(true));

  it.each([
    'email',
    'phone_number',
    'given_name',
    'custom:hashtag',
    'custom:footprint',
    'custom:zip_code',
    'custom:tier',
  ])('stores an attribute named %s', (name) => expect(isSecretName(name)).toBe(false));

  it('masks e-mail addresses and phone numbers inside text', () => {
    expect(redactText('mail jane.doe@example.com or call +44 7700 900123')).toBe(
      'mail j***@example.com or call +***23',
    );
  });

  it.each([
    ['john&jane@example.com', 'j***@example.com'],
    ["o'brien+tag@example.com", 'o***@example.com'],
    ['jane@localhost', 'j***@localhost'],
    ['to=jane%40example.com', 't***%40example.com'],
    ['call 07700 900123', 'call 0***23'],
    ['call 0049 151 2345678', 'call 0***78'],
    ['call 015112345678', 'call 0***78'],
  ])('masks %s', (text, masked) => {
    expect(redactText(text)).toBe(masked);
  });

  it('leaves module paths, dates, ids and counts alone', () => {
    for (const text of [
      'at node_modules/@aws-sdk/client-ses/dist-cjs/index.js:12:7',
      '2024-01-01T10:00:00.000Z',
      'c0a80123-4567-4890-8123-000012345678',
      'attempts 12345678',
      'User: arn:aws:sts::012345678901:assumed-role/pre-signup is not authorized',
      'Requested resource not found: Table: cognito-triggers-prod-sign-in-attempts-notifications not found',
      'arn:aws:dynamodb:eu-west-1:012345678901:table/cognito-triggers-prod-notifications/index/by-status',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });

  it('leaves long text without an address unchanged', () => {
    const text = 'a.'.repeat(20_000);
    expect(redactText(text)).toBe(text);
  });

  it('removes tokens, password hashes and opaque blobs', () => {
    expect(redactText('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijk')).toBe(`Bearer ${REDACTED}`);
    expect(redactText('hash $argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA')).toBe(`hash ${REDACTED}`);
    expect(redactText(`blob ${'A'.repeat(60)}==`)).toBe(`blob ${REDACTED}`);
    expect(redactText(`sha ${'9f86d081884c7d659a2feaa0c55ad015'.repeat(2)}`)).toBe(`sha ${REDACTED}`);
    expect(redactText('session AYADeHpXZm9vYmFyYmF6cXV4Y29ycmVjdGhvcnNlYmF0dGVy_x-y')).toBe(`session ${REDACTED}`);
  });

  it('replaces the values of secret keys, keeping empty ones visible', () => {
    expect(redactLogValue('password', 'x')).toBe(REDACTED);
    expect(redactLogValue('userAttributes', { email: 'a@b.c' })).toBe(REDACTED);
    expect(redactLogValue('code', '')).toBe('');
    expect(redactLogValue('count', 3)).toBe(3);
  });
});
