/**
 * The legacy directory that a migrate-user event meets in the fuzz harness: before each UserMigration
 * event, the fake DynamoDB (fake-aws.ts) is given, for the name the event types, one of the directory's
 * states, chosen by the case's salt (so a seed replays it):
 *
 * - nobody of that name (the dummy hash is verified, the sign-in refused, the reset refused);
 * - a user whose hash is the event's own password (migrated: the answer is checked against Cognito's
 *   rules), or another password (refused), or a hash beyond the work limits (refused after the dummy);
 * - found by user name or through EmailIndex (by e-mail, under another user name);
 * - with a verified or an unverified address (the reset path answers or refuses);
 * - a fresh attempts row, or one at the lockout's maximum (this attempt locks the name).
 *
 * Hashes are bcrypt cost 4, and the harness runs the function with a dummy of cost 4
 * (MIGRATION_DUMMY_HASH), so that 10,000 events take minutes, not the hours of real costs. The hash, the
 * legacy user name and the attributes are secrets of the case: none may appear in a log line.
 */
import { createHash } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { bcrypt } from 'hash-wasm';
import { attemptKey } from '../../shared/stores/attempt-key.ts';
import { normaliseEmail, normaliseUsername, type LegacyUserItem } from '../../shared/stores/legacy-user.ts';
import type { FakeDynamoDb } from './fake-aws.ts';

/** The dummy's parameters for fuzzing: the cheapest bcrypt. */
export const FUZZ_DUMMY_HASH = '$2b$04$';

/** The lockout maximum the harness configures (LOCKOUT_MAX_ATTEMPTS): a seeded row at it locks the next. */
export const FUZZ_LOCKOUT_MAX_ATTEMPTS = 5;

const MAX_USERNAME_LENGTH = 128;

export type DirectoryState = 'nobody' | 'right-password' | 'wrong-password' | 'unverifiable-hash';
const STATES: readonly DirectoryState[] = ['nobody', 'right-password', 'wrong-password', 'unverifiable-hash'];

export interface DirectoryTables {
  legacyUsers: string;
  signInAttempts: string;
}

/** bcrypt cost 4 of the password's first 72 bytes (what bcrypt reads, and what the verifier hashes). */
async function cheapHash(password: string, salt: number): Promise<string> {
  const seed = createHash('sha256').update(String(salt)).digest().subarray(0, 16);
  return bcrypt({
    password: Buffer.from(password, 'utf8').subarray(0, 72),
    salt: seed,
    costFactor: 4,
    outputType: 'encoded',
  });
}

/** The user name of a user found by e-mail: another name than the typed address, the same for each address. */
const byEmailName = (email: string) => `Legacy.${createHash('sha256').update(email).digest('hex').slice(0, 10)}`;

/**
 * Seeds the directory and the attempts row for `event` (as sent, possibly mutated); returns the
 * secrets it planted. An event with no typed name or password of the expected types gets nothing.
 */
export async function seedLegacyDirectory(
  dynamo: FakeDynamoDb,
  tables: DirectoryTables,
  event: unknown,
  salt: number,
): Promise<{ state: DirectoryState; secrets: string[] }> {
  const sent = (event ?? {}) as { userName?: unknown; userPoolId?: unknown; request?: { password?: unknown } };
  const typed = sent.userName;
  // Cognito's user names have at most 128 characters: no directory the import wrote holds a longer one.
  if (typeof typed !== 'string' || typed.trim() === '' || [...typed].length > MAX_USERNAME_LENGTH) {
    return { state: 'nobody', secrets: [] };
  }
  const password = typeof sent.request?.password === 'string' ? sent.request.password : '';
  const isAddress = typed.includes('@');
  const byEmail = isAddress && (salt >> 2) % 2 === 1;

  // Whatever an earlier case left for this name goes: one user per case, never an ambiguous address.
  dynamo.remove(tables.legacyUsers, marshall({ username: normaliseUsername(typed) }));
  if (isAddress)
    dynamo.remove(tables.legacyUsers, marshall({ username: normaliseUsername(byEmailName(normaliseEmail(typed))) }));
  let state = STATES[salt % STATES.length] ?? 'nobody';
  // hash-wasm refuses an empty password: such a user is one whose password nobody knows.
  if (state !== 'nobody' && state !== 'unverifiable-hash' && password === '') state = 'wrong-password';
  const usernameAsGiven = byEmail ? byEmailName(normaliseEmail(typed)) : typed;

  // The function counts under the found user's key, or the typed name's when nobody is found: that row
  // starts fresh, or at the maximum; any other row for this name goes.
  if (typeof sent.userPoolId === 'string') {
    const counted = attemptKey(sent.userPoolId, state === 'nobody' ? typed : usernameAsGiven);
    for (const id of new Set([attemptKey(sent.userPoolId, typed), attemptKey(sent.userPoolId, usernameAsGiven)]))
      dynamo.remove(tables.signInAttempts, marshall({ id }));
    if (salt % 16 === 15) {
      dynamo.put(
        tables.signInAttempts,
        'id',
        marshall({ id: counted, attempts: FUZZ_LOCKOUT_MAX_ATTEMPTS, expiresAt: 4_102_444_800 }),
      );
    }
  }
  if (state === 'nobody') return { state, secrets: [] };

  const tag = salt.toString(36);
  const passwordHash =
    state === 'right-password'
      ? await cheapHash(password, salt)
      : state === 'wrong-password'
        ? await cheapHash(`${password}-not-it`, salt)
        : `$2b$16$${'Fz'.repeat(26)}q`;
  const email = isAddress ? typed : `legacy.${tag}@example.com`;
  const attributes: Record<string, string> = {
    email,
    email_verified: (salt >> 3) % 2 === 0 ? 'true' : 'false',
    given_name: `Legacy ${tag}`,
    family_name: `Directory-${tag}`,
    'custom:plan': 'gold',
    // Never answered: Cognito's own.
    'cognito:mfa_enabled': 'false',
  };
  const item: LegacyUserItem = {
    username: normaliseUsername(usernameAsGiven),
    usernameAsGiven,
    email: normaliseEmail(email),
    attributes,
    passwordHash,
    mfaEnabled: false,
    importedAt: '2026-01-01T00:00:00.000Z',
  };
  dynamo.put(tables.legacyUsers, 'username', marshall(item, { removeUndefinedValues: true }));
  // The hash, and its salt and digest alone (a log line that cut the parameters off still leaks it).
  const secrets = [
    passwordHash,
    passwordHash.split('$').at(-1),
    attributes.email,
    attributes.given_name,
    attributes.family_name,
  ];
  if (byEmail) secrets.push(usernameAsGiven);
  return { state, secrets: secrets.filter((secret): secret is string => typeof secret === 'string') };
}
