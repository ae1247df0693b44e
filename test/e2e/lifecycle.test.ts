/**
 * End to end: a user's life in the pool, driven as an app drives it (SignUp, ConfirmSignUp, InitiateAuth
 * against cognito-local, whose triggers call the built handlers), checked where the handlers leave their
 * traces: the DynamoDB tables and the SES mailbox.
 *
 * Where the local pool cannot produce an event at will (a pre-authentication at a chosen time;
 * cognito-local always reports newDeviceUsed false), or a repeat delivery is wanted, the test sends the
 * event Cognito would send through the same Lambda endpoint cognito-local uses.
 */
import {
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  SignUpCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildEvent } from '../../shared/events/index.ts';
import { attemptKey } from '../../shared/stores/attempt-key.ts';
import { DENIAL_MESSAGES } from '../../functions/pre-signup/policy.ts';
import { SIGN_IN_REFUSED_MESSAGE } from '../../shared/stores/lockout.ts';
import { dynamoDbClientFor } from '../../local-cloud/dynamodb.ts';
import type { StoredEmail } from '../../local-cloud/ses.ts';
import {
  auditRecordsOf,
  cognito,
  invokeFunction,
  mailTo,
  stack,
  tableName,
  uniqueEmail,
  type InvokeResult,
} from '../helpers/stack.ts';

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

const PASSWORD = 'Correct-Horse-Battery-9';
const NEW_PASSWORD = 'Staple-Battery-Horse-10';
/** APP_NAME and MAIL_FROM as local-cloud/stack.ts sets them for the handlers. */
const APP_NAME = 'Cognito Triggers (local)';
const MAIL_FROM = 'no-reply@cognito-triggers.local';
/** The test stack's LOCKOUT_MAX_ATTEMPTS (test/setup/global-setup.ts). */
const MAX_ATTEMPTS = 3;

const { userPoolId, clientId, confirmationCode } = stack.cognito;
const idp = cognito();
const dynamoDb = dynamoDbClientFor(stack.dynamodb.endpoint);
const db = DynamoDBDocumentClient.from(dynamoDb);
const table = tableName;

afterAll(() => {
  idp.destroy();
  db.destroy();
  dynamoDb.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface User {
  email: string;
  /** The user's sub, which is also the user name Cognito passes to triggers in this email-username pool. */
  sub: string;
  attributes: Record<string, string>;
}

async function signUp(email: string, extra: Record<string, string> = {}) {
  const attributes: AttributeType[] = Object.entries({ email, given_name: 'Jane', ...extra }).map(([Name, Value]) => ({
    Name,
    Value,
  }));
  return idp.send(
    new SignUpCommand({ ClientId: clientId, Username: email, Password: PASSWORD, UserAttributes: attributes }),
  );
}

async function signUpError(email: string): Promise<Error> {
  try {
    await signUp(email);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`sign-up of ${email} was allowed`);
}

/** Signs up and confirms with the fixed code, as an app does; PostConfirmation runs inside ConfirmSignUp. */
async function confirmedUser(label: string, extra: Record<string, string> = {}): Promise<User> {
  const email = uniqueEmail(label);
  const { UserSub: sub } = await signUp(email, extra);
  if (!sub) throw new Error('SignUp returned no UserSub');
  await idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: confirmationCode }));
  // ConfirmSignUp verified the address the code went to, as Cognito does (the local pool's pool-rules stand-in).
  return { email, sub, attributes: { sub, email, email_verified: 'true', given_name: 'Jane', ...extra } };
}

const signIn = (email: string, password = PASSWORD) =>
  idp.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );

// --- DynamoDB reads --------------------------------------------------------------------------------

async function profileOf(sub: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: table('profiles'), Key: { sub }, ConsistentRead: true }));
  return Item;
}

/** The attempts row pre authentication counts under, for a user name as Cognito passes it. */
async function attemptsOf(userName: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(
    new GetCommand({
      TableName: table('signInAttempts'),
      Key: { id: attemptKey(userPoolId, userName) },
      ConsistentRead: true,
    }),
  );
  return Item;
}

const auditOf = (sub: string) => auditRecordsOf(db, sub);

async function notificationOf(id: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(
    new GetCommand({ TableName: table('notifications'), Key: { id }, ConsistentRead: true }),
  );
  return Item;
}

// --- Mail ------------------------------------------------------------------------------------------

/**
 * The mail to `address` whose subject matches, once some has arrived (up to ~3 s; the triggers send
 * synchronously, so it is normally there at once). Returns what is there in any case.
 */
async function mailFor(address: string, subject: RegExp): Promise<StoredEmail[]> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const mail = (await mailTo(address)).filter((message) => subject.test(message.subject));
    if (mail.length > 0 || Date.now() > deadline) return mail;
    await sleep(100);
  }
}

// --- Events Cognito would send, through the Lambda endpoint -----------------------------------------

/**
 * buildEvent merges overrides into a sample key by key, so userAttributes would keep the sample's extra
 * attributes; the user's own attributes replace them wholesale here.
 */
function forUser<E extends { request: { userAttributes: Record<string, string> } }>(
  event: E,
  attributes: Record<string, string>,
): E {
  event.request.userAttributes = { ...attributes };
  return event;
}

const common = (userName: string) => ({
  region: 'us-east-1',
  userPoolId,
  userName,
  callerContext: { clientId },
});

const postConfirmationEvent = (
  user: User,
  triggerSource: 'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword',
) =>
  forUser(buildEvent('PostConfirmation', { triggerSource, ...common(user.sub) }), {
    ...user.attributes,
    'cognito:user_status': 'CONFIRMED',
  });

const preAuthentication = (userName: string, attributes: Record<string, string>, userNotFound = false) =>
  invokeFunction(
    'pre-authentication',
    forUser(
      buildEvent('PreAuthentication', { ...common(userName), request: { userNotFound, validationData: {} } }),
      attributes,
    ),
  );

const postAuthentication = (user: User, attributes: Record<string, string>, newDeviceUsed: boolean) =>
  invokeFunction(
    'post-authentication',
    forUser(buildEvent('PostAuthentication', { ...common(user.sub), request: { newDeviceUsed } }), attributes),
  );

function expectAllowed(result: InvokeResult): void {
  expect(result.functionError).toBeUndefined();
  expect(result.payload).toMatchObject({ response: {} });
}

function expectRefused(result: InvokeResult): void {
  expect(result.functionError).toBe('Unhandled');
  expect(result.payload).toMatchObject({ errorMessage: SIGN_IN_REFUSED_MESSAGE });
}

// ---------------------------------------------------------------------------------------------------
// Flows
// ---------------------------------------------------------------------------------------------------

describe('sign-up and the pre sign-up policy', () => {
  it('lets an ordinary address sign up, unconfirmed', async () => {
    const result = await signUp(uniqueEmail('ordinary'));
    expect(result.UserConfirmed).toBe(false);
    expect(result.UserSub).toMatch(/^[0-9a-f-]{36}$/u);
  });

  it('refuses a disposable address with the user-safe message', async () => {
    const error = await signUpError(uniqueEmail('throwaway', 'mailinator.com'));
    expect(error.name).toBe('UserLambdaValidationException');
    expect(error.message).toBe(`pre-signup failed with error ${DENIAL_MESSAGES['disposable-domain']}.`);
  });

  it('refuses the denied domain with the user-safe message', async () => {
    const error = await signUpError(uniqueEmail('someone', 'denied.example'));
    expect(error.name).toBe('UserLambdaValidationException');
    expect(error.message).toBe(`pre-signup failed with error ${DENIAL_MESSAGES['domain-denied']}.`);
  });
});

describe('confirmation: profile and welcome e-mail', () => {
  it('creates the profile and sends one English welcome', async () => {
    const before = Date.now();
    const user = await confirmedUser('welcome');

    const profile = await profileOf(user.sub);
    expect(profile).toEqual({
      sub: user.sub,
      userPoolId,
      clientId,
      attributes: { email: user.email, email_verified: 'true', given_name: 'Jane' },
      createdAt: expect.any(String),
    });
    const createdAt = Date.parse(String(profile?.createdAt));
    expect(createdAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(createdAt).toBeLessThanOrEqual(Date.now() + 1_000);

    const mail = await mailFor(user.email, /./u);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ from: MAIL_FROM, subject: `Welcome to ${APP_NAME}` });
    expect(mail[0]?.body.text).toContain('Hello Jane,');
    expect(mail[0]?.body.text).toContain(`Your ${APP_NAME} account is ready.`);
    expect(mail[0]?.body.html).toContain('<p>Hello Jane,</p>');

    expect(await notificationOf(`${user.sub}#welcome`)).toMatchObject({
      status: 'sent',
      kind: 'welcome',
      locale: 'en',
      sub: user.sub,
    });
  });

  it('welcomes a user whose locale is de in German', async () => {
    const user = await confirmedUser('willkommen', { locale: 'de' });

    expect((await profileOf(user.sub))?.attributes).toEqual({
      email: user.email,
      email_verified: 'true',
      given_name: 'Jane',
      locale: 'de',
    });
    const mail = await mailFor(user.email, /./u);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.subject).toBe(`Willkommen bei ${APP_NAME}`);
    expect(mail[0]?.body.text).toContain('Hallo Jane,');
  });
});

describe('a confirmation Cognito delivers again', () => {
  it('keeps one profile and one welcome', async () => {
    const user = await confirmedUser('again');
    const first = await profileOf(user.sub);
    expect(first).toBeDefined();
    expect(await mailFor(user.email, /^Welcome/u)).toHaveLength(1);

    for (let i = 0; i < 2; i++) {
      expectAllowed(
        await invokeFunction('post-confirmation', postConfirmationEvent(user, 'PostConfirmation_ConfirmSignUp')),
      );
    }

    // One row per sub by the table's key; the row is the first one, not overwritten.
    expect(await profileOf(user.sub)).toEqual(first);
    expect(await mailTo(user.email)).toHaveLength(1);
    expect(await notificationOf(`${user.sub}#welcome`)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

describe('sign-in', () => {
  it('issues tokens, audits the sign-in, records it on the profile and resets the attempts', async () => {
    const user = await confirmedUser('signin');
    // Cognito calls pre authentication before the password check; cognito-local cannot, so the test
    // does, leaving a counted attempt for the successful sign-in to reset.
    expectAllowed(await preAuthentication(user.sub, user.attributes));
    expect(await attemptsOf(user.sub)).toMatchObject({ attempts: 1 });

    const before = Date.now();
    const auth = await signIn(user.email);
    expect(auth.AuthenticationResult?.AccessToken).toBeTruthy();
    expect(auth.AuthenticationResult?.IdToken).toBeTruthy();
    expect(auth.AuthenticationResult?.RefreshToken).toBeTruthy();

    const audit = await auditOf(user.sub);
    expect(audit).toHaveLength(1);
    const record = audit[0] ?? {};
    expect(record).toMatchObject({
      sub: user.sub,
      userPoolId,
      clientId,
      newDeviceUsed: false,
      triggerSource: 'PostAuthentication_Authentication',
    });
    // One row per sign-in: its time, then what a retry of it repeats (client, device flag).
    expect(record.sk).toBe(`${String(record.at)}#${clientId}#false`);
    expect(record.requestId).toEqual(expect.any(String));
    expect(record.expiresAt).toEqual(expect.any(Number));
    expect(Number(record.expiresAt)).toBeGreaterThan(Date.now() / 1000);
    expect(Object.keys(record).sort()).toEqual(
      ['at', 'clientId', 'expiresAt', 'newDeviceUsed', 'requestId', 'sk', 'sub', 'triggerSource', 'userPoolId'].sort(),
    );
    const serialized = JSON.stringify(record);
    expect(serialized).not.toContain(PASSWORD);
    expect(serialized).not.toContain(user.email);
    expect(serialized).not.toContain(String(auth.AuthenticationResult?.AccessToken));

    const profile = await profileOf(user.sub);
    expect(profile?.lastSignInAt).toBe(record.at);
    expect(Date.parse(String(profile?.lastSignInAt))).toBeGreaterThanOrEqual(before - 1_000);

    expect(await attemptsOf(user.sub)).toBeUndefined();
  });
});

/*
 * These tests invoke pre-authentication through the Lambda endpoint with the
 * PreAuthentication_Authentication event Cognito would send before each password check (userName = the
 * user name as Cognito passes it, here the sub), to control the timing; the local pool calls it too, before
 * password sign-ins (local-cloud/user-existence.ts; test/e2e/user-existence.test.ts).
 */
describe('lock-out after too many attempts without a success', () => {
  it('refuses the attempt after the limit, allows again after the lock, and a sign-in resets the count', async () => {
    const user = await confirmedUser('lockout');

    for (let i = 1; i <= MAX_ATTEMPTS; i++) expectAllowed(await preAuthentication(user.sub, user.attributes));
    expectRefused(await preAuthentication(user.sub, user.attributes));

    const locked = await attemptsOf(user.sub);
    expect(locked).toMatchObject({ attempts: MAX_ATTEMPTS + 1, lockedUntil: expect.any(Number) });
    const lockedUntil = Number(locked?.lockedUntil);
    expect(lockedUntil - Date.now()).toBeLessThanOrEqual(2_000);
    // Still locked: another attempt is refused the same way.
    expectRefused(await preAuthentication(user.sub, user.attributes));

    // The 2-second lock (LOCKOUT_SECONDS=2) runs out.
    await sleep(Math.max(0, lockedUntil - Date.now()) + 200);
    expectAllowed(await preAuthentication(user.sub, user.attributes));
    const restarted = await attemptsOf(user.sub);
    expect(restarted).toMatchObject({ attempts: 1 });
    expect(restarted).not.toHaveProperty('lockedUntil');

    // A real sign-in through cognito-local calls post-authentication, which resets the counter.
    await signIn(user.email);
    expect(await attemptsOf(user.sub)).toBeUndefined();
  });

  it('treats a user name that does not exist exactly like an existing one', async () => {
    const userName = uniqueEmail('Nobody');
    for (let i = 1; i <= MAX_ATTEMPTS; i++) expectAllowed(await preAuthentication(userName, {}, true));
    expectRefused(await preAuthentication(userName, {}, true));
    // Counted under the lower-cased name, as an existing user's attempts are.
    expect(await attemptsOf(userName)).toMatchObject({ attempts: MAX_ATTEMPTS + 1, lockedUntil: expect.any(Number) });
  });

  it('refuses a blocked account with the same message', async () => {
    const user = await confirmedUser('blocked');
    expectAllowed(await preAuthentication(user.sub, user.attributes));

    await db.send(
      new UpdateCommand({
        TableName: table('profiles'),
        Key: { sub: user.sub },
        UpdateExpression: 'SET blocked = :true',
        ConditionExpression: 'attribute_exists(#sub)',
        ExpressionAttributeNames: { '#sub': 'sub' },
        ExpressionAttributeValues: { ':true': true },
      }),
    );
    expectRefused(await preAuthentication(user.sub, user.attributes));
  });

  it('refuses a blocked account at its first attempt, where an unknown name goes on to the password check', async () => {
    const user = await confirmedUser('blocked-first');
    await db.send(
      new UpdateCommand({
        TableName: table('profiles'),
        Key: { sub: user.sub },
        UpdateExpression: 'SET blocked = :true',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
    expectRefused(await preAuthentication(user.sub, user.attributes));
    // Cognito then answers an unknown name with "Incorrect username or password", until it is locked.
    expectAllowed(await preAuthentication(uniqueEmail('nobody-first'), {}, true));
  });
});

describe('new-device notice', () => {
  it('sends one "New sign-in" e-mail to a verified address; a retry neither mails nor audits twice', async () => {
    const user = await confirmedUser('device');
    const attributes = { ...user.attributes, email_verified: 'true' };

    expectAllowed(await postAuthentication(user, attributes, true));
    const notices = await mailFor(user.email, /^New sign-in/u);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.subject).toBe(`New sign-in to your ${APP_NAME} account`);
    expect(notices[0]?.body.text).toContain('Your account was signed in to from a new device at ');

    // Cognito delivers the same event again (a new Lambda request id, seconds later, wherever the clock
    // stands). The handler sends before it answers: a second message would be in the mailbox by now.
    expectAllowed(await postAuthentication(user, attributes, true));
    expect((await mailTo(user.email)).filter((mail) => mail.subject.startsWith('New sign-in'))).toHaveLength(1);
    // One audit row, with the device flag.
    expect((await auditOf(user.sub)).map((record) => record.newDeviceUsed)).toEqual([true]);
  });
});

describe('password reset confirmed', () => {
  it('sends a "password was changed" e-mail and leaves the profile alone', async () => {
    const user = await confirmedUser('reset');
    const before = await profileOf(user.sub);
    expect(before?.createdAt).toEqual(expect.any(String));

    expectAllowed(
      await invokeFunction('post-confirmation', postConfirmationEvent(user, 'PostConfirmation_ConfirmForgotPassword')),
    );

    const changed = await mailFor(user.email, /password was changed/u);
    expect(changed).toHaveLength(1);
    expect(changed[0]?.subject).toBe(`Your ${APP_NAME} password was changed`);
    expect(changed[0]?.body.text).toContain('The password of your account was just changed.');
    expect(await profileOf(user.sub)).toEqual(before);
    // Only the welcome besides it.
    expect((await mailTo(user.email)).map((mail) => mail.subject).sort()).toEqual(
      [`Welcome to ${APP_NAME}`, `Your ${APP_NAME} password was changed`].sort(),
    );
  });

  it('sends one notice for a confirmation Cognito delivers again', async () => {
    const user = await confirmedUser('reset-again');
    const event = postConfirmationEvent(user, 'PostConfirmation_ConfirmForgotPassword');
    for (let i = 0; i < 3; i++) expectAllowed(await invokeFunction('post-confirmation', event));

    expect(await mailFor(user.email, /password was changed/u)).toHaveLength(1);
    expect((await mailTo(user.email)).filter((mail) => /password was changed/u.test(mail.subject))).toHaveLength(1);
  });

  it('does the same when the reset goes through cognito-local (ForgotPassword, ConfirmForgotPassword)', async () => {
    const user = await confirmedUser('forgot');
    const before = await profileOf(user.sub);

    await idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: user.email }));
    await idp.send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: user.email,
        ConfirmationCode: confirmationCode,
        Password: NEW_PASSWORD,
      }),
    );

    expect(await mailFor(user.email, /password was changed/u)).toHaveLength(1);
    expect(await profileOf(user.sub)).toEqual(before);
    const auth = await signIn(user.email, NEW_PASSWORD);
    expect(auth.AuthenticationResult?.AccessToken).toBeTruthy();
  });
});
