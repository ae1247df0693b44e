/**
 * Verify time per password hash algorithm at the costs legacy systems use today: what migrate-user
 * spends per sign-in (and per unknown user, on the dummy of the same parameters), and what its memory
 * size must buy within Cognito's 5 s. Median of a few runs after one warm-up (WebAssembly compiles on
 * first use), on one core of this machine.
 *
 *   npm run bench -- hash-verify
 */
import { BUILT_IN_VERIFIERS, dummyHash, timedVerify, verifierFor } from '../../shared/passwords/verify.ts';
import { median, progress, round, type SuiteResult } from './suite.ts';

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

/** Verify time per algorithm; no target (it sizes migrate-user's memory, see docs/migrate-user.md, "Memory"), so never a miss. */
export async function run(runs = 5): Promise<SuiteResult> {
  progress('hash-verify: verify time per password hash algorithm');
  const verifyMs: Record<string, number> = {};
  for (const [name, parameters] of Object.entries(CASES)) {
    const hash = dummyHash(parameters);
    const verifier = verifierFor(BUILT_IN_VERIFIERS, hash);
    if (!verifier) throw new Error(`no verifier for ${parameters}`);
    const request = { password: 'Correct-Horse-42', hash, username: 'bench' };
    await timedVerify(verifier, request);
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push((await timedVerify(verifier, request)).ms);
    verifyMs[name] = round(median(samples));
  }
  return {
    targets: {},
    figures: { runs, verifyMs },
    tables: [
      {
        title: `Password verify time, median of ${runs}, one core (Lambda: one full vCPU at 1769 MB)`,
        columns: ['algorithm and cost', 'verify ms'],
        rows: Object.entries(verifyMs).map(([name, ms]) => [name, String(ms)]),
      },
    ],
    misses: [],
  };
}
