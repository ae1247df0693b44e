/** Clients for the local stack the global set-up started, configured as an app or a script would be. */
import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  cognitoClientFor,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  recordedLinks,
  sesMessages,
} from '../../scripts/local/index.ts';
import { testStack } from '../setup/stack-file.ts';

export const stack = testStack();

/** Makes this test process's SDK clients (and the shared stores) talk to the local servers. */
export function useLocalEndpoints(): void {
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamodb.endpoint,
    AWS_ENDPOINT_URL_SES: stack.ses.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.cognito.endpoint,
  });
}

export const cognito = () => cognitoClientFor(stack.cognito.endpoint);

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
