/**
 * `npm run invoke -- <function> <event.json>`: runs one handler (its built bundle, as Lambda would) on an
 * event file and prints the response JSON on stdout (exit 0), or a one-line error on stderr (exit 1).
 *
 * With no AWS endpoint configured it brings its own: an embedded DynamoDB Local with the suite's tables
 * and demo data, cognito-local with a demo user for the functions that read the user pool (and, for an
 * account-takeover notice, the user it names, with the sample user's address), and e-mail
 * captured as JSON files in .local/outbox/ instead of sent. Handler logs go to .local/invoke.log.
 *
 * The deployed import's job functions (batch-import, import-batch, import-assemble) run on their sample
 * events (scripts/job-events.ts) the same way: with no S3 endpoint configured, a local S3 holding the
 * sample export under the samples' bucket and key; import-assemble first gets what the map leaves (the
 * plan and every range, run by the import-batch bundle).
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { parseEvent, SAMPLE, triggerOfFunction } from '../shared/events/index.ts';
import { lambdaContext, redactText, type TriggerHandler } from '../shared/runtime/index.ts';
import { s3Records } from '../functions/batch-import/import-object.ts';
import { checkExecutionInput, checkStepEvent, type PlanOutcome, type RowRange } from '../shared/import/s3-map.ts';
import { buildFunctions, DIST, functionNames, jobFunctionNames, ROOT } from './build.ts';
import { SAMPLE_EXPORT, SAMPLE_KEY } from './job-events.ts';
import {
  cognitoClientFor,
  LOCAL_CREDENTIALS,
  LOCAL_MAIL_ENVIRONMENT,
  LOCAL_PASSWORDLESS_ENVIRONMENT,
  LOCAL_REGION,
  localTableNames,
  seedTables,
  seedUserPool,
  startCognitoLocal,
  startDatabase,
  startLinkShim,
  startPasswordRange,
  startS3Local,
  tableEnvironment,
} from '../local-cloud/index.ts';
import { importS3Client, getTextIfExists, putText } from '../shared/aws/s3.ts';

class InvokeError extends Error {}

/**
 * Whether the handler reads the user pool on this event, and so needs a Cognito endpoint: pre sign-up
 * always, the e-mail sender for the account-takeover notice (its address is looked up by user name).
 */
const usesCognito = (name: string, event: unknown) =>
  name === 'pre-signup' ||
  (name === 'custom-email-sender' &&
    (event as { triggerSource?: unknown }).triggerSource === 'CustomEmailSender_AccountTakeOverNotification');

/**
 * The user an account-takeover notice names, as the pool would hold them, with the sample user's
 * address. The pool signs in by e-mail, so (as in Cognito) its user names are the users' subs: the
 * event's user name is the sub (cognito-local finds a user by sub).
 */
async function seedNoticeUser(
  client: ReturnType<typeof cognitoClientFor>,
  userPoolId: string,
  event: unknown,
): Promise<void> {
  const { userName } = event as { userName?: unknown };
  if (typeof userName !== 'string') return;
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: SAMPLE.email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'sub', Value: userName },
        { Name: 'email', Value: SAMPLE.email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'given_name', Value: SAMPLE.givenName },
        { Name: 'locale', Value: SAMPLE.locale },
      ],
    }),
  );
}

function readEvent(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InvokeError(`cannot read ${file}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Node quotes the start of the text in its message, which may be anyone's address.
    throw new InvokeError(`${file} is not valid JSON: ${redactText((error as Error).message)}`);
  }
}

function endpointConfigured(env: NodeJS.ProcessEnv, service: string): boolean {
  return Boolean(env.AWS_ENDPOINT_URL || env[`AWS_ENDPOINT_URL_${service}`]);
}

type Stop = () => Promise<void>;

/** Starts what the function needs and is not configured, and sets the environment it runs with. */
async function provideLocalServices(name: string, event: unknown): Promise<Stop[]> {
  const env = process.env;
  const stops: Stop[] = [];
  const defaults: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    ...LOCAL_MAIL_ENVIRONMENT,
    ...LOCAL_PASSWORDLESS_ENVIRONMENT,
  };
  if (!endpointConfigured(env, 'DYNAMODB')) {
    const tables = localTableNames();
    const dynamodb = await startDatabase(tables);
    stops.push(dynamodb.stop);
    await seedTables(dynamodb.endpoint, tables);
    Object.assign(defaults, tableEnvironment(tables), {
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
  }
  if (!endpointConfigured(env, 'SES')) defaults.MAIL_OUTBOX_DIR = join(ROOT, '.local', 'outbox');
  // No local SNS or KMS: SMS go to the outbox too, and codes are decrypted with the local keyring.
  if (!endpointConfigured(env, 'SNS')) defaults.SMS_OUTBOX_DIR = join(ROOT, '.local', 'outbox');
  if (!endpointConfigured(env, 'KMS')) defaults.CODE_KEYRING = 'local';
  if (usesCognito(name, event) && !endpointConfigured(env, 'COGNITO_IDENTITY_PROVIDER')) {
    // No triggers: the handler under test is the only one that runs.
    // The pool takes the event's pool id, so that the handler finds the pool the event speaks of.
    const userPoolId = (event as { userPoolId?: string }).userPoolId;
    const cognito = await startCognitoLocal({ lambdaEndpoint: 'http://127.0.0.1:9', triggers: {}, userPoolId });
    stops.push(cognito.stop);
    const shim = await startLinkShim(cognito.endpoint);
    stops.push(shim.stop);
    await seedUserPool(cognitoClientFor(shim.endpoint), cognito.userPoolId);
    if (name === 'custom-email-sender')
      await seedNoticeUser(cognitoClientFor(shim.endpoint), cognito.userPoolId, event);
    Object.assign(defaults, {
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: shim.endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
  }
  if (name === 'migrate-user' && !env.MIGRATION_BREACHED_PASSWORD_URL) {
    // The breached-password check, when turned on, asks a local stand-in rather than the real API.
    const range = await startPasswordRange();
    stops.push(range.stop);
    defaults.MIGRATION_BREACHED_PASSWORD_URL = range.endpoint;
  }
  for (const [key, value] of Object.entries(defaults)) env[key] ??= value;
  return stops;
}

/** The bucket a job event names (the one the local S3 is made with). */
function jobBucket(name: string, event: unknown): string {
  try {
    if (name === 'batch-import') return s3Records(event)[0]?.bucket ?? '';
    return name === 'import-batch' ? checkStepEvent(event).bucket : checkExecutionInput(event).bucket;
  } catch (error) {
    throw new InvokeError(`invalid ${name} event: ${(error as Error).message}`);
  }
}

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

const loadHandler = async (name: string) =>
  ((await import(pathToFileURL(join(DIST, name, 'index.js')).href)) as { handler: Handler }).handler;

async function invokeJob(name: string, event: unknown): Promise<unknown> {
  const bucket = jobBucket(name, event);
  const needs = name === 'import-assemble' ? [name, 'import-batch'] : [name];
  await buildFunctions(needs);
  const stops = await provideLocalServices(name, event);
  try {
    if (!endpointConfigured(process.env, 'S3')) {
      const s3Local = await startS3Local({ bucket });
      stops.push(s3Local.stop);
      process.env.AWS_ENDPOINT_URL_S3 = s3Local.endpoint;
      const s3 = importS3Client();
      await putText(s3, bucket, SAMPLE_KEY, SAMPLE_EXPORT, 'text/csv');
      s3.destroy();
    }
    if (name === 'import-assemble') {
      // What the state machine runs before the final step: the plan, then each range.
      const input = checkExecutionInput(event);
      const batch = await loadHandler('import-batch');
      const plan = (await batch({ ...input, step: 'plan' }, lambdaContext('import-batch'))) as PlanOutcome;
      const s3 = importS3Client();
      const ranges = JSON.parse((await getTextIfExists(s3, bucket, plan.manifest)) ?? '[]') as RowRange[];
      s3.destroy();
      for (const range of ranges) await batch({ ...input, step: 'batch', range }, lambdaContext('import-batch'));
    }
    return await (
      await loadHandler(name)
    )(event, lambdaContext(name));
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

async function main(args: string[]): Promise<unknown> {
  const [name, eventFile] = args;
  if (!name || !eventFile) throw new InvokeError('usage: npm run invoke -- <function> <event.json>');
  if (jobFunctionNames().includes(name)) return invokeJob(name, readEvent(resolve(eventFile)));
  const trigger = triggerOfFunction(name);
  if (!trigger || !functionNames().includes(name)) {
    throw new InvokeError(`unknown function ${name} (have: ${[...functionNames(), ...jobFunctionNames()].join(', ')})`);
  }
  const event = readEvent(resolve(eventFile));
  try {
    parseEvent(trigger, event);
  } catch (error) {
    throw new InvokeError((error as Error).message);
  }

  await buildFunctions([name]);
  const stops = await provideLocalServices(name, event);
  try {
    const module = (await import(pathToFileURL(join(DIST, name, 'index.js')).href)) as { handler: TriggerHandler };
    return await module.handler(event, lambdaContext(name));
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

// Logs and metrics of the handler (and of the local servers) go to a file: stdout carries the response,
// stderr the one-line error.
mkdirSync(join(ROOT, '.local'), { recursive: true });
const log = createWriteStream(join(ROOT, '.local', 'invoke.log'), { flags: 'a' });
const stdout = process.stdout.write.bind(process.stdout);
const stderr = process.stderr.write.bind(process.stderr);
const toLog = ((chunk: string | Uint8Array) => log.write(chunk)) as typeof process.stdout.write;
process.stdout.write = toLog;
process.stderr.write = toLog;

main(process.argv.slice(2)).then(
  (result) => {
    stdout(`${JSON.stringify(result, null, 2)}\n`);
    log.end(() => process.exit(0));
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    stderr(`error: ${message.replace(/\s*\n\s*/gu, ' ')}\n`);
    log.end(() => process.exit(1));
  },
);
