/** Settings of the custom senders' code decryption, and the refusal of the local keyring in Lambda. */
import type { EnvReader, SettingDescriptions } from '../config.ts';
import { runningInLambda, type CodeKeyringConfig } from './keyring.ts';

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/u;

export const LOCAL_KEYRING_IN_LAMBDA =
  'CODE_KEYRING: the local keyring (a key file under .local/) is for local runs only; in AWS Lambda use kms';

/**
 * CODE_KEYRING `kms` (default: CODE_KMS_KEY_ARN, the key Cognito encrypts with, required) or `local`
 * (the raw AES key in CODE_KEYRING_KEY_FILE, default .local/code-keyring.key), never in Lambda.
 */
export function readCodeKeyringConfig(env: EnvReader, processEnv: NodeJS.ProcessEnv = process.env): CodeKeyringConfig {
  const kind = env.oneOf('CODE_KEYRING', ['kms', 'local'] as const, 'kms');
  if (kind === 'local') {
    if (runningInLambda(processEnv)) env.problems.push(LOCAL_KEYRING_IN_LAMBDA);
    return { kind };
  }
  const kmsKeyArn = env.required('CODE_KMS_KEY_ARN');
  if (kmsKeyArn && !KMS_KEY_ARN.test(kmsKeyArn))
    env.problems.push('CODE_KMS_KEY_ARN: expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)');
  return { kind, kmsKeyArn };
}

/**
 * Called when a sender's module loads: a function deployed with CODE_KEYRING=local does not start at
 * all (Lambda reports an init error), rather than failing each invocation.
 */
export function refuseLocalKeyringInLambda(env: NodeJS.ProcessEnv = process.env): void {
  if (env.CODE_KEYRING?.trim() === 'local' && runningInLambda(env)) throw new Error(LOCAL_KEYRING_IN_LAMBDA);
}

export const settingDescriptions: SettingDescriptions = {
  CODE_KEYRING:
    "`kms`: Cognito's KMS key decrypts the codes; `local`: a raw AES key file, for local runs only (refused in Lambda)",
  CODE_KMS_KEY_ARN: 'the KMS key Cognito encrypts the codes with (the stack sets it to `CodeKey`)',
};
