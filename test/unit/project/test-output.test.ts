/**
 * A green `npm test` shows no raw JSON log lines: handlers run in the test process log through
 * Powertools straight to stdout/stderr, past jest's console capture, so test/setup/route-handler-output.ts
 * sends them to the test log (docs/testing.md: "Logs of the handlers during tests: .local/test-stack.log").
 * Runs jest on a fixture with the suite's own configuration, without the global set-up (no stack needed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TEST_LOG_VARIABLE } from '../../setup/route-handler-output.ts';

const ROOT = process.cwd();

it('routes Powertools log and EMF lines of in-process handlers to the test log, nothing else', async () => {
  const { default: config } = (await import(pathToFileURL(join(ROOT, 'jest.config.js')).href)) as {
    default: Record<string, unknown>;
  };
  const log = join(mkdtempSync(join(tmpdir(), 'test-output-')), 'test-stack.log');
  const { globalSetup: _setup, globalTeardown: _teardown, ...rest } = config;
  const fixtureConfig = { ...rest, rootDir: ROOT, testMatch: ['<rootDir>/test/unit/project/fixtures/*.fixture.ts'] };
  const run = spawnSync(
    process.execPath,
    [
      '--no-warnings=ExperimentalWarning',
      '--experimental-vm-modules',
      join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--config',
      JSON.stringify(fixtureConfig),
      '--runInBand',
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, [TEST_LOG_VARIABLE]: log }, timeout: 60_000 },
  );
  expect(run.status).toBe(0);
  const output = `${run.stdout}\n${run.stderr}`;
  expect(output).toContain('plain text stays');
  expect(output.split('\n').filter((line) => line.trim().startsWith('{'))).toEqual([]);

  expect(existsSync(log)).toBe(true);
  const routed = readFileSync(log, 'utf8');
  for (const message of ['fixture info line', 'fixture warn line', 'fixture error line', 'FixtureCount'])
    expect(routed).toContain(message);
}, 90_000);
