/**
 * The whole local stack: DynamoDB Local with the suite's tables, an SES server, a Lambda Invoke endpoint
 * serving the built handlers, and cognito-local with a pool whose triggers point at that endpoint.
 * `npm start` runs it for people; the Jest set-up runs it for the integration and end-to-end tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { triggerOfFunction } from '../shared/events/index.ts';
import type { TriggerHandler } from '../shared/runtime/index.ts';
import { TABLE_VARIABLES, type TableKey } from '../shared/stores/table-names.ts';
import { importS3Client } from '../shared/aws/s3.ts';
import { lazy } from '../shared/lazy.ts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildFunctions, DIST, functionNames, jobFunctionNames, ROOT } from '../scripts/build.ts';
import { cognitoClientFor, type CognitoTrigger, type LocalCognito } from './cognito.ts';
import {
  dynamoDbClientFor,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
  type LocalDynamoDb,
} from './dynamodb.ts';
import { startLambdaServer, type LocalFunction, type LocalLambda } from './lambda-server.ts';
import { startLinkShim } from './link-shim.ts';
import { messageLogger } from './message-log.ts';
import { cognitoDelivery, watchMessageSources } from './console/message-sources.ts';
import { createConsoleRecorder } from './console/recorder.ts';
import { consoleSignInUrl, startConsole, type LocalConsole } from './console/server.ts';
import { startPoolRules } from './pool-rules.ts';
import { LOCAL_PASSWORD_POLICY } from './cognito.ts';
import { startCognitoWithEmailAccount } from './message-account.ts';
import { EMAIL_SENDING_ACCOUNTS, type EmailSendingAccount } from '../shared/events/definition.ts';
import { LOCAL_PASSWORDLESS_ENVIRONMENT, startCustomAuth, type CustomAuthOptions } from './custom-auth.ts';
import { startTokenGeneration } from './token-generation.ts';
import { localIssuer } from './issuer.ts';
import { startUserExistence, type OperationCall } from './user-existence.ts';
import { freePort, LOCALHOST } from './ports.ts';
import { DEFAULT_USER_POOL_ID } from './cognito.ts';
import { startSesLocal, type LocalSes } from './ses.ts';
import { startPasswordRange, type LocalPasswordRange } from './password-range.ts';
import { startS3Local, type LocalS3 } from './s3.ts';
import { invokeThrough, startLocalSfn, type LocalSfn } from './sfn.ts';
import { createTables, loadTableDefinitions } from './tables.ts';

/** Table names of the local stage, keyed as in serverless.yml's custom.tables. */
export function localTableNames(stage = 'local'): Record<string, string> {
  const service = 'cognito-triggers';
  return {
    profiles: `${service}-${stage}-profiles`,
    signInAttempts: `${service}-${stage}-sign-in-attempts`,
    audit: `${service}-${stage}-audit`,
    notifications: `${service}-${stage}-notifications`,
    legacyUsers: `${service}-${stage}-legacy-users`,
    entitlements: `${service}-${stage}-entitlements`,
    authChallenges: `${service}-${stage}-auth-challenges`,
  };
}

/** The environment variables naming the tables, as serverless.yml sets them in Lambda. */
export function tableEnvironment(names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(TABLE_VARIABLES).map(([key, variable]) => [variable, names[key] ?? '']));
}

/** What the handlers need besides endpoints and tables, wherever they run locally. */
export const LOCAL_MAIL_ENVIRONMENT = {
  MAIL_FROM: 'no-reply@cognito-triggers.local',
  APP_NAME: 'Cognito Triggers (local)',
} as const;

/** Starts DynamoDB Local and creates the tables of infra/tables.yml in it. */
export async function startDatabase(names: Record<string, string>): Promise<LocalDynamoDb> {
  const dynamodb = await startDynamoDbLocal();
  try {
    await createTables(dynamodb.endpoint, loadTableDefinitions(join(ROOT, 'infra', 'tables.yml'), names));
    return dynamodb;
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
}

/**
 * The triggers cognito-local calls; it does not call pre authentication or inbound federation. Pre token
 * generation it would call with a V1 event and apply in part, so the token-generation stand-in calls it
 * instead (token-generation.ts).
 */
const CALLED_BY_COGNITO_LOCAL: ReadonlySet<string> = new Set<CognitoTrigger>([
  'PreSignUp',
  'PostConfirmation',
  'PostAuthentication',
  'UserMigration',
  'CustomMessage',
]);

/** The local pool's PreTokenGenerationConfig LambdaVersion: V1_0, whose string claims the e2e tests read. */
export const LOCAL_PRE_TOKEN_VERSION = '1';

/** The triggers the CUSTOM_AUTH stand-in calls (custom-auth.ts). */
const CUSTOM_AUTH_TRIGGERS: ReadonlySet<string> = new Set([
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
  'PreTokenGeneration',
  'PostAuthentication',
]);

/** What `.local/stack.json` holds: the endpoints and ids a script or test needs to reach the stack. */
export interface StackFile {
  cognito: {
    endpoint: string;
    userPoolId: string;
    clientId: string;
    confirmationCode: string;
    /** The pool's EmailSendingAccount (and the custom message function's). */
    emailSendingAccount?: EmailSendingAccount;
    /** Every local token's `iss`: `<endpoint>/<userPoolId>`, as Cognito's issuer ends in the pool id. */
    issuer?: string;
    /** The issuer's keys, `<issuer>/.well-known/jwks.json`. */
    jwksUri?: string;
  };
  dynamodb: { endpoint: string };
  ses: { endpoint: string };
  lambda: { endpoint: string };
  tables: Record<string, string>;
  /** The deployed import's bucket: a CSV put under imports/ is imported by batch-import. */
  s3: { endpoint: string; bucket: string };
  /** The local console's page (console/server.ts): invocations, timeline, messages, "Try it". */
  console?: { url: string };
  /** The Pwned Passwords range API stand-in migrate-user's breached-password check asks (password-range.ts). */
  passwordRange?: { endpoint: string };
  /** The import state machine's local endpoint (StartExecution, GetExecutionHistory, ...). */
  sfn: { endpoint: string; stateMachineArn: string };
}

/** A command's usage error: its message is printed as is and the command exits 2. */
export class UsageError extends Error {}

/**
 * For a command's `--stack-file`: points this process's SDK clients at the running local stack the file
 * describes and returns the stack and the name of its `table`.
 */
export function useStackFile(file: string, table: TableKey): { stack: StackFile; tableName: string } {
  let stack: Partial<StackFile>;
  try {
    stack = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackFile>;
  } catch {
    throw new UsageError(`cannot read the stack file ${file} (is npm start running?)`);
  }
  if (!stack.dynamodb?.endpoint || !stack.cognito?.endpoint || !stack.ses?.endpoint)
    throw new UsageError(`${file} is not a stack file written by npm start`);
  Object.assign(process.env, clientEnvironment(stack as StackFile));
  const tableName = stack.tables?.[table];
  if (!tableName) throw new UsageError(`${file} names no ${table} table`);
  return { stack: stack as StackFile, tableName };
}

/** The environment that points a script's SDK clients at a running local stack, as an app would be. */
export function clientEnvironment(
  stack: Record<'dynamodb' | 'ses' | 'cognito', { endpoint: string }>,
): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamodb.endpoint,
    AWS_ENDPOINT_URL_SES: stack.ses.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.cognito.endpoint,
  };
}

export interface StackOptions {
  /** Extra environment for the handlers (they run in this process). */
  environment?: Record<string, string>;
  /** Where the messages cognito-local would send (codes, custom messages) are written. */
  messageLog?: string;
  /** Serve the local console (console/server.ts); on by default. */
  console?: boolean;
}

/** The default of StackOptions.messageLog, which docs/local-stack.md names. */
export const COGNITO_MESSAGE_LOG = join(ROOT, '.local', 'cognito-messages.log');

/**
 * The local pool's e-mail sending account, and so the custom message function's setting: one value for
 * both, as serverless.yml derives both from `mailFrom`. DEVELOPER by default, since the local stack
 * has a FROM address and an SES, as a deployed stack with `mailFrom` set; `npm start -- --env
 * MESSAGES_EMAIL_SENDING_ACCOUNT=COGNITO_DEFAULT` gives a pool that sends with Cognito's own e-mail.
 */
export function localEmailSendingAccount(environment: Record<string, string | undefined>): EmailSendingAccount {
  const wanted = environment.MESSAGES_EMAIL_SENDING_ACCOUNT ?? 'DEVELOPER';
  const account = EMAIL_SENDING_ACCOUNTS.find((known) => known === wanted);
  if (!account)
    throw new UsageError(`MESSAGES_EMAIL_SENDING_ACCOUNT: expected one of ${EMAIL_SENDING_ACCOUNTS.join(', ')}`);
  return account;
}

export interface LocalStack {
  cognito: LocalCognito;
  /** The pool's EmailSendingAccount, which the custom message function is configured with too. */
  emailSendingAccount: EmailSendingAccount;
  /** What clients should talk to: the outermost stand-in (user-existence.ts), in front of the others. */
  cognitoEndpoint: string;
  /** The `iss` of every local token, served with its JWKS at cognitoEndpoint (issuer.ts). */
  issuer: string;
  dynamodb: LocalDynamoDb;
  ses: LocalSes;
  lambda: LocalLambda;
  tables: Record<string, string>;
  s3: LocalS3;
  sfn: LocalSfn;
  /** The local console's page, when it runs. */
  console?: { url: string };
  passwordRange: LocalPasswordRange;
  stop(): Promise<void>;
}

/** The import state machine's name locally, and the functions its definition's substitutions name. */
export const LOCAL_IMPORT_STATE_MACHINE = `arn:aws:states:${LOCAL_REGION}:000000000000:stateMachine:cognito-triggers-local-import`;
const IMPORT_SUBSTITUTIONS = { ImportBatchFunctionArn: 'import-batch', ImportAssembleFunctionArn: 'import-assemble' };

/** Handlers are the built bundles, imported on first use, exactly as Lambda would load them. */
function builtHandler(name: string): LocalFunction {
  return {
    load: async () => {
      const module = (await import(pathToFileURL(join(DIST, name, 'index.js')).href)) as { handler: TriggerHandler };
      return module.handler;
    },
  };
}

export async function startLocalStack(options: StackOptions = {}): Promise<LocalStack> {
  const names = functionNames();
  const jobs = jobFunctionNames();
  await buildFunctions([...names, ...jobs]);
  const tables = localTableNames();
  const emailSendingAccount = localEmailSendingAccount({ ...process.env, ...options.environment });
  const stopping: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
  };
  // What the console shows is recorded from the start; its port is chosen first, since the magic-link
  // allow-list names its sign-in page.
  const recorder = options.console === false ? undefined : createConsoleRecorder(DEFAULT_USER_POOL_ID);
  const consolePort = recorder ? await freePort() : undefined;
  try {
    const [dynamodb, ses] = await Promise.all([startDatabase(tables), startSesLocal()]);
    stopping.push(dynamodb.stop, ses.stop);
    const passwordRange = await startPasswordRange();
    stopping.push(passwordRange.stop);
    const lambda = await startLambdaServer(
      Object.fromEntries([...names, ...jobs].map((name) => [name, builtHandler(name)])),
      recorder ? { onInvocation: (invocation) => recorder.invocation(invocation) } : {},
    );
    stopping.push(lambda.stop);
    const s3 = await startS3Local({ deliverTo: { lambdaEndpoint: lambda.endpoint, functionName: 'batch-import' } });
    stopping.push(s3.stop);
    const sfn = await startLocalSfn({
      stateMachineArn: LOCAL_IMPORT_STATE_MACHINE,
      substitutions: IMPORT_SUBSTITUTIONS,
      s3: () => importS3Client(),
      invoke: invokeThrough(lambda.endpoint),
      onExecutionEnd: (execution) => {
        if (execution.status !== 'SUCCEEDED')
          process.stderr.write(`import execution ${execution.name} failed: ${execution.result?.error ?? ''}\n`);
      },
    });
    stopping.push(sfn.stop);
    const triggers = Object.fromEntries(
      names.flatMap((name) => {
        const trigger = triggerOfFunction(name);
        return trigger && CALLED_BY_COGNITO_LOCAL.has(trigger) ? [[trigger, name]] : [];
      }),
    );
    // Clients call the outermost stand-in, whose endpoint is the tokens' issuer: its port is chosen
    // first, so that cognito-local and the CUSTOM_AUTH stand-in write that issuer into their tokens.
    const frontPort = await freePort();
    const frontEndpoint = `http://${LOCALHOST}:${frontPort}`;
    const issuer = localIssuer(frontEndpoint, DEFAULT_USER_POOL_ID);
    // Password policy, verified attributes, migrated users' sub, ForgotPassword's migration: as Cognito
    // (pool-rules.ts), on both of cognito-local's sides, outside the message-account stand-in.
    let poolBehind = { endpoint: '', userPoolId: '' };
    const rules = await startPoolRules({
      passwordPolicy: LOCAL_PASSWORD_POLICY,
      lambdaEndpoint: lambda.endpoint,
      migrationFunction: triggers.UserMigration,
      upstream: () => poolBehind,
    });
    stopping.push(rules.stop);
    // cognito-local calls the functions, and is called, through the stand-in that answers custom
    // messages as Cognito does for the pool's e-mail account (message-account.ts).
    const pool = await startCognitoWithEmailAccount({
      issuerDomain: new URL(frontEndpoint).origin,
      lambdaEndpoint: rules.endpoint,
      triggers,
      email: { account: emailSendingAccount, from: LOCAL_MAIL_ENVIRONMENT.MAIL_FROM },
      onOutput: messageLogger(
        options.messageLog ?? COGNITO_MESSAGE_LOG,
        undefined,
        recorder && ((message) => cognitoDelivery(recorder, message)),
      ),
    });
    stopping.push(pool.stop);
    const { cognito } = pool;
    poolBehind = { endpoint: pool.endpoint, userPoolId: cognito.userPoolId };
    const shim = await startLinkShim(rules.endpoint);
    stopping.push(shim.stop);
    // Password and refresh sign-ins get their groups, roles and whole pre token answer here.
    const tokenGeneration = await startTokenGeneration({
      upstream: shim.endpoint,
      userPoolId: cognito.userPoolId,
      lambdaEndpoint: lambda.endpoint,
      functionName: names.find((name) => triggerOfFunction(name) === 'PreTokenGeneration'),
      eventVersion: LOCAL_PRE_TOKEN_VERSION,
    });
    stopping.push(tokenGeneration.stop);
    // cognito-local has no CUSTOM_AUTH: the stand-in answers it in front of the shim (custom-auth.ts).
    const customAuthFunctions: CustomAuthOptions['functions'] = Object.fromEntries(
      names.flatMap((name) => {
        const trigger = triggerOfFunction(name);
        return trigger && CUSTOM_AUTH_TRIGGERS.has(trigger) ? [[trigger, name]] : [];
      }),
    );
    const customAuth = await startCustomAuth({
      upstream: tokenGeneration.endpoint,
      issuerEndpoint: frontEndpoint,
      userPoolId: cognito.userPoolId,
      lambdaEndpoint: lambda.endpoint,
      functions: customAuthFunctions,
      preTokenVersion: LOCAL_PRE_TOKEN_VERSION,
    });
    stopping.push(customAuth.stop);
    // Outermost: answers as Cognito does with PreventUserExistenceErrors ENABLED, calls pre
    // authentication, serves the issuer's JWKS (user-existence.ts).
    const userExistence = await startUserExistence({
      upstream: customAuth.endpoint,
      userPoolId: cognito.userPoolId,
      issuer,
      lambdaEndpoint: lambda.endpoint,
      preAuthentication: names.find((name) => triggerOfFunction(name) === 'PreAuthentication'),
      userMigration: 'UserMigration' in triggers,
      port: frontPort,
      ...(recorder ? { onOperation: (call: OperationCall) => recorder.operation(call) } : {}),
    });
    stopping.push(userExistence.stop);

    const smsOutbox = join(ROOT, '.local', 'outbox');
    const environment: Record<string, string> = {
      ...clientEnvironment({ dynamodb, ses, cognito: { endpoint: userExistence.endpoint } }),
      ...tableEnvironment(tables),
      ...LOCAL_MAIL_ENVIRONMENT,
      ...LOCAL_PASSWORDLESS_ENVIRONMENT,
      ...(consolePort === undefined
        ? {}
        : {
            MAGIC_LINK_REDIRECT_URLS: `${LOCAL_PASSWORDLESS_ENVIRONMENT.MAGIC_LINK_REDIRECT_URLS},${consoleSignInUrl(consolePort)}`,
          }),
      MESSAGES_EMAIL_SENDING_ACCOUNT: emailSendingAccount,
      // No local KMS or SNS: the custom senders decrypt with the local keyring, SMS go to the outbox.
      CODE_KEYRING: 'local',
      SMS_OUTBOX_DIR: smsOutbox,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      IMPORT_STATE_MACHINE_ARN: LOCAL_IMPORT_STATE_MACHINE,
      IMPORT_USER_POOL_ID: cognito.userPoolId,
      // Never the real API from here: the check, when on (MIGRATION_BREACHED_PASSWORD_CHECK), asks the stand-in.
      MIGRATION_BREACHED_PASSWORD_URL: passwordRange.endpoint,
      ...options.environment,
    };
    Object.assign(process.env, environment);

    let localConsole: LocalConsole | undefined;
    if (recorder) {
      const sources = watchMessageSources(recorder, { sesEndpoint: ses.endpoint, smsOutbox });
      stopping.push(async () => sources.stop());
      localConsole = await startConsole({
        recorder,
        idp: cognitoClientFor(userExistence.endpoint),
        clientId: cognito.clientId,
        port: consolePort,
        users: {
          idp: cognitoClientFor(pool.endpoint),
          userPoolId: cognito.userPoolId,
          db: lazy(() => DynamoDBDocumentClient.from(dynamoDbClientFor(dynamodb.endpoint))),
          tables: { legacyUsers: tables.legacyUsers ?? '', entitlements: tables.entitlements ?? '' },
        },
        imports: { s3: lazy(() => importS3Client()), bucket: s3.bucket },
      });
      stopping.push(localConsole.stop);
    }

    return {
      cognito,
      emailSendingAccount,
      cognitoEndpoint: userExistence.endpoint,
      issuer,
      dynamodb,
      ses,
      lambda,
      tables,
      s3,
      sfn,
      ...(localConsole ? { console: { url: localConsole.url } } : {}),
      passwordRange,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
