/**
 * Can a guesser tell users apart by migrate-user's response time? The handler, in process, against
 * DynamoDB Local, with a legacy directory that mixes algorithms and costs (bcrypt cost 10, Argon2id
 * m=19 MiB t=2, scrypt N=2^14, PBKDF2-SHA256 at 1,000 rounds) and the default dummy (`$2b$10$`). Rounds of
 * three sign-ins in a shuffled order: an unknown name, a known user with a wrong password, a known user
 * with the right one (migrated, or already migrated: a repeat is the path a retried or second alias
 * sign-in takes). Prints p50 and p99 of each and the gap between the p50s; the target is a gap under
 * 10 % of the smallest p50.
 *
 *   npm run bench -- migrate-user
 */
import { pbkdf2Sync, randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { argon2id, bcrypt } from 'hash-wasm';
import { GENERIC_FAILURE_MESSAGE, lambdaContext, type TriggerHandler } from '../../shared/runtime/index.ts';
import { buildEvent } from '../../shared/events/index.ts';
import { phcBase64Encode } from '../../shared/passwords/encoding.ts';
import { normaliseEmail, normaliseUsername, type LegacyUserItem } from '../../shared/stores/legacy-user.ts';
import { legacyUserStore } from '../../shared/stores/legacy-users.ts';
import { join } from 'node:path';
import { ROOT } from '../build.ts';
import {
  createTables,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  loadTableDefinitions,
  localTableNames,
  startDynamoDbLocal,
  tableEnvironment,
} from '../../local-cloud/index.ts';
import { percentile, progress, round, silenced, type SuiteResult } from './suite.ts';

const ROUNDS = Number(process.env.BENCH_MIGRATE_ROUNDS ?? 150);
const WARM_UP = 10;
const USERS_PER_ALGORITHM = 8;
const PASSWORD = 'Correct-Horse-42';
/** The gap between the slowest and the fastest p50, as a share of the fastest. */
export const GAP_TARGET = 0.1;

const adapted = { adapted: true };
const ALGORITHMS: Record<string, (password: string) => Promise<string>> = {
  'bcrypt 10': (password) => bcrypt({ password, salt: randomBytes(16), costFactor: 10, outputType: 'encoded' }),
  'argon2id m=19MiB t=2': (password) =>
    argon2id({
      password,
      salt: randomBytes(16),
      iterations: 2,
      parallelism: 1,
      memorySize: 19_456,
      hashLength: 32,
      outputType: 'encoded',
    }),
  'scrypt ln=14': async (password) => {
    const salt = randomBytes(16);
    const digest = scryptSync(password, salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    return `$scrypt$ln=14,r=8,p=1$${phcBase64Encode(salt, adapted)}$${phcBase64Encode(digest, adapted)}`;
  },
  'pbkdf2-sha256 1000': async (password) => {
    const salt = randomBytes(16);
    const digest = pbkdf2Sync(password, salt, 1000, 32, 'sha256');
    return `$pbkdf2-sha256$1000$${phcBase64Encode(salt, adapted)}$${phcBase64Encode(digest, adapted)}`;
  },
};

type Kind = 'unknown' | 'known, wrong password' | 'known, right password';
const KINDS: readonly Kind[] = ['unknown', 'known, wrong password', 'known, right password'];

async function directory(): Promise<LegacyUserItem[]> {
  const items: LegacyUserItem[] = [];
  for (const [label, hash] of Object.entries(ALGORITHMS)) {
    for (let i = 0; i < USERS_PER_ALGORITHM; i++) {
      const name = `bench-${label.replace(/\W+/gu, '-')}-${i}`;
      const email = `${name}@example.com`;
      items.push({
        username: normaliseUsername(name),
        usernameAsGiven: name,
        email: normaliseEmail(email),
        attributes: { email, email_verified: 'true' },
        passwordHash: await hash(PASSWORD),
        mfaEnabled: false,
        importedAt: '2026-01-01T00:00:00.000Z',
      });
    }
  }
  return items;
}

async function signIn(
  handler: TriggerHandler,
  userName: string,
  password: string,
): Promise<{ ms: number; ok: boolean }> {
  const event = buildEvent('UserMigration', {
    triggerSource: 'UserMigration_Authentication',
    userName,
    request: { password, validationData: null },
  });
  const context = lambdaContext('migrate-user');
  const started = performance.now();
  try {
    await handler(event, context);
    return { ms: performance.now() - started, ok: true };
  } catch (error) {
    const ms = performance.now() - started;
    if (error instanceof Error && error.message === GENERIC_FAILURE_MESSAGE) throw new Error('a sign-in failed');
    return { ms, ok: false };
  }
}

export async function run(): Promise<SuiteResult> {
  progress('migrate-user: starting DynamoDB Local, hashing the directory');
  const tables = localTableNames('bench-migrate');
  // A loaded machine starts the JVM slowly: more time than the stack's default.
  const dynamodb = await startDynamoDbLocal({ timeoutMs: 120_000 });
  const environment = { ...process.env };
  try {
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      ...tableEnvironment(tables),
      // Every sign-in of the bench is counted; none may meet a lock.
      LOCKOUT_MAX_ATTEMPTS: '100',
    });
    await createTables(dynamodb.endpoint, loadTableDefinitions(join(ROOT, 'infra', 'tables.yml'), tables));
    delete process.env.MIGRATION_DUMMY_HASH; // the documented default
    const users = await directory();
    await legacyUserStore(tables.legacyUsers ?? '').putAll(users);
    const { handler } = (await import('../../functions/migrate-user/handler.ts')) as { handler: TriggerHandler };

    const times: Record<Kind, number[]> = { unknown: [], 'known, wrong password': [], 'known, right password': [] };
    progress(`migrate-user: ${ROUNDS} rounds of an unknown name, a wrong and a right password`);
    await silenced(async () => {
      for (let round = 0; round < WARM_UP + ROUNDS; round++) {
        const user = users[round % users.length] as LegacyUserItem;
        const order = [...KINDS].sort(() => Math.random() - 0.5);
        for (const kind of order) {
          const result =
            kind === 'unknown'
              ? await signIn(handler, `nobody-${randomUUID()}@example.com`, PASSWORD)
              : await signIn(handler, user.usernameAsGiven, kind === 'known, right password' ? PASSWORD : 'Wrong-42-a');
          if (result.ok !== (kind === 'known, right password')) throw new Error(`${kind}: unexpected outcome`);
          if (round >= WARM_UP) times[kind].push(result.ms);
        }
      }
    });

    const rows = KINDS.map((kind) => ({
      kind,
      p50: round(percentile(times[kind], 50), 1),
      p99: round(percentile(times[kind], 99), 1),
    }));
    const p50s = rows.map((row) => row.p50);
    const gapMs = round(Math.max(...p50s) - Math.min(...p50s), 1);
    const gapShare = gapMs / Math.min(...p50s);
    const holds = gapShare < GAP_TARGET;
    return {
      targets: { 'p50 gap share': GAP_TARGET },
      figures: { rounds: ROUNDS, algorithms: Object.keys(ALGORITHMS), rows, gapMs, gapShare: round(gapShare, 3) },
      tables: [
        {
          title: `migrate-user response time, directory of ${Object.keys(ALGORITHMS).join(', ')}; dummy $2b$10$ (${ROUNDS} rounds)`,
          columns: ['sign-in', 'p50 ms', 'p99 ms'],
          rows: [
            ...rows.map((row) => [row.kind, row.p50.toFixed(1), row.p99.toFixed(1)]),
            [
              `gap of the p50s: ${(gapShare * 100).toFixed(1)} % (target under ${GAP_TARGET * 100} %: ${holds ? 'holds' : 'MISSED'})`,
              gapMs.toFixed(1),
              '',
            ],
          ],
        },
      ],
      misses: holds
        ? []
        : [`migrate-user: p50 gap ${gapMs} ms is ${(gapShare * 100).toFixed(1)} % of the fastest p50 (target < 10 %)`],
    };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in environment)) delete process.env[key];
    Object.assign(process.env, environment);
    await dynamodb.stop();
  }
}
