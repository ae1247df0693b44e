/**
 * cognito-local with one user pool and one app client whose ids we choose, and its triggers pointed at
 * a Lambda endpoint (normally startLambdaServer's).
 *
 * cognito-local reads everything from `.cognito/` in its working directory: config.json, and in db/
 * one `<poolId>.json` per pool plus clients.json. We write them into a fresh temporary directory, so
 * each start begins with no users. See /tmp/research/cognito-local.md for the verified details.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EmailSendingAccount } from '../shared/events/definition.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb.ts';
import { freePort, httpOk, LOCALHOST } from './ports.ts';
import { startProcess, waitUntilReady } from './processes.ts';

/** The triggers cognito-local can call (it also knows CustomEmailSender, which needs KMS). */
export type CognitoTrigger =
  'PreSignUp' | 'PostConfirmation' | 'PostAuthentication' | 'PreTokenGeneration' | 'UserMigration' | 'CustomMessage';

export interface CognitoOptions {
  /** The Lambda endpoint cognito-local invokes triggers at. */
  lambdaEndpoint: string;
  /** Trigger → the function name sent to the Lambda endpoint. */
  triggers: Partial<Record<CognitoTrigger, string>>;
  port?: number;
  userPoolId?: string;
  clientId?: string;
  /** Every confirmation code, OTP and generated temporary password (cognito-local's CODE). */
  confirmationCode?: string;
  timeoutMs?: number;
  /** Receives each line cognito-local logs. */
  onOutput?: (line: string) => void;
  /**
   * The origin cognito-local writes into its tokens' `iss` (before the pool id): the endpoint clients
   * call, issuer.ts. Default: its own.
   */
  issuerDomain?: string;
  /**
   * The pool's e-mail sending account and, for DEVELOPER, its SES FROM address (poolEmailConfiguration).
   * Default: COGNITO_DEFAULT, as a pool created without EmailConfiguration.
   */
  email?: PoolEmail;
}

export interface PoolEmail {
  account: EmailSendingAccount;
  from?: string;
}

/**
 * The pool's EmailConfiguration, as infra/cognito.existing-false.yml sets it: with SES (DEVELOPER), the
 * identity and FROM address; otherwise Cognito's own. cognito-local only stores and describes it (the
 * message-account stand-in applies what it means to custom messages).
 */
export function poolEmailConfiguration(email: PoolEmail = { account: 'COGNITO_DEFAULT' }): Record<string, string> {
  if (email.account !== 'DEVELOPER') return { EmailSendingAccount: 'COGNITO_DEFAULT' };
  const from = email.from ?? 'no-reply@cognito-triggers.local';
  return {
    EmailSendingAccount: 'DEVELOPER',
    SourceArn: `arn:aws:ses:${LOCAL_REGION}:000000000000:identity/${from}`,
    From: from,
  };
}

export interface LocalCognito {
  endpoint: string;
  port: number;
  userPoolId: string;
  clientId: string;
  confirmationCode: string;
  dataDir: string;
  startMs: number;
  stop(): Promise<void>;
}

/** Pool ids look like AWS's `<region>_<id>`; cognito-local accepts any string and uses `local_` for the ones it makes. */
export const DEFAULT_USER_POOL_ID = 'local_CognitoTriggers';
/** 26 lowercase letters and digits, as Cognito's client ids (cognito-local's own are 25). */
export const DEFAULT_CLIENT_ID = 'localcognitotriggers000001';
export const DEFAULT_CONFIRMATION_CODE = '123456';

/** Custom attributes of the local pool (`custom:` + name). */
export const CUSTOM_ATTRIBUTES = ['tenant', 'plan'] as const;

/** The local pool's password policy; the pool-rules stand-in holds passwords to it, as Cognito does. */
export const LOCAL_PASSWORD_POLICY = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: false,
  TemporaryPasswordValidityDays: 7,
} as const;

function attribute(name: string, type: 'String' | 'Boolean' | 'Number', mutable = true, required = false) {
  return {
    Name: name,
    AttributeDataType: type,
    Mutable: mutable,
    Required: required,
    ...(type === 'String' ? { StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' } } : {}),
  };
}

/**
 * The pool file: email is the username and is verified by code. cognito-local uses `Options` as is
 * (no defaults merged in), and checks attribute updates against SchemaAttributes, so every attribute
 * a test may update is listed.
 */
export function userPoolFile(userPoolId: string, email?: PoolEmail) {
  return {
    Users: {},
    Options: {
      Id: userPoolId,
      Name: 'cognito-triggers-local',
      Arn: `arn:aws:cognito-idp:${LOCAL_REGION}:000000000000:userpool/${userPoolId}`,
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      MfaConfiguration: 'OFF',
      Policies: { PasswordPolicy: LOCAL_PASSWORD_POLICY },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      EmailConfiguration: poolEmailConfiguration(email),
      SchemaAttributes: [
        attribute('sub', 'String', false, true),
        attribute('email', 'String', true, true),
        attribute('email_verified', 'Boolean'),
        attribute('name', 'String'),
        attribute('given_name', 'String'),
        attribute('family_name', 'String'),
        attribute('locale', 'String'),
        attribute('phone_number', 'String'),
        attribute('phone_number_verified', 'Boolean'),
        attribute('preferred_username', 'String'),
        attribute('updated_at', 'Number'),
        ...CUSTOM_ATTRIBUTES.map((name) => attribute(`custom:${name}`, 'String')),
      ],
    },
  };
}

export function clientsFile(userPoolId: string, clientId: string) {
  return {
    Clients: {
      [clientId]: {
        ClientId: clientId,
        ClientName: 'cognito-triggers-local',
        UserPoolId: userPoolId,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_CUSTOM_AUTH'],
        // As production clients should; cognito-local ignores it, the user-existence stand-in applies it.
        PreventUserExistenceErrors: 'ENABLED',
        TokenValidityUnits: { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days' },
      },
    },
  };
}

export function cognitoConfigFile(lambdaEndpoint: string, triggers: CognitoOptions['triggers'], issuerDomain?: string) {
  return {
    LambdaClient: {
      endpoint: lambdaEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      // A retried trigger would run twice; a trigger that fails should fail the call at once.
      maxRetries: 0,
    },
    TriggerFunctions: triggers,
    // SignUp reads UsernameAttributes from here, not from the pool.
    UserPoolDefaults: { UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] },
    ...(issuerDomain ? { TokenConfig: { IssuerDomain: issuerDomain } } : {}),
  };
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** A Cognito client for a local endpoint: dummy credentials, no retries (cognito-local answers unsupported calls with a 500). */
export function cognitoClientFor(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
}

export async function startCognitoLocal(options: CognitoOptions): Promise<LocalCognito> {
  const startedAt = performance.now();
  const userPoolId = options.userPoolId ?? DEFAULT_USER_POOL_ID;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const confirmationCode = options.confirmationCode ?? DEFAULT_CONFIRMATION_CODE;
  // cognito-local keeps its pools under the working directory: a new temporary one per server.
  const dataDir = mkdtempSync(join(tmpdir(), 'cognito-local-'));

  const dbDir = join(dataDir, '.cognito', 'db');
  mkdirSync(dbDir, { recursive: true });
  writeJson(
    join(dataDir, '.cognito', 'config.json'),
    cognitoConfigFile(options.lambdaEndpoint, options.triggers, options.issuerDomain),
  );
  writeJson(join(dbDir, `${userPoolId}.json`), userPoolFile(userPoolId, options.email));
  writeJson(join(dbDir, 'clients.json'), clientsFile(userPoolId, clientId));

  const port = options.port ?? (await freePort());
  const endpoint = `http://${LOCALHOST}:${port}`;
  const startScript = join(
    dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')),
    'lib',
    'bin',
    'start.js',
  );
  const child = startProcess({
    name: `cognito-local on port ${port}`,
    command: process.execPath,
    args: [startScript],
    cwd: dataDir,
    // COLUMNS: the box it prints a message in is as wide as the message, not wrapped at 80 (message-log.ts).
    env: { ...process.env, HOST: LOCALHOST, PORT: String(port), CODE: confirmationCode, COLUMNS: '100000' },
    onOutput: options.onOutput,
  });
  // The directory goes with the server, or with this process if stop() is never called.
  const removeDataDir = () => {
    process.off('exit', removeDataDir);
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', removeDataDir);

  try {
    await waitUntilReady(child, () => httpOk(`${endpoint}/health`), {
      what: `cognito-local on ${endpoint}`,
      timeoutMs: options.timeoutMs ?? 20_000,
      intervalMs: 50,
    });
  } catch (error) {
    removeDataDir();
    throw error;
  }

  return {
    endpoint,
    port,
    userPoolId,
    clientId,
    confirmationCode,
    dataDir,
    startMs: Math.round(performance.now() - startedAt),
    async stop() {
      await child.stop();
      removeDataDir();
    },
  };
}
