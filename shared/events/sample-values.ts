/** Realistic values shared by the sample events: one demo user, one pool, one app client. */
export const SAMPLE = {
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_Example1',
  clientId: '3n4b5urk1ft4fl3mg5e62d9ado',
  awsSdkVersion: 'aws-sdk-unknown-unknown',
  sub: '6a8b9c0d-1e2f-4a5b-8c7d-9e0f1a2b3c4d',
  userName: '6a8b9c0d-1e2f-4a5b-8c7d-9e0f1a2b3c4d',
  email: 'jane.doe@example.com',
  phoneNumber: '+447700900123',
  givenName: 'Jane',
  familyName: 'Doe',
  locale: 'en',
} as const;

/** Messages that confirm a sign-up go to a user who is not confirmed yet. */
const isUnconfirmedSource = (triggerSource: string) => /_(SignUp|ResendCode)$/u.test(triggerSource);

export const sampleUserAttributes = (triggerSource = ''): Record<string, string> => ({
  sub: SAMPLE.sub,
  email: SAMPLE.email,
  email_verified: isUnconfirmedSource(triggerSource) ? 'false' : 'true',
  phone_number: SAMPLE.phoneNumber,
  phone_number_verified: 'false',
  given_name: SAMPLE.givenName,
  family_name: SAMPLE.familyName,
  locale: SAMPLE.locale,
  'cognito:user_status': isUnconfirmedSource(triggerSource) ? 'UNCONFIRMED' : 'CONFIRMED',
});

/** The fields every event carries, but version and trigger source, which each trigger types itself. */
export const sampleCommon = (triggerSource = '') => ({
  region: SAMPLE.region,
  userPoolId: SAMPLE.userPoolId,
  userName: SAMPLE.userName,
  callerContext: {
    awsSdkVersion: SAMPLE.awsSdkVersion,
    // Admin API calls are not made through an app client.
    clientId: triggerSource.endsWith('_AdminCreateUser') ? 'CLIENT_ID_NOT_APPLICABLE' : SAMPLE.clientId,
  },
});
