/**
 * The local keyring's key: 32 random bytes, base64 in a file under .local/ (CODE_KEYRING_KEY_FILE),
 * created on first use with owner-only permissions. It stands in for the KMS key Cognito encrypts codes
 * with, so that `npm run encrypt-code`, the sample events and the senders agree without AWS.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const LOCAL_KEY_FILE = '.local/code-keyring.key';
/** The raw keyring's name in the message header; a ciphertext names the key that wraps its data key. */
export const LOCAL_KEY_NAMESPACE = 'cognito-triggers-local';
export const LOCAL_KEY_NAME = 'code-keyring';

/**
 * The key the sample events' codes (events/custom-*-sender/) are encrypted with, so that `npm run
 * invoke` decrypts them on any clone. Published, so no secret: the local keyring accepts it beside the
 * clone's own key, and the local keyring is refused in Lambda.
 */
export const SAMPLE_KEY_NAME = 'sample-events';
export function sampleKey(): Uint8Array {
  return new Uint8Array(createHash('sha256').update('cognito-triggers sample events: a published key, not a secret').digest());
}

export function localKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CODE_KEYRING_KEY_FILE?.trim() || LOCAL_KEY_FILE);
}

/** The key, made on first use (an exclusive create: of two processes racing, both end up with the first's). */
export function loadOrCreateLocalKey(file: string = localKeyFile()): Uint8Array {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 256-bit key (base64); delete it to make a new one`);
  return new Uint8Array(key);
}
