/**
 * Verify time per password hash algorithm at the costs legacy systems use today: what migrate-user
 * spends per sign-in (and per unknown user, on the dummy of the same parameters), and what its memory
 * size must buy within Cognito's 5 s. Median of a few runs after one warm-up (WebAssembly compiles on
 * first use), on one core of this machine.
 *
 *   node --import tsx scripts/bench/hash-verify.ts        prints the figures as JSON
 *   import { run } from './bench/hash-verify.ts'          the same, for the bench suite
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_IN_VERIFIERS, dummyHash, timedVerify, verifierFor } from '../../shared/passwords/verify.ts';

/** Typical production parameters; the dummy hash of each costs exactly a real verification. */
export const CASES: Readonly<Record<string, string>> = {
  'bcrypt cost 10': '$2b$10$',
  'bcrypt cost 12': '$2b$12$',
  'argon2id m=19MiB t=2 p=1': '$argon2id$v=19$m=19456,t=2,p=1',
  'argon2id m=64MiB t=3 p=4': '$argon2id$v=19$m=65536,t=3,p=4',
  'scrypt ln=17 r=8 p=1': '$scrypt$ln=17,r=8,p=1',
  'pbkdf2-sha256 600k (passlib)': '$pbkdf2-sha256$600000',
  'pbkdf2_sha256 600k (Django)': 'pbkdf2_sha256$600000',
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function run(runs = 5): Promise<Record<string, unknown>> {
  const verifyMs: Record<string, number> = {};
  for (const [name, parameters] of Object.entries(CASES)) {
    const hash = dummyHash(parameters);
    const verifier = verifierFor(BUILT_IN_VERIFIERS, hash);
    if (!verifier) throw new Error(`no verifier for ${parameters}`);
    const request = { password: 'Correct-Horse-42', hash, username: 'bench' };
    await timedVerify(verifier, request);
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push((await timedVerify(verifier, request)).ms);
    verifyMs[name] = Math.round(median(samples) * 10) / 10;
  }
  const slowest = Object.entries(verifyMs).sort(([, a], [, b]) => b - a)[0];
  return {
    runs,
    verifyMs,
    slowest: slowest ? { algorithm: slowest[0], ms: slowest[1] } : undefined,
    note: 'median per verification on one core of this machine; Lambda gives one full vCPU at 1769 MB',
  };
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  run().then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
