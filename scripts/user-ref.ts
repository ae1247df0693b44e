/**
 * `LOG_HASH_KEY=<key> npm run user-ref -- <user name> --pool <user pool id>`: prints, on its last line,
 * the `userRef` our logs carry for that user (shared/runtime/observability.ts, the same function), to
 * paste into the saved Logs Insights query "everything about one user" (docs/operations.md). The key is
 * the stack's logHashKey parameter, read from the environment only (a key on the command line stays in
 * the shell's history). Without it the functions draw a key per instance and no name can be matched.
 */
import { userNameHash } from '../shared/runtime/observability.ts';

const USAGE = 'usage: LOG_HASH_KEY=<the stack logHashKey> npm run user-ref -- <user name> --pool <user pool id>';

export function parseUserRefArgs(args: readonly string[]): { userName: string; pool: string } {
  let userName: string | undefined;
  let pool: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--pool') {
      const value = args[(i += 1)];
      if (!value || value.startsWith('--')) throw new Error(`--pool needs a user pool id\n${USAGE}`);
      pool = value;
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else if (userName === undefined) userName = arg;
    else throw new Error(`one user name only\n${USAGE}`);
  }
  if (!userName || !pool) throw new Error(USAGE);
  return { userName, pool };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { userName, pool } = parseUserRefArgs(process.argv.slice(2));
    if (!process.env.LOG_HASH_KEY)
      throw new Error(`LOG_HASH_KEY is not set: without the stack's key no userRef can be matched\n${USAGE}`);
    console.log(userNameHash(pool, userName));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  }
}
