/** `npm run invoke`: the contract of design section 2, run as a person runs it. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.cwd();

function invoke(...args: string[]) {
  // Without AWS endpoints: the command must bring its own local servers.
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_ENDPOINT_URL')) delete env[key];
  const run = spawnSync(
    process.execPath,
    ['--no-warnings', '--import', 'tsx', join(ROOT, 'scripts', 'invoke.ts'), ...args],
    {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 110_000,
    },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run invoke', () => {
  it('prints the response of a sample event as JSON and exits 0', () => {
    const run = invoke('pre-signup', 'events/pre-signup/PreSignUp_SignUp.json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      triggerSource: 'PreSignUp_SignUp',
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    });
  });

  it('prints a one-line error for a malformed event and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'invoke-'));
    const file = join(dir, 'bad.json');
    const event = JSON.parse(readFileSync(join(ROOT, 'events/pre-signup/PreSignUp_SignUp.json'), 'utf8'));
    event.request.userAttributes.email = 42;
    writeFileSync(file, JSON.stringify(event));
    const run = invoke('pre-signup', file);
    rmSync(dir, { recursive: true, force: true });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'error: invalid PreSignUp event: request.userAttributes.email: expected string, got number\n',
    );
  });

  it('refuses an unknown function and an unreadable file in one line', () => {
    expect(invoke('no-such-function', 'x.json')).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/^error: unknown function no-such-function .*\n$/u),
    });
    expect(invoke('pre-signup', 'missing.json')).toMatchObject({
      status: 1,
      stderr: 'error: cannot read ' + join(ROOT, 'missing.json') + '\n',
    });
  });

  it('writes the e-mail a function would send to .local/outbox/ as JSON', () => {
    const outbox = join(ROOT, '.local', 'outbox');
    mkdirSync(outbox, { recursive: true });
    const before = new Set(readdirSync(outbox));
    const run = invoke('post-confirmation', 'events/post-confirmation/PostConfirmation_ConfirmSignUp.json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const written = readdirSync(outbox).filter((name) => !before.has(name));
    expect(written).toHaveLength(1);
    const mail = JSON.parse(readFileSync(join(outbox, written[0] ?? ''), 'utf8'));
    expect(Object.keys(mail).sort()).toEqual(['from', 'html', 'subject', 'text', 'to']);
    expect(mail).toMatchObject({ to: 'jane.doe@example.com', subject: expect.stringContaining('Welcome') });
  });

  it.each([
    ['pre-authentication', 'PreAuthentication_Authentication', {}],
    ['post-authentication', 'PostAuthentication_Authentication', {}],
    ['post-confirmation', 'PostConfirmation_ConfirmForgotPassword', {}],
    ['inbound-federation', 'InboundFederation_ExternalProvider', { userAttributesToMap: {} }],
  ])('runs %s with its sample %s against the embedded defaults', (fn, source, response) => {
    const run = invoke(fn, `events/${fn}/${source}.json`);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ triggerSource: source, response });
  });

  // The embedded directory holds the demo legacy user of the samples (local-cloud/demo-data.ts).
  it.each([
    ['UserMigration_Authentication', 'CONFIRMED'],
    ['UserMigration_ForgotPassword', null],
  ])('migrates the demo legacy user with the sample %s', (source, finalUserStatus) => {
    const run = invoke('migrate-user', `events/migrate-user/${source}.json`);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      triggerSource: source,
      response: {
        userAttributes: { email: 'jane.doe@example.com', email_verified: 'true', given_name: 'Jane' },
        finalUserStatus,
        messageAction: 'SUPPRESS',
      },
    });
    expect(result.response.userAttributes.sub).toBeUndefined();
  });

  // The deployed import's job functions on their samples (scripts/job-events.ts), with a local S3
  // holding the sample export: three rows, one rejected for its user name.
  it.each([
    [
      'batch-import',
      'batch-import/ObjectCreated_Put',
      [{ outcome: 'imported', summary: { rowsRead: 3, accepted: 2, rejected: 1, mode: 'function' } }],
    ],
    ['import-batch', 'import-batch/PlanRanges', { ranges: 1, rows: 3 }],
    ['import-batch', 'import-batch/ProcessRange', { first: 0, rows: 3, candidates: 2, rejected: 1 }],
    ['import-assemble', 'import-assemble/ExecutionInput', { rowsRead: 3, accepted: 2, rejected: 1 }],
  ])(
    'runs the job function %s on its sample %s',
    (fn, sample, expected) => {
      const run = invoke(fn, `events/${sample}.json`);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject(expected);
    },
    120_000,
  );

  it('refuses a job event that is not one, in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'invoke-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ step: 'batch', bucket: 'b' }));
    const run = invoke('import-batch', file);
    rmSync(dir, { recursive: true, force: true });
    expect(run).toMatchObject({
      status: 1,
      stdout: '',
      stderr: expect.stringMatching(/^error: invalid import-batch event: not an import step/u),
    });
  });

  it('refuses a wrong password of the demo legacy user with Cognito’s words, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'invoke-'));
    const file = join(dir, 'wrong.json');
    const event = JSON.parse(readFileSync(join(ROOT, 'events/migrate-user/UserMigration_Authentication.json'), 'utf8'));
    event.request.password = 'Not-The-Password-1';
    writeFileSync(file, JSON.stringify(event));
    const run = invoke('migrate-user', file);
    rmSync(dir, { recursive: true, force: true });
    expect(run).toMatchObject({ status: 1, stdout: '', stderr: 'error: Incorrect username or password\n' });
  });
});
