/**
 * `npm start`: the local stack on 127.0.0.1 (DynamoDB Local, SES, a Lambda endpoint serving the built
 * handlers, cognito-local with every trigger it can call), seeded with demo data; endpoints printed and
 * written to .local/stack.json; runs until Ctrl-C.
 *
 *   npm start [-- --no-seed] [--stack-file <path>] [--env KEY=VALUE ...] [--log-file <path>] [--metrics-file <path>]
 *
 * Handler logs go to .local/stack.log (or --log-file); the outcome counts of their metrics to
 * .local/metrics.json (or --metrics-file; beside another stack file, <name>.metrics.json), printed on
 * Enter and when the stack stops. The test set-up runs this same program.
 */
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './build.ts';
import { jwksUriOf } from '../local-cloud/issuer.ts';
import {
  cognitoClientFor,
  DEMO_USER,
  seedTables,
  seedUserPool,
  startLocalStack,
  type StackFile,
} from '../local-cloud/index.ts';
import { metricsFileFor, metricsTally } from '../local-cloud/metrics-tally.ts';
import { claimStackFile, StackInUseError } from '../local-cloud/stack-lock.ts';

const DEFAULT_STACK_FILE = join(ROOT, '.local', 'stack.json');
const { values } = parseArgs({
  options: {
    'no-seed': { type: 'boolean', default: false },
    'stack-file': { type: 'string', default: DEFAULT_STACK_FILE },
    'log-file': { type: 'string', default: join(ROOT, '.local', 'stack.log') },
    'metrics-file': { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
  },
});

const environment = Object.fromEntries(
  (values.env ?? []).map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--env takes KEY=VALUE, got ${pair}`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  }),
);

const stackFile = values['stack-file'] ?? DEFAULT_STACK_FILE;
// Before anything starts: a second stack on the same file refuses instead of taking the file over.
mkdirSync(dirname(stackFile), { recursive: true });
let release: () => void;
try {
  release = claimStackFile(stackFile);
} catch (error) {
  if (!(error instanceof StackInUseError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
}
process.on('exit', () => release());

// The handlers run in this process; their JSON logs and metrics go to the log file, not the terminal.
const logFile = values['log-file'] ?? join(ROOT, '.local', 'stack.log');
mkdirSync(dirname(logFile), { recursive: true });
const log = createWriteStream(logFile, { flags: 'a' });
const print = (line: string) => process.stderr.write(`${line}\n`);
const metricsFile = values['metrics-file'] ?? metricsFileFor(stackFile, DEFAULT_STACK_FILE);
const tally = metricsTally(metricsFile);
tally.flush();
process.stdout.write = ((chunk: string | Uint8Array) => {
  tally.write(chunk);
  return log.write(chunk);
}) as typeof process.stdout.write;
const printMetrics = () => print(`outcome counts (as the dashboard shows them; ${metricsFile}):\n${tally.table()}`);

const stack = await startLocalStack({ environment });
if (!values['no-seed']) {
  await seedTables(stack.dynamodb.endpoint, stack.tables);
  await seedUserPool(cognitoClientFor(stack.cognitoEndpoint), stack.cognito.userPoolId);
}

const info: StackFile = {
  cognito: {
    endpoint: stack.cognitoEndpoint,
    userPoolId: stack.cognito.userPoolId,
    clientId: stack.cognito.clientId,
    confirmationCode: stack.cognito.confirmationCode,
    emailSendingAccount: stack.emailSendingAccount,
    issuer: stack.issuer,
    jwksUri: jwksUriOf(stack.issuer),
  },
  dynamodb: { endpoint: stack.dynamodb.endpoint },
  ses: { endpoint: stack.ses.endpoint },
  lambda: { endpoint: stack.lambda.endpoint },
  tables: stack.tables,
  s3: { endpoint: stack.s3.endpoint, bucket: stack.s3.bucket },
  ...(stack.console ? { console: stack.console } : {}),
  passwordRange: { endpoint: stack.passwordRange.endpoint },
  sfn: { endpoint: stack.sfn.endpoint, stateMachineArn: stack.sfn.stateMachineArn },
};
mkdirSync(dirname(stackFile), { recursive: true });
writeFileSync(stackFile, `${JSON.stringify(info, null, 2)}\n`);

print('cognito-triggers local stack is up');
if (info.console)
  print(`  Console   ${info.console.url}  (every trigger, message and sign-in, live; "Try it" drives the pool)`);
print(
  `  Cognito   ${info.cognito.endpoint}  pool ${info.cognito.userPoolId}  client ${info.cognito.clientId}  code ${info.cognito.confirmationCode}`,
);
print(
  `            e-mail sending account ${stack.emailSendingAccount}` +
    (stack.emailSendingAccount === 'DEVELOPER'
      ? ' (custom messages carry our e-mail)'
      : ' (custom messages: SMS only)'),
);
print(`  DynamoDB  ${info.dynamodb.endpoint}  tables ${Object.values(info.tables).join(', ')}`);
print(`  SES       ${info.ses.endpoint}  (mail: GET ${info.ses.endpoint}/store)`);
print(`  Lambda    ${info.lambda.endpoint}`);
print(`  S3        ${info.s3.endpoint}  bucket ${info.s3.bucket} (a CSV put under imports/ is imported to results/)`);
print(`  Pwned Passwords ${info.passwordRange?.endpoint}  (asked when MIGRATION_BREACHED_PASSWORD_CHECK is on)`);
if (!values['no-seed']) print(`  Demo user ${DEMO_USER.email} / ${DEMO_USER.password}`);
print(`  Written to ${stackFile}; handler logs in ${logFile}; outcome counts in ${metricsFile}.`);
print(process.stdin.isTTY ? '  Enter prints the outcome counts; Ctrl-C stops.' : '  Ctrl-C stops.');
// The dashboard's counts on demand (a line typed on the terminal), never in the way of the stack's own output.
if (process.stdin.isTTY) process.stdin.on('data', printMetrics);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  print('stopping...');
  // Each server's stop is bounded; this bounds the whole. On exit the guards stop what is left anyway.
  setTimeout(() => process.exit(1), 20_000).unref();
  await stack.stop();
  tally.flush();
  printMetrics();
  // A stack file that outlives its servers would send scripts to dead ports.
  rmSync(stackFile, { force: true });
  log.end();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGHUP', () => void stop());
// npm forwards SIGINT and SIGTERM (its start script execs node, so no shell sits between); should npm
// itself die without forwarding (kill -9), this process is handed to another parent: stop then too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop();
}, 1_000).unref();
