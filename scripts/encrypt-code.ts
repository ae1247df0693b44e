/**
 * `npm run encrypt-code -- <code> [--pool <id>] [--sample]`: prints, on its last line, the base64 AWS
 * Encryption SDK message of `code` that Cognito would send a custom sender (the same suite and
 * encryption context `userpool-id`), its data key wrapped by the local keyring's key
 * (.local/code-keyring.key, made on first use) instead of KMS. The senders decrypt it with
 * CODE_KEYRING=local. `--pool` defaults to the local stack's pool; `--sample` uses the sample events' key.
 */
import { encryptCode } from '../shared/codes/encrypt.ts';
import { localKeyFile } from '../shared/codes/local-key.ts';
import { localKeyring, sampleKeyring } from '../shared/codes/keyring.ts';
import { DEFAULT_USER_POOL_ID } from '../local-cloud/cognito.ts';

const USAGE = 'usage: npm run encrypt-code -- <code> [--pool <user pool id>] [--sample]';

function parse(args: string[]): { code: string; pool: string; sample: boolean } {
  let code: string | undefined;
  let pool = DEFAULT_USER_POOL_ID;
  let sample = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--pool') {
      const value = args[(i += 1)];
      if (!value || value.startsWith('--')) throw new Error(`--pool needs a user pool id\n${USAGE}`);
      pool = value;
    } else if (arg === '--sample') sample = true;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else if (code === undefined) code = arg;
    else throw new Error(`one code only\n${USAGE}`);
  }
  if (!code) throw new Error(USAGE);
  return { code, pool, sample };
}

try {
  const { code, pool, sample } = parse(process.argv.slice(2));
  const ciphertext = await encryptCode(code, pool, sample ? sampleKeyring() : localKeyring());
  console.error(`encrypted for pool ${pool} with ${sample ? "the sample events' key" : localKeyFile()}`);
  console.log(ciphertext);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
