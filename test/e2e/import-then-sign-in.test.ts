/**
 * The whole migration path as a team would run it: a legacy export (npm run import:sample's generator,
 * every hash format) goes through `npm run import --stack-file` into the legacy directory, and each
 * imported user then signs in through cognito-local (USER_PASSWORD_AUTH) with their old password: the
 * UserMigration trigger verifies it against the imported hash and Cognito creates the user.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  formatOf,
  SAMPLE_FORMATS,
  SAMPLE_PASSWORDS,
  sampleEmail,
  badRows,
  writeSample,
  type SampleFormat,
} from '../../scripts/import-sample.ts';
import { defaultCsvHeader } from '../../shared/import/columns.ts';
import { STACK_FILE_VARIABLE } from '../setup/stack-file.ts';
import { runCli } from '../integration/import/cli-helpers.ts';
import { readCognitoImportFile } from '../helpers/cognito-import-file.ts';
import { cognito, signIn, signInError, stack } from '../helpers/stack.ts';

const USERS = 20;
const { userPoolId } = stack.cognito;
const idp = cognito();
const dir = mkdtempSync(join(tmpdir(), 'import-then-sign-in-'));

afterAll(() => {
  idp.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The first sample user whose hash has each format. */
const userOf = (format: SampleFormat): number => {
  const index = Array.from({ length: USERS }, (_, i) => i).find((i) => formatOf(i) === format);
  if (index === undefined) throw new Error(`no sample user of ${format} among ${USERS}`);
  return index;
};

beforeAll(async () => {
  const file = join(dir, 'users.generated.csv');
  await writeSample(file, USERS);
  const stackFile = process.env[STACK_FILE_VARIABLE] ?? '';
  const run = await runCli([file, '--stack-file', stackFile, '--out', join(dir, 'out')]);
  if (run.status !== 0) throw new Error(`the import failed (${run.status}): ${run.stderr}`);
}, 120_000);

it('imports every good row and rejects each bad one', () => {
  const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as {
    accepted: number;
    rejected: number;
    directoryItemsWritten: number;
  };
  expect(summary).toMatchObject({ accepted: USERS, rejected: badRows('').length, directoryItemsWritten: USERS });
});

/** The Cognito import file as Cognito reads it (the guide's format), by lower-case user name. */
const cognitoFileUsers = () => {
  const read = readCognitoImportFile(
    readFileSync(join(dir, 'out', 'cognito-import-0001.csv'), 'utf8'),
    defaultCsvHeader(),
  );
  return {
    read,
    byName: new Map(read.users.map((user) => [user.values['cognito:username']?.toLowerCase(), user.values])),
  };
};

it('writes a Cognito import file Cognito reads without a failing line, every accepted user in it', () => {
  const { read } = cognitoFileUsers();
  expect(read.failures).toEqual([]);
  expect(read.users).toHaveLength(USERS);
});

it.each(SAMPLE_FORMATS)('signs a user imported with a %s hash in with the old password', async (format) => {
  const email = sampleEmail(userOf(format));
  const result = await signIn(idp, email, SAMPLE_PASSWORDS[format]);
  expect(result.AuthenticationResult?.IdToken).toEqual(expect.any(String));

  const user = await idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
  expect(user.UserStatus).toBe('CONFIRMED');
  const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
  expect(attributes).toMatchObject({ email, given_name: expect.any(String), family_name: expect.any(String) });

  // The user Cognito's import would create holds what migration gave it: commas and all, the same
  // dates and times (the file's birthdate in Cognito's mm/dd/yyyy form).
  const inFile = cognitoFileUsers().byName.get(email.replace('@example.com', ''));
  for (const name of ['given_name', 'family_name', 'name', 'address', 'locale', 'updated_at'])
    expect([name, inFile?.[name] ?? '']).toEqual([name, attributes[name] ?? '']);
  const [year, month, day] = (attributes.birthdate ?? '').split('-');
  expect(inFile?.birthdate).toBe(attributes.birthdate ? `${month}/${day}/${year}` : '');
});

it('answers a wrong password for an imported user exactly as it answers an unknown user', async () => {
  const imported = sampleEmail(userOf('argon2id') + SAMPLE_FORMATS.length);
  const wrong = await signInError(idp, imported, 'Not-The-Password-1');
  const unknown = await signInError(idp, 'nobody.imported@example.com', 'Not-The-Password-1');
  expect(wrong).toEqual(unknown);
});
