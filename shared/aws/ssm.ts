/**
 * SSM Parameter Store, for the secrets functions read at cold start (shared/runtime/secrets.ts). Loaded
 * only by a function that names a parameter (a dynamic import), so the others do not pay for it.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { lazy } from '../lazy.ts';
import { clientConfig } from './client-config.ts';

export const ssmClient = lazy(() => new SSMClient(clientConfig()));

/** A SecureString's value, decrypted by SSM (kms:Decrypt through ssm.<region>.amazonaws.com). */
export async function readSecureString(name: string, signal?: AbortSignal): Promise<string> {
  const { Parameter } = await ssmClient().send(new GetParameterCommand({ Name: name, WithDecryption: true }), {
    abortSignal: signal,
  });
  // A String parameter would be a secret kept in clear, readable by anyone who may describe parameters.
  if (Parameter?.Type !== 'SecureString') throw new Error(`parameter ${name} is not a SecureString`);
  const value = Parameter.Value?.trim();
  if (!value) throw new Error(`parameter ${name} is empty`);
  return value;
}
