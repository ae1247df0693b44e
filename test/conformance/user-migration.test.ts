/** Migrate user against the developer guide: user-pool-lambda-migrate-user.md. */
import { seedLegacyDirectory } from '../fuzz/legacy-directory.ts';
import {
  answerProblems,
  eventProblems,
  expectConformant,
  guideEvent,
  startFunctions,
  type Functions,
} from './guide.ts';

let functions: Functions;
beforeAll(async () => {
  functions = await startFunctions(['migrate-user']);
});
afterAll(() => functions.stop());

const signIn = (userName: string) =>
  guideEvent(
    'UserMigration',
    { userName, request: { password: 'S3cr3t-guide-pass', validationData: null } },
    { triggerSource: 'UserMigration_Authentication' },
  );
const forgotPassword = (userName: string) =>
  guideEvent(
    'UserMigration',
    { userName, request: { validationData: null } },
    { triggerSource: 'UserMigration_ForgotPassword' },
  );

describe("user-pool-lambda-migrate-user.md, 'Migrate user Lambda trigger sources' and request parameters", () => {
  it('"password ... Amazon Cognito doesn\'t send this value in a request that\'s initiated by a forgot-password flow"', () => {
    expect(eventProblems('UserMigration', forgotPassword('user@example.com'))).toEqual([]);
    expect(eventProblems('UserMigration', signIn('user@example.com'))).toEqual([]);
    const withoutPassword = signIn('user@example.com');
    delete (withoutPassword.request as Record<string, unknown>).password;
    expect(eventProblems('UserMigration', withoutPassword)).toEqual(['request.password: required, missing']);
  });

  it.each(['UserMigration_Authentication', 'UserMigration_ForgotPassword'] as const)(
    'a user the legacy directory holds, %s: our function answers what Cognito accepts',
    async (source) => {
      const event =
        source === 'UserMigration_Authentication'
          ? signIn('guide.user@example.com')
          : forgotPassword('guide.user@example.com');
      // Salt 1: a user found by name with the event's own password and a verified address (test/fuzz).
      await seedLegacyDirectory(functions.world.dynamodb, functions.world.tables, event, 1);
      const outcome = await functions.run('migrate-user', event);
      expect('answer' in outcome).toBe(true);
      expectConformant('UserMigration', event, outcome);
    },
  );

  it('a user nobody holds: a refusal the user may see, never the generic failure', async () => {
    const event = signIn('nobody.anywhere@example.com');
    expectConformant('UserMigration', event, await functions.run('migrate-user', event));
  });
});

describe("user-pool-lambda-migrate-user.md, 'Example: Migrate a user with an existing password'", () => {
  it('the sign-in answer (email, email_verified "true", CONFIRMED, SUPPRESS) passes the response check', () => {
    expect(
      answerProblems('UserMigration', signIn('user@example.com'), {
        userAttributes: { email: 'user@example.com', email_verified: 'true' },
        finalUserStatus: 'CONFIRMED',
        messageAction: 'SUPPRESS',
      }),
    ).toEqual([]);
  });

  it('the forgot-password answer (email, email_verified "true", SUPPRESS) passes the response check', () => {
    expect(
      answerProblems('UserMigration', forgotPassword('user@example.com'), {
        userAttributes: { email: 'user@example.com', email_verified: 'true' },
        messageAction: 'SUPPRESS',
      }),
    ).toEqual([]);
  });
});

describe("user-pool-lambda-migrate-user.md, 'Migrate user response parameters'", () => {
  it('"userAttributes: This field is required"', () => {
    expect(answerProblems('UserMigration', signIn('user@example.com'), { finalUserStatus: 'CONFIRMED' })).toEqual([
      'response.userAttributes: required: the migrated user needs at least one attribute',
    ]);
  });

  it('"To reset their passwords in the forgot-password flow, a user must have either a verified email address or a verified phone number"', () => {
    expect(
      answerProblems('UserMigration', forgotPassword('user@example.com'), {
        userAttributes: { email: 'user@example.com', email_verified: 'false' },
      }),
    ).toEqual([
      'response.userAttributes: a password reset needs a verified email or phone_number (email_verified or phone_number_verified "true")',
    ]);
    expect(
      answerProblems('UserMigration', forgotPassword('user@example.com'), {
        userAttributes: { phone_number: '+12065550100', phone_number_verified: 'true' },
      }),
    ).toEqual([]);
  });

  it('"finalUserStatus": CONFIRMED or RESET_REQUIRED, nothing else', () => {
    const event = signIn('user@example.com');
    const userAttributes = { email: 'user@example.com' };
    expect(answerProblems('UserMigration', event, { userAttributes, finalUserStatus: 'RESET_REQUIRED' })).toEqual([]);
    expect(answerProblems('UserMigration', event, { userAttributes, finalUserStatus: 'UNCONFIRMED' })).toHaveLength(1);
  });

  it('"messageAction": SUPPRESS declines the welcome message; "desiredDeliveryMediums": EMAIL or SMS', () => {
    const event = signIn('user@example.com');
    const userAttributes = { email: 'user@example.com', phone_number: '+12065550100' };
    expect(
      answerProblems('UserMigration', event, {
        userAttributes,
        messageAction: 'SUPPRESS',
        desiredDeliveryMediums: ['EMAIL', 'SMS'],
        forceAliasCreation: false,
      }),
    ).toEqual([]);
    expect(answerProblems('UserMigration', event, { userAttributes, desiredDeliveryMediums: ['PIGEON'] })).toHaveLength(
      1,
    );
  });

  it('"Custom attributes require the custom: prefix to distinguish them from standard attributes"', () => {
    const event = signIn('user@example.com');
    expect(
      answerProblems('UserMigration', event, { userAttributes: { email: 'user@example.com', 'custom:tier': 'gold' } }),
    ).toEqual([]);
    expect(
      answerProblems('UserMigration', event, { userAttributes: { email: 'user@example.com', tier: 'gold' } }),
    ).toEqual(['response.userAttributes.tier: not a standard or custom: attribute']);
  });
});
