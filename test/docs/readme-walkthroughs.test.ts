/**
 * The documentation's walkthroughs run as written. Every fenced block that README or a docs/ page marks
 * with `<!-- walkthrough: <name>[; prints: <text>] -->` on the line before it runs here, in the order of
 * WALKTHROUGH_PAGES (README's order before the pages were split out of it),
 * against a fresh local stack (`npm start`'s own program): shell blocks with bash and the AWS CLI, after
 * the block named `environment` (the exports README asks for once per terminal); JavaScript blocks with
 * node from the repository (the SDK in node_modules). A block passes when it exits 0 and, where the
 * marker says so, its output holds the text: a walkthrough that stops working fails the build.
 *
 * The blocks read the stack's endpoints the way README tells a person to (`jq` on `.local/stack.json`,
 * or the JSON read in node); the one change made to their text is that path, to this stack's file.
 * The stack is this file's own rather than the global set-up's: the walkthroughs sign the demo user in
 * and read "the last mail to them", which the e2e tests count on the shared stack at the same time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/build.ts';
import { markdownFiles } from '../../scripts/docs/markdown.ts';
import { PACKAGING_TEST_TIMEOUT_MS, withServerlessLockAsync } from '../helpers/serverless-package.ts';

interface Walkthrough {
  name: string;
  language: 'sh' | 'js';
  code: string;
  /** Text the block's output must hold, when the marker names one. */
  prints?: string;
}

const MARKER = /^<!-- walkthrough: ([a-z0-9-]+)(?:; prints: (.+?))? -->$/u;

/** The marked blocks of a markdown text, in order; a marker not followed by a sh or js fence is an error. */
function walkthroughs(markdown: string): Walkthrough[] {
  const lines = markdown.split('\n');
  const found: Walkthrough[] = [];
  lines.forEach((line, index) => {
    const marker = MARKER.exec(line.trim());
    if (!marker?.[1]) {
      if (line.trim().startsWith('<!-- walkthrough'))
        throw new Error(`line ${index + 1}: malformed walkthrough marker: ${line}`);
      return;
    }
    // The fence follows the marker, after at most the blank line prettier puts between them.
    const fenceAt = lines[index + 1]?.trim() === '' ? index + 2 : index + 1;
    const fence = /^```(sh|js)$/u.exec(lines[fenceAt] ?? '');
    if (!fence?.[1]) throw new Error(`line ${index + 1}: walkthrough ${marker[1]} is not followed by a sh or js block`);
    const end = lines.indexOf('```', fenceAt + 1);
    if (end < 0) throw new Error(`line ${index + 1}: walkthrough ${marker[1]}'s block is not closed`);
    found.push({
      name: marker[1],
      language: fence[1] as 'sh' | 'js',
      code: lines.slice(fenceAt + 1, end).join('\n'),
      ...(marker[2] ? { prints: marker[2] } : {}),
    });
  });
  return found;
}

/** The files holding walkthroughs, in the order they run: the environment and sign-up come first. */
const WALKTHROUGH_PAGES = [
  'README.md',
  'docs/local-stack.md',
  'docs/migrate-user.md',
  'docs/messages.md',
  'docs/passwordless.md',
];

const README_STACK_FILE = '.local/stack.json';
const blocks = WALKTHROUGH_PAGES.flatMap((page) => walkthroughs(readFileSync(join(ROOT, page), 'utf8')));
const environmentBlock = blocks.find((block) => block.name === 'environment');
const runnable = blocks.filter((block) => block !== environmentBlock);

const work = mkdtempSync(join(tmpdir(), 'cognito-triggers-readme-'));
const stackFile = join(work, 'stack.json');
let stackProcess: ChildProcess | undefined;

/**
 * A person's shell: their PATH, home and locale, no settings of this process (other test files in this
 * worker set AWS endpoints, table names and outboxes in process.env, which `npm run invoke` would take).
 */
const PERSONAL =
  /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LC_[A-Z]+|TERM|TMPDIR|TZ|PYENV_[A-Z_]+|AWS_CA_BUNDLE|SSL_CERT_FILE|SSL_CERT_DIR|NODE_EXTRA_CA_CERTS|REQUESTS_CA_BUNDLE)$/u;
function shellEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => PERSONAL.test(key)));
  // serverless invoke local finds the running stack by this name (docs/messages.md).
  env.STACK_FILE = stackFile;
  return env;
}

function run(command: string, args: string[], input?: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: shellEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, output }));
    child.stdin.end(input ?? '');
  });
}

/** A shell block that runs the serverless CLI, which takes the packaging lock (helpers/serverless-package.ts). */
const usesServerless = (block: Walkthrough) => block.language === 'sh' && /\bserverless\b/u.test(block.code);

/** Runs a block as README tells a person to, in a shell that ran the environment block first. */
function runWalkthrough(block: Walkthrough) {
  const code = block.code.replaceAll(README_STACK_FILE, stackFile);
  const environment = environmentBlock?.code ?? '';
  // The framework keeps state in the repository's .serverless: one run of it at a time across the suite.
  if (usesServerless(block))
    return withServerlessLockAsync(() => run('bash', ['-c', `set -euo pipefail\n${environment}\n${code}`]));
  if (block.language === 'sh') return run('bash', ['-c', `set -euo pipefail\n${environment}\n${code}`]);
  return run('bash', ['-c', `set -euo pipefail\n${environment}\nnode --input-type=module`], code);
}

beforeAll(async () => {
  // The same program as npm start (package.json), on a stack file of its own.
  const child = spawn(
    process.execPath,
    [
      '--no-warnings',
      '--import',
      'tsx',
      join(ROOT, 'scripts', 'start.ts'),
      '--stack-file',
      stackFile,
      '--log-file',
      join(ROOT, '.local', 'readme-stack.log'),
    ],
    // Started as a person starts it: leaked settings (an outbox, say) would change what the handlers do.
    { cwd: ROOT, env: shellEnvironment(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  stackProcess = child;
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const startedAt = Date.now();
  while (!existsSync(stackFile)) {
    const code = await Promise.race([
      exited,
      new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 200)),
    ]);
    if (code !== 'waiting') throw new Error(`the local stack exited (${code}) before it was up:\n${output}`);
    if (Date.now() - startedAt > 150_000) throw new Error(`the local stack was not up within 150 s:\n${output}`);
  }
}, 160_000);

afterAll(async () => {
  const child = stackProcess;
  if (child && child.exitCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(work, { recursive: true, force: true });
}, 30_000);

describe('README walkthrough markers', () => {
  it('marks the walkthroughs the issue found failing, and an environment block for them', () => {
    expect(environmentBlock?.code).toMatch(/export AWS_REGION=\S+ AWS_DEFAULT_REGION=\S+/u);
    expect(runnable.map((block) => block.name)).toEqual(
      expect.arrayContaining(['sign-up', 'passwordless-code', 'magic-link', 'sms-invoke-local']),
    );
    expect(new Set(blocks.map((block) => block.name)).size).toBe(blocks.length);
  });

  it('finds every marked block: no Markdown file outside WALKTHROUGH_PAGES holds one', () => {
    const elsewhere = markdownFiles()
      .filter((file) => !WALKTHROUGH_PAGES.includes(file))
      .filter((file) => walkthroughs(readFileSync(join(ROOT, file), 'utf8')).length > 0);
    expect(elsewhere).toEqual([]);
  });

  it('reads markers strictly: a marker without its block is an error, not a skipped walkthrough', () => {
    expect(() => walkthroughs('<!-- walkthrough: lost -->\nSome prose.\n```sh\necho\n```\n')).toThrow(
      /not followed by/u,
    );
    expect(() => walkthroughs('<!-- walkthrough: lost -->\n\n\n```sh\necho\n```\n')).toThrow(/not followed by/u);
    // Prettier's form: one blank line between the marker and its fence.
    expect(walkthroughs('<!-- walkthrough: b -->\n\n```sh\necho\n```\n')).toEqual([
      { name: 'b', language: 'sh', code: 'echo' },
    ]);
    expect(() => walkthroughs('<!-- walkthrough:typo -->\n```sh\necho\n```\n')).toThrow(/malformed/u);
    expect(walkthroughs('<!-- walkthrough: a; prints: "x":1 -->\n```js\nf()\n```\n')).toEqual([
      { name: 'a', language: 'js', code: 'f()', prints: '"x":1' },
    ]);
  });
});

describe('README walkthroughs, run as written against a fresh local stack', () => {
  // In the documents' order. A block that runs serverless waits its turn for the packaging lock first,
  // behind every other packaging test file: it gets what they get (a loaded run met 180 s in the queue).
  for (const block of runnable) {
    it(
      block.name,
      async () => {
        const { status, output } = await runWalkthrough(block);
        if (status !== 0) throw new Error(`walkthrough ${block.name} exited ${status}:\n${output}`);
        if (block.prints !== undefined) expect(output).toContain(block.prints);
      },
      usesServerless(block) ? PACKAGING_TEST_TIMEOUT_MS : 180_000,
    );
  }
});
