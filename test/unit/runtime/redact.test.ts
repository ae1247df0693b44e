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
    // The account-takeover notice's secrets: they act on the sign-in event (UpdateAuthEventFeedback),
    // under Cognito's names and under the template values' names.
    'FEEDBACK_TOKEN',
    'feedbackToken',
    'validLink',
    'invalidLink',
  ])('treats %s as secret', (key) => expect(isSecretKey(key)).toBe(true));

  it('masks the query of a link inside text (one-click links, magic links, pre-signed URLs), keeping where it goes', () => {
    const link = 'https://cognito-idp.eu-west-1.amazonaws.com/feedback?token=abc123def&valid=true#frag';
    const text = redactText(`If this was you, confirm it here: ${link} thanks`);
    expect(text).toBe(
      `If this was you, confirm it here: https://cognito-idp.eu-west-1.amazonaws.com/feedback?${REDACTED} thanks`,
    );
    expect(redactText('see http://127.0.0.1:4566/path for details')).toBe('see http://127.0.0.1:4566/path for details');
  });

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

describe('personal attributes in logs, by name wherever they appear', () => {
  it.each([
    'given_name',
    'family_name',
    'middle_name',
    'nickname',
    'address',
    'birthdate',
    'gender',
    'picture',
    'profile',
    'website',
    'zoneinfo',
    'locale',
    'name',
    'sub',
    'givenName',
    'custom:department',
    'custom:dépt',
    'custom:org/unit',
    'dev:custom:tier',
    'IP_ADDRESS',
    'CITY',
    'COUNTRY',
    'DEVICE_NAME',
    'ONE_CLICK_LINK_VALID',
    'ONE_CLICK_LINK_INVALID',
    'sourceIp',
    'userAgent',
    'userAttributesToMap',
    'providerAttributes',
    'attributes',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
    'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
    'urn:oid:2.5.4.42',
  ])('treats %s as personal', (key) => expect(isSecretKey(key)).toBe(true));

  it.each([
    'triggerSource',
    'userPoolId',
    'region',
    'reason',
    'outcome',
    'providerName',
    'providerType',
    'tooLong',
    'kind',
    'clientId',
    'userRef',
    'Invocations',
    'Allowed',
    'Denied',
    'Errors',
    'Duration',
    'NothingMapped',
    'AttributesTooLong',
    'ACCOUNT_TAKE_OVER_ACTION',
    'EVENT_ID',
    'function_name',
    'cold_start',
    'level',
    'message',
    'service',
    'location',
  ])('keeps %s readable', (key) => expect(isSecretKey(key)).toBe(false));

  it("keeps an error's name, not a person's", () => {
    expect(redactLogValue('name', 'Jane Doe')).toBe(REDACTED);
    expect(redactLogValue('name', 'Jane')).toBe(REDACTED);
    for (const errorName of [
      'Error',
      'TypeError',
      'ConditionalCheckFailedException',
      'TriggerFailure',
      'TimeoutError',
    ]) {
      expect(redactLogValue('name', errorName)).toBe(errorName);
    }
  });

  it('leaves no personal value of a logged event in the line', () => {
    const personal = {
      given: 'Evangeline',
      family: 'Featherstonehaugh',
      street: '17 Rosemary Lane',
      born: '1987-03-14',
      department: 'Cryptozoology',
      ip: '203.0.113.77',
      city: 'Ballyvaughan',
      country: 'Ireland',
      device: 'Firefox on Linux',
      employee: 'EMP12345',
      link: 'https://example.com/feedback?t=valid-link-secret',
    };
    const logged = {
      triggerSource: 'InboundFederation_ExternalProvider',
      userPoolId: 'eu-west-1_Example1',
      region: 'eu-west-1',
      reason: 'nothing-mapped',
      request: {
        providerName: 'CorpSAML',
        attributes: {
          samlResponse: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname': personal.given },
        },
      },
      response: {
        userAttributesToMap: { given_name: personal.given, department: personal.department },
      },
      // A policy that logs pieces of the maps under their own names.
      given_name: personal.given,
      family_name: personal.family,
      address: personal.street,
      birthdate: personal.born,
      'custom:department': personal.department,
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname': personal.family,
      employee: { name: `${personal.given} ${personal.family}`, 'urn:oid:2.16.840.1.113730.3.1.3': personal.employee },
      takeOver: {
        IP_ADDRESS: personal.ip,
        CITY: personal.city,
        COUNTRY: personal.country,
        DEVICE_NAME: personal.device,
        ONE_CLICK_LINK_VALID: personal.link,
        ACCOUNT_TAKE_OVER_ACTION: 'BLOCK',
      },
      metrics: { Invocations: 1, Denied: 1 },
    };
    const line = JSON.stringify(logged, redactLogValue);
    for (const value of Object.values(personal)) expect(line).not.toContain(value);
    for (const kept of [
      'InboundFederation_ExternalProvider',
      'eu-west-1_Example1',
      'nothing-mapped',
      'CorpSAML',
      'BLOCK',
    ]) {
      expect(line).toContain(kept);
    }
    expect(JSON.parse(line).metrics).toEqual({ Invocations: 1, Denied: 1 });
  });
});
