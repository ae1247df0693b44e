/** Clients for the local stack the global set-up started, configured as an app or a script would be. */
import { randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SESClient } from '@aws-sdk/client-ses';
import { sesSender } from '../../shared/mail/sender.ts';
import {
  clientEnvironment,
  cognitoClientFor,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  recordedLinks,
  sesMessages,
} from '../../local-cloud/index.ts';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { testStack, type TestStackInfo } from '../setup/stack-file.ts';

export const stack = testStack();

/** Makes this test process's SDK clients (and the shared stores) talk to the local servers. */
export function useLocalEndpoints(): void {
  Object.assign(process.env, clientEnvironment(stack));
}

export const cognito = () => cognitoClientFor(stack.cognito.endpoint);

/** Signs a user in as an app would: InitiateAuth USER_PASSWORD_AUTH with the stack's app client. */
export const signIn = (idp: CognitoIdentityProviderClient, username: string, password: string) =>
  idp.send(
    new InitiateAuthCommand({
      ClientId: stack.cognito.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );

/** The error a call ends in (its name and message); fails the test when the call succeeds. */
export async function failure(work: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await work;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('the call succeeded');
}

/** The error a sign-in ends in; fails the test when the sign-in succeeds. */
export const signInError = (idp: CognitoIdentityProviderClient, username: string, password: string) =>
  failure(signIn(idp, username, password));

/** A confirmed native user with a verified e-mail and a permanent password; returns its user name. */
export async function createConfirmedUser(
  idp: CognitoIdentityProviderClient,
  email: string,
  password: string,
): Promise<string> {
  const created = await idp.send(
    new AdminCreateUserCommand({
      UserPoolId: stack.cognito.userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  const username = created.User?.Username ?? email;
  await idp.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: stack.cognito.userPoolId,
      Username: username,
      Password: password,
      Permanent: true,
    }),
  );
  return username;
}

export const lambda = () =>
  new LambdaClient({
    endpoint: stack.lambda.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });

export interface InvokeResult {
  payload: unknown;
  functionError?: string;
}

/** Invokes a function through the Lambda endpoint, as Cognito would, with the event Cognito would send. */
export async function invokeFunction(name: string, event: unknown): Promise<InvokeResult> {
  const result = await lambda().send(
    new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }),
  );
  const text = Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8');
  return { payload: text ? JSON.parse(text) : undefined, functionError: result.FunctionError };
}

export const mailTo = async (address: string) =>
  (await sesMessages(stack.ses.endpoint)).filter((mail) => mail.destination.to.includes(address));

export const links = () => recordedLinks(stack.cognito.endpoint);

/** An address nobody else in this run uses. */
export const uniqueEmail = (label: string, domain = 'example.com') => `${label}.${randomUUID().slice(0, 8)}@${domain}`;

/** The local stack's name for one of the suite's tables. */
export function tableName(key: keyof TestStackInfo['tables']): string {
  const name = stack.tables[key];
  if (!name) throw new Error(`the stack file names no ${key} table`);
  return name;
}

/** An SES sender whose every send fails to connect, as when SES is unreachable. */
export const unreachableSesSender = () =>
  sesSender(
    () =>
      new SESClient({
        endpoint: 'http://127.0.0.1:1',
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 1,
      }),
  );

/** A user's sign-in audit records, read straight from the table, oldest first. */
export async function auditRecordsOf(db: DynamoDBDocumentClient, sub: string): Promise<Array<Record<string, unknown>>> {
  const { Items } = await db.send(
    new QueryCommand({
      TableName: tableName('audit'),
      KeyConditionExpression: '#sub = :sub',
      ExpressionAttributeNames: { '#sub': 'sub' },
      ExpressionAttributeValues: { ':sub': sub },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}
