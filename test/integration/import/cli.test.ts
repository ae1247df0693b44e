/** `npm run import` against the test stack's DynamoDB Local and cognito-local: the directory read back, exit codes. */
import { GetCommand, QueryCommand, UpdateCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bcrypt } from 'hash-wasm';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamoDbClientFor } from '../../../local-cloud/index.ts';
import { badRows, SAMPLE_PASSWORDS, sampleEmail, sampleUsername, writeSample } from '../../../scripts/import-sample.ts';
import { defaultCsvHeader } from '../../../shared/import/columns.ts';
import { readCognitoImportFile } from '../../helpers/cognito-import-file.ts';
import { hashFormatOf } from '../../../shared/passwords/formats.ts';
import { stack, tableName } from '../../helpers/stack.ts';
import { STACK_FILE_VARIABLE } from '../../setup/stack-file.ts';
import { runCli } from './cli-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
const sample = join(dir, 'users.generated.csv');
const db = DynamoDBDocumentClient.from(dynamoDbClientFor(stack.dynamodb.endpoint));
const USERS = 40;
const BAD = badRows('').length;

beforeAll(async () => {
  await writeSample(sample, USERS);
}, 120_000);
afterAll(() => db.destroy());

describe('npm run import', () => {
  it('loads the legacy directory of the stack file, writes the Cognito file, and reports rejects', async () => {
    const out = join(dir, 'out-stack');
    const run = await runCli([sample, '--stack-file', process.env[STACK_FILE_VARIABLE] ?? '', '--out', out]);
    expect(run.status).toBe(0);
    // cognito-local has no GetCSVHeader: the configured header is used, and the run says so.
    expect(run.stderr).toContain('GetCSVHeader unavailable');
    expect(run.stdout).toContain(`${USERS + BAD} rows read, ${USERS} accepted, ${BAD} rejected`);

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      rowsRead: USERS + BAD,
      accepted: USERS,
      directoryItemsWritten: USERS,
      filesWritten: 1,
      dryRun: false,
    });

    const table = tableName('legacyUsers');
    // User 0 is spelled in capitals by the export; the key is the normalised name.
    const { Item } = await db.send(new GetCommand({ TableName: table, Key: { username: sampleUsername(0) } }));
    expect(Item).toMatchObject({
      username: sampleUsername(0),
      usernameAsGiven: sampleUsername(0).toUpperCase(),
      email: sampleEmail(0),
      mfaEnabled: false,
      attributes: { email: sampleEmail(0), email_verified: 'true', given_name: 'Ada', phone_number: '+15550000000' },
    });
    expect(hashFormatOf(Item?.passwordHash as string)?.algorithm).toBe('bcrypt');
    expect(Object.keys(SAMPLE_PASSWORDS)).toContain('bcrypt-2a');

    const byEmail = await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'EmailIndex',
        KeyConditionExpression: 'email = :e',
        ExpressionAttributeValues: { ':e': sampleEmail(9) },
      }),
    );
    // User 9 has no hash: it is in the directory without one, and will reset its password.
    expect(byEmail.Items).toHaveLength(1);
    expect(byEmail.Items?.[0]).not.toHaveProperty('passwordHash');

    const rejects = readFileSync(join(out, 'rejects.csv'), 'utf8').trim().split('\n');
    expect(rejects[0]).toBe('line,column,reason,username');
    expect(rejects).toHaveLength(BAD + 1);
    expect(readFileSync(join(out, 'rejects.csv'), 'utf8')).not.toMatch(/\$2[aby]\$|\$argon2/);
    expect(
      rejects.filter((line) => /^\d+,password_hash,hash-unverifiable,bad\.hash-version$/u.test(line)),
    ).toHaveLength(1);
    // Each kind of value Cognito's format cannot hold is refused with its own reason.
    for (const reason of [
      'value-line-break',
      'value-backslash',
      'value-quote',
      'birthdate-invalid',
      'updated-at-invalid',
    ])
      expect([reason, rejects.filter((line) => line.includes(`,${reason},`))]).toEqual([reason, [expect.any(String)]]);

    // The Cognito file, read as Cognito reads it (not csv-parse): no failing line, every user, the
    // values as meant (commas, converted dates and times).
    const cognitoFile = readFileSync(join(out, 'cognito-import-0001.csv'), 'utf8');
    expect(cognitoFile.split('\n')[0]).toMatch(/,cognito:mfa_enabled,cognito:username$/);
    const read = readCognitoImportFile(cognitoFile, defaultCsvHeader());
    expect(read.failures).toEqual([]);
    expect(read.users).toHaveLength(USERS);
    const byName = new Map(read.users.map((user) => [user.values['cognito:username']?.toLowerCase(), user.values]));
    expect(byName.get(sampleUsername(0))).toMatchObject({
      address: '0 Main Street, Springfield, IL',
      birthdate: '01/01/1950',
      updated_at: '1600000000',
      email_verified: 'TRUE',
      'cognito:mfa_enabled': 'FALSE',
    });
    expect(byName.get(sampleUsername(1))).toMatchObject({ birthdate: '02/02/1951', updated_at: '1600000001' });
    expect(byName.get(sampleUsername(2))).toMatchObject({ birthdate: '', updated_at: '1600000002' });
    expect(byName.get(sampleUsername(6))).toMatchObject({
      family_name: "O'Brien, Jr.",
      name: "José O'Brien, Jr.",
      birthdate: '07/07/1956',
    });
  }, 120_000);

  it('reads another export through a mapping file (dry run: no directory)', async () => {
    const input = join(dir, 'other.csv');
    writeFileSync(input, 'Login,Mail,Mail OK,Hash\r\nota,ota@example.com,Yes,\r\n"al ice",alice@example.com,no,\r\n');
    const mapping = join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({ Login: 'username', Mail: 'email', 'Mail OK': 'email_verified', Hash: 'password_hash' }),
    );
    const out = join(dir, 'out-mapping');
    const run = await runCli([input, '--mapping', mapping, '--dry-run', '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('dry run: 2 rows read, 1 accepted, 1 rejected');
    // "al ice" is no valid user name, so rejects.csv leaves the cell empty (issue 18).
    expect(readFileSync(join(out, 'rejects.csv'), 'utf8')).toBe(
      'line,column,reason,username\n3,username,username-invalid,\n',
    );
  }, 60_000);

  it('exits 1 with one line for a file that cannot be read, is not CSV or lacks a required column', async () => {
    const out = join(dir, 'out-errors');
    const missing = await runCli([join(dir, 'nope.csv'), '--dry-run', '--out', out]);
    expect(missing).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `error: cannot read ${join(dir, 'nope.csv')}: ENOENT\n`,
    });

    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'username,email\n"unterminated,x\n');
    const notCsv = await runCli([broken, '--dry-run', '--out', join(dir, 'out-broken')]);
    expect(notCsv.status).toBe(1);
    expect(notCsv.stderr).toMatch(/^error: .*broken\.csv is not CSV: .*\n$/);

    const lacking = join(dir, 'lacking.csv');
    writeFileSync(lacking, 'login,email\nota,ota@example.com\n');
    const noColumn = await runCli([lacking, '--dry-run', '--out', join(dir, 'out-lacking')]);
    expect(noColumn).toMatchObject({
      status: 1,
      stderr: `error: ${lacking}: the header lacks the required column username\n`,
    });
  }, 90_000);

  it('leaves no checkpoint when it refuses before writing a row, so the corrected rerun needs no --resume', async () => {
    const out = join(dir, 'out-corrected');
    const input = join(dir, 'corrected.csv');
    writeFileSync(input, 'login,email\nota,ota@example.com\n');
    const refused = await runCli([input, '--dry-run', '--out', out]);
    expect(refused.status).toBe(1);
    expect(existsSync(join(out, 'checkpoint.json'))).toBe(false);

    // A directory that refuses the first batch: nothing was loaded, so nothing to resume either.
    writeFileSync(input, 'username,email,email_verified\nota,ota@example.com,true\n');
    const noTable = await runCli([input, '--table', 'no-such-table', '--out', out]);
    expect(noTable.status).toBe(1);
    expect(noTable.stderr).not.toContain('--resume');
    expect(existsSync(join(out, 'checkpoint.json'))).toBe(false);

    const rerun = await runCli([input, '--dry-run', '--out', out]);
    expect(rerun).toMatchObject({ status: 0 });
    expect(rerun.stdout).toContain('dry run: 1 rows read, 1 accepted, 0 rejected');
  }, 90_000);

  it('re-importing an export leaves the row of a user who has already migrated alone, and counts it', async () => {
    // Names of their own, so a rerun against the same DynamoDB Local starts from a clean slate.
    const run = randomBytes(4).toString('hex');
    const [migrated, fresh] = [`migrated.${run}`, `fresh.${run}`];
    const hash = await bcrypt({ password: 'Legacy-42', salt: randomBytes(16), costFactor: 4, outputType: 'encoded' });
    const input = join(dir, `reimport-${run}.csv`);
    writeFileSync(
      input,
      `username,password_hash,email,email_verified\n${migrated},${hash},${migrated}@example.com,true\n${fresh},${hash},${fresh}@example.com,true\n`,
    );
    const stackFile = process.env[STACK_FILE_VARIABLE] ?? '';
    const first = await runCli([input, '--stack-file', stackFile, '--out', join(dir, `reimport-${run}-1`)]);
    expect(first.status).toBe(0);

    // What migrate-user does after a successful sign-in (shared/stores/legacy-users.ts markMigrated).
    const table = tableName('legacyUsers');
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { username: migrated },
        UpdateExpression: 'SET migratedAt = :at, expiresAt = :expires',
        ExpressionAttributeValues: { ':at': '2026-12-04T22:00:00.000Z', ':expires': expiresAt },
      }),
    );

    const outAgain = join(dir, `reimport-${run}-2`);
    const again = await runCli([input, '--stack-file', stackFile, '--out', outAgain]);
    expect(again.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(outAgain, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ accepted: 2, directoryItemsWritten: 1, directoryAlreadyMigrated: 1 });
    expect(again.stdout).toContain('already migrated: 1');

    // The migrated row keeps its migration and its expiry: the hash still goes when the TTL runs out.
    const { Item } = await db.send(new GetCommand({ TableName: table, Key: { username: migrated } }));
    expect(Item).toMatchObject({ migratedAt: '2026-12-04T22:00:00.000Z', expiresAt });
    const { Item: other } = await db.send(new GetCommand({ TableName: table, Key: { username: fresh } }));
    expect(other?.migratedAt).toBeUndefined();
    expect(other?.passwordHash).toBe(hash);
  }, 90_000);

  it('exits 2 for usage errors', async () => {
    const none = await runCli([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^error: name the CSV file to import\nusage: npm run import/);

    const unknown = await runCli([sample, '--colour', 'blue']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--colour'");

    const both = await runCli([sample, '--table', 't', '--stack-file', 'x.json']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--stack-file and --table exclude each other');

    const noTable = await runCli([sample, '--out', join(dir, 'out-none')], { LEGACY_USERS_TABLE: undefined });
    expect(noTable.status).toBe(2);
    expect(noTable.stderr).toContain('name the legacy directory');

    const badMfa = await runCli([sample, '--dry-run', '--mfa', 'sometimes']);
    expect(badMfa.status).toBe(2);
    expect(badMfa.stderr).toContain('mfa must be OFF, OPTIONAL or ON');
  }, 90_000);
});
