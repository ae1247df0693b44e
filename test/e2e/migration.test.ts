/**
 * End to end: users of a legacy directory sign in through cognito-local with their old passwords, one
 * user per hash format, computed here; the UserMigration trigger (the built migrate-user bundle behind
 * the stack's Lambda endpoint) verifies them and Cognito creates them.
 *
 * For the function's own answers in the forgot-password flow, and for repeated deliveries and lockout
 * (cognito-local turns every trigger error into one NotAuthorizedException), the test sends the event
 * Cognito would send through the same Lambda endpoint; the local pool's ForgotPassword calling the
 * trigger first is tested in test/e2e/local-pool.test.ts.
 */
import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { argon2i, argon2id, bcrypt, createSHA256, pbkdf2, scrypt } from 'hash-wasm';
import { buildEvent } from '../../shared/events/index.ts';
import { documentClient } from '../../shared/aws/dynamodb.ts';
import { phcBase64Encode } from '../../shared/passwords/encoding.ts';
import { hashFormatOf } from '../../shared/passwords/formats.ts';
import { normaliseEmail, normaliseUsername, type LegacyUserItem } from '../../shared/stores/legacy-user.ts';
import { legacyUserStore } from '../../shared/stores/legacy-users.ts';
import { INVALID_CREDENTIALS_MESSAGE, UNKNOWN_USER_RESET_MESSAGE } from '../../functions/migrate-user/answer.ts';
import { SIGN_IN_REFUSED_MESSAGE } from '../../shared/stores/lockout.ts';
import {
  cognito,
  invokeFunction,
  signIn as signInAs,
  signInError as signInErrorOf,
  stack,
  tableName,
  uniqueEmail,
  useLocalEndpoints,
} from '../helpers/stack.ts';

const { userPoolId, clientId } = stack.cognito;
const idp = cognito();

beforeAll(() => {
  useLocalEndpoints();
});
afterAll(() => idp.destroy());

const salt = () => randomBytes(16);
const adapted = { adapted: true };

/** Every hash format a legacy export may hold, made by hash-wasm at low cost. */
const FORMATS: Record<string, (password: string) => Promise<string>> = {
  'bcrypt $2a$': async (password) =>
    bcrypt({ password, salt: salt(), costFactor: 5, outputType: 'encoded' }).then((h) => `$2a$${h.slice(4)}`),
  'bcrypt $2b$': async (password) =>
    bcrypt({ password, salt: salt(), costFactor: 5, outputType: 'encoded' }).then((h) => `$2b$${h.slice(4)}`),
  'bcrypt $2y$': async (password) =>
    bcrypt({ password, salt: salt(), costFactor: 5, outputType: 'encoded' }).then((h) => `$2y$${h.slice(4)}`),
  argon2id: async (password) =>
    argon2id({
      password,
      salt: salt(),
      iterations: 2,
      parallelism: 1,
      memorySize: 1024,
      hashLength: 32,
      outputType: 'encoded',
    }),
  argon2i: async (password) =>
    argon2i({
      password,
      salt: salt(),
      iterations: 2,
      parallelism: 1,
      memorySize: 1024,
      hashLength: 32,
      outputType: 'encoded',
    }),
  'scrypt (passlib)': async (password) => {
    const s = salt();
    const digest = await scrypt({
      password,
      salt: s,
      costFactor: 1024,
      blockSize: 8,
      parallelism: 1,
      hashLength: 32,
      outputType: 'binary',
    });
    return `$scrypt$ln=10,r=8,p=1$${phcBase64Encode(s, adapted)}$${phcBase64Encode(digest, adapted)}`;
  },
  'pbkdf2-sha256 (passlib)': async (password) => {
    const s = salt();
    const digest = await pbkdf2({
      password,
      salt: s,
      iterations: 1000,
      hashLength: 32,
      hashFunction: createSHA256(),
      outputType: 'binary',
    });
    return `$pbkdf2-sha256$1000$${phcBase64Encode(s, adapted)}$${phcBase64Encode(digest, adapted)}`;
  },
  'pbkdf2_sha256 (Django)': async (password) => {
    const text = randomBytes(12).toString('hex');
    const digest = await pbkdf2({
      password,
      salt: text,
      iterations: 1000,
      hashLength: 32,
      hashFunction: createSHA256(),
      outputType: 'binary',
    });
    return `pbkdf2_sha256$1000$${text}$${Buffer.from(digest).toString('base64')}`;
  },
};

interface Legacy {
  email: string;
  password: string;
  item: LegacyUserItem;
}

async function legacyUser(
  label: string,
  hash: (password: string) => Promise<string>,
  { password = `Old-${label.replace(/\W/gu, '')}-Pass-42`, attributes = {} as Record<string, string> } = {},
): Promise<Legacy> {
  const email = uniqueEmail(label.replace(/\W/gu, '').toLowerCase());
  const item: LegacyUserItem = {
    username: normaliseUsername(`legacy-${email.split('@')[0]}`),
    usernameAsGiven: `Legacy-${email.split('@')[0]}`,
    email: normaliseEmail(email),
    attributes: {
      email,
      email_verified: 'true',
      given_name: 'Legacy',
      family_name: label,
      'custom:plan': 'gold',
      ...attributes,
    },
    passwordHash: await hash(password),
    mfaEnabled: false,
    importedAt: '2026-01-01T00:00:00.000Z',
  };
  await legacyUserStore(tableName('legacyUsers')).putAll([item]);
  return { email, password, item };
}

const signIn = (username: string, password: string) => signInAs(idp, username, password);
const signInError = (username: string, password: string) => signInErrorOf(idp, username, password);

async function legacyRow(item: LegacyUserItem): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName('legacyUsers'), Key: { username: item.username }, ConsistentRead: true }),
  );
  return Item;
}

const attributesOf = (list: Array<{ Name?: string; Value?: string }> = []) =>
  Object.fromEntries(list.map(({ Name, Value }) => [Name, Value]));

const migrationEvent = (
  userName: string,
  request:
    | { triggerSource: 'UserMigration_Authentication'; password: string }
    | { triggerSource: 'UserMigration_ForgotPassword' },
) =>
  buildEvent('UserMigration', {
    triggerSource: request.triggerSource,
    userPoolId,
    userName,
    callerContext: { clientId },
    request:
      request.triggerSource === 'UserMigration_Authentication'
        ? { password: request.password, validationData: null }
        : { validationData: null },
  });

describe('sign-in with the old password, one user per hash format', () => {
  it.each(Object.keys(FORMATS))(
    '%s: tokens come back; the user now exists, confirmed, with the mapped attributes',
    async (format) => {
      const user = await legacyUser(format, FORMATS[format]!);
      expect(hashFormatOf(user.item.passwordHash ?? '')).toBeDefined();

      const { AuthenticationResult } = await signIn(user.email, user.password);
      expect(AuthenticationResult?.AccessToken).toEqual(expect.any(String));
      expect(AuthenticationResult?.IdToken).toEqual(expect.any(String));

      const created = await idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email }));
      expect(created.UserStatus).toBe('CONFIRMED');
      expect(attributesOf(created.UserAttributes)).toMatchObject({
        email: user.email,
        email_verified: 'true',
        given_name: 'Legacy',
        family_name: format,
        'custom:plan': 'gold',
      });

      const row = await legacyRow(user.item);
      expect(row?.migratedAt).toEqual(expect.any(String));
      expect(row?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);

      // From now on Cognito signs the user in itself.
      expect((await signIn(user.email, user.password)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    },
  );
});

describe('refusals', () => {
  it('a wrong password and an unknown user get the same error, and neither is created', async () => {
    const user = await legacyUser('wrong', FORMATS['bcrypt $2b$']!);
    const unknown = uniqueEmail('nobody');
    const wrong = await signInError(user.email, 'Not-The-Password-1');
    const missing = await signInError(unknown, 'Not-The-Password-1');
    expect(wrong).toEqual(missing);
    expect(wrong.name).toBe('NotAuthorizedException');
    expect((await legacyRow(user.item))?.migratedAt).toBeUndefined();
    await expect(idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email }))).rejects.toThrow();

    // Through the Lambda endpoint, the trigger's own words are the same too.
    const [a, b] = await Promise.all([
      invokeFunction(
        'migrate-user',
        migrationEvent(user.email, { triggerSource: 'UserMigration_Authentication', password: 'Nope-Nope-42' }),
      ),
      invokeFunction(
        'migrate-user',
        migrationEvent(unknown, { triggerSource: 'UserMigration_Authentication', password: 'Nope-Nope-42' }),
      ),
    ]);
    expect(a.functionError).toBe('Unhandled');
    expect(b.functionError).toBe('Unhandled');
    expect((a.payload as { errorMessage: string }).errorMessage).toBe(INVALID_CREDENTIALS_MESSAGE);
    expect((b.payload as { errorMessage: string }).errorMessage).toBe(INVALID_CREDENTIALS_MESSAGE);
  });

  it('a right password that fails the pool policy migrates the user as RESET_REQUIRED', async () => {
    const user = await legacyUser('weak', FORMATS['pbkdf2_sha256 (Django)']!, { password: 'weakpass' });
    expect((await signInError(user.email, user.password)).name).toBe('PasswordResetRequiredException');
    const created = await idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email }));
    expect(created.UserStatus).toBe('RESET_REQUIRED');
  });

  it('locks a name after the lockout maximum of failed attempts, right password or not (test stack: 3)', async () => {
    const user = await legacyUser('locked', FORMATS['bcrypt $2b$']!);
    const attempt = (password: string) =>
      invokeFunction(
        'migrate-user',
        migrationEvent(user.email, { triggerSource: 'UserMigration_Authentication', password }),
      );
    for (let i = 0; i < 3; i++) {
      expect(((await attempt('Wrong-Password-1')).payload as { errorMessage: string }).errorMessage).toBe(
        INVALID_CREDENTIALS_MESSAGE,
      );
    }
    const locked = await attempt(user.password);
    expect((locked.payload as { errorMessage: string }).errorMessage).toBe(SIGN_IN_REFUSED_MESSAGE);
    expect((await legacyRow(user.item))?.migratedAt).toBeUndefined();
  });
});

describe('one lockout per user, whatever the spelling (issue 18)', () => {
  // The guide (user-pool-lambda-migrate-user, "Migrate user request parameters"): `userName` is "the
  // username entered by the user", so every spelling a user can type reaches the trigger as typed.
  const errorOf = (result: { payload: unknown }) => (result.payload as { errorMessage?: string }).errorMessage;
  const signInWith = (userName: string, password: string) =>
    invokeFunction(
      'migrate-user',
      migrationEvent(userName, { triggerSource: 'UserMigration_Authentication', password }),
    );

  /**
   * A legacy user whose name has an accented letter (precomposed, NFC), as an export would write it; the
   * only row with its address, so that the address finds them.
   */
  async function accentedUser(label: string, attributes: Record<string, string> = {}) {
    const email = uniqueEmail(label.replace(/\W/gu, '').toLowerCase());
    const name = `José-${email.split('@')[0]}`;
    const password = `Old-${label.replace(/\W/gu, '')}-Pass-42`;
    const item: LegacyUserItem = {
      username: normaliseUsername(name),
      usernameAsGiven: name,
      email: normaliseEmail(email),
      attributes: { email, email_verified: 'true', ...attributes },
      passwordHash: await FORMATS['bcrypt $2b$']!(password),
      mfaEnabled: false,
      importedAt: '2026-01-01T00:00:00.000Z',
    };
    await legacyUserStore(tableName('legacyUsers')).putAll([item]);
    return { email, password, item, name };
  }

  // The test stack locks for 2 s (LOCKOUT_SECONDS): each test is refused on the very attempt that goes
  // past the maximum (3), which needs no lock to last.
  it('padded, upper-case, decomposed (NFD) and e-mail spellings of a user count on one counter: the 4th attempt is locked, right password or not', async () => {
    const cases: Array<(user: { name: string; email: string }) => string[]> = [
      ({ name, email }) => [name, name.normalize('NFD'), ` ${email}`, name.toUpperCase()],
      ({ name, email }) => [email, `${name}\t`, email.toUpperCase(), name.normalize('NFD')],
    ];
    for (const spellings of cases) {
      const user = await accentedUser('spelled');
      expect(user.name.normalize('NFD')).not.toBe(user.name);
      const [a, b, c, last] = spellings(user);
      for (const spelling of [a, b, c] as string[])
        expect(errorOf(await signInWith(spelling, 'Wrong-Password-1'))).toBe(INVALID_CREDENTIALS_MESSAGE);
      expect(errorOf(await signInWith(last as string, user.password))).toBe(SIGN_IN_REFUSED_MESSAGE);
      expect((await legacyRow(user.item))?.migratedAt).toBeUndefined();
    }
  });

  it('a name typed with white space at either end is refused as an unknown name, right password or not', async () => {
    for (const pad of [
      (name: string) => ` ${name}`,
      (name: string) => `${name}\t`,
      (name: string) => `\u00a0${name}`,
    ]) {
      const user = await accentedUser('padded');
      for (const spelling of [pad(user.name), pad(user.email)]) {
        const reset = migrationEvent(spelling, { triggerSource: 'UserMigration_ForgotPassword' });
        expect(errorOf(await signInWith(spelling, user.password))).toBe(INVALID_CREDENTIALS_MESSAGE);
        expect(errorOf(await invokeFunction('migrate-user', reset))).toBe(UNKNOWN_USER_RESET_MESSAGE);
      }
      expect((await legacyRow(user.item))?.migratedAt).toBeUndefined();
    }
  });

  it('password resets count against the same lockout, and a locked reset reads as an unknown user', async () => {
    const user = await accentedUser('resets', { email_verified: 'false' });
    const reset = (name: string) =>
      invokeFunction('migrate-user', migrationEvent(name, { triggerSource: 'UserMigration_ForgotPassword' }));
    for (const name of [user.email, user.name, user.email])
      expect(errorOf(await reset(name))).toBe(UNKNOWN_USER_RESET_MESSAGE);
    expect(errorOf(await signInWith(user.name, user.password))).toBe(SIGN_IN_REFUSED_MESSAGE);
    expect((await legacyRow(user.item))?.migratedAt).toBeUndefined();

    // A locked user with a verified address is not migrated by a reset either, and reads the same.
    const verified = await accentedUser('locked-reset');
    for (let i = 0; i < 3; i++)
      expect(errorOf(await signInWith(verified.email, 'Wrong-Password-1'))).toBe(INVALID_CREDENTIALS_MESSAGE);
    expect(errorOf(await reset(verified.email))).toBe(UNKNOWN_USER_RESET_MESSAGE);
    expect((await legacyRow(verified.item))?.migratedAt).toBeUndefined();
  });
});

describe('repeated deliveries', () => {
  it('a retried sign-in event succeeds again with the same answer, and the row keeps its first mark', async () => {
    const user = await legacyUser('retry', FORMATS.argon2id!);
    const event = () =>
      migrationEvent(user.email, { triggerSource: 'UserMigration_Authentication', password: user.password });
    const first = await invokeFunction('migrate-user', event());
    const marked = await legacyRow(user.item);
    const second = await invokeFunction('migrate-user', event());
    expect(first.functionError).toBeUndefined();
    expect(second.functionError).toBeUndefined();
    expect((second.payload as { response: unknown }).response).toEqual(
      (first.payload as { response: unknown }).response,
    );
    expect((first.payload as { response: Record<string, unknown> }).response).toMatchObject({
      finalUserStatus: 'CONFIRMED',
      messageAction: 'SUPPRESS',
    });
    expect(await legacyRow(user.item)).toEqual(marked);
  });
});

describe('forgot password', () => {
  it('migrates a legacy user with a verified e-mail so that the reset code reaches them', async () => {
    const user = await legacyUser('forgot', FORMATS['scrypt (passlib)']!);
    const result = await invokeFunction(
      'migrate-user',
      migrationEvent(user.email, { triggerSource: 'UserMigration_ForgotPassword' }),
    );
    expect(result.functionError).toBeUndefined();
    const response = (result.payload as { response: { userAttributes: Record<string, string>; messageAction: string } })
      .response;
    expect(response).toMatchObject({
      messageAction: 'SUPPRESS',
      userAttributes: { email: user.email, email_verified: 'true' },
    });
    expect((await legacyRow(user.item))?.migratedAt).toEqual(expect.any(String));

    // What Cognito does with that answer: it creates the user, then sends the reset code.
    await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        MessageAction: 'SUPPRESS',
        UserAttributes: Object.entries(response.userAttributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    const { CodeDeliveryDetails } = await idp.send(
      new ForgotPasswordCommand({ ClientId: clientId, Username: user.email }),
    );
    expect(CodeDeliveryDetails).toMatchObject({
      DeliveryMedium: 'EMAIL',
      AttributeName: 'email',
      Destination: user.email,
    });
  });

  it('answers a legacy user without a verified contact exactly as an unknown user', async () => {
    const user = await legacyUser('unverified', FORMATS['bcrypt $2a$']!, { attributes: { email_verified: 'false' } });
    const [a, b] = await Promise.all([
      invokeFunction('migrate-user', migrationEvent(user.email, { triggerSource: 'UserMigration_ForgotPassword' })),
      invokeFunction(
        'migrate-user',
        migrationEvent(uniqueEmail('nobody'), { triggerSource: 'UserMigration_ForgotPassword' }),
      ),
    ]);
    expect(a.payload).toMatchObject({ errorMessage: UNKNOWN_USER_RESET_MESSAGE });
    expect(b.payload).toMatchObject({ errorMessage: UNKNOWN_USER_RESET_MESSAGE });
    expect((await legacyRow(user.item))?.migratedAt).toBeUndefined();
  });
});
