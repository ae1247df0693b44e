/**
 * The environment `serverless invoke local` gives a function when a local stack runs: the stack's
 * endpoints, tables and local stand-ins for what has no local server (KMS: the local keyring; SNS: the
 * SMS outbox; the Pwned Passwords API: the stack's stand-in), as `npm start` gives the handlers it
 * serves. Without it the function would use the deployed table names and look for AWS credentials (the
 * custom senders' delivery record).
 *
 *   tsx local-cloud/invoke-environment.ts <stack file>    prints the environment as JSON
 *
 * scripts/serverless-build-plugin.cjs runs this (it is CommonJS and cannot import the table names).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../scripts/build.ts';
import { clientEnvironment, tableEnvironment, type StackFile } from './stack.ts';

export function localInvokeEnvironment(stack: StackFile): Record<string, string> {
  return {
    ...clientEnvironment(stack),
    ...tableEnvironment(stack.tables),
    CODE_KEYRING: 'local',
    SMS_OUTBOX_DIR: join(ROOT, '.local', 'outbox'),
    ...(stack.passwordRange ? { MIGRATION_BREACHED_PASSWORD_URL: stack.passwordRange.endpoint } : {}),
  };
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const file = process.argv[2];
  // No running stack: nothing to add (the function runs as configured, as before the stack existed).
  const environment =
    file && existsSync(file) ? localInvokeEnvironment(JSON.parse(readFileSync(file, 'utf8')) as StackFile) : {};
  process.stdout.write(`${JSON.stringify(environment)}\n`);
}
