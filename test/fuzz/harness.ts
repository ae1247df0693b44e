/**
 * The fuzz harness: property-based (fast-check) events for every function in functions/, derived from
 * the event library (every kind of every trigger, built by its own sample builder), filled with
 * recognisable secrets and then mutated: fields missing, added (`__proto__`, `constructor`, ...), of the
 * wrong type, null, huge or odd Unicode, trigger sources swapped. Each event is sent, as JSON, to the
 * function's real handler in this process; its AWS calls go to in-memory stand-ins (fake-aws.ts) that
 * answer plausibly or, for some events, fail (500, throttling, reset connection).
 *
 * For every event: the outcome is an answer that passes Cognito's response rules (a fail-open answer:
 * the event exactly as sent), a UserFacingError or the generic TriggerFailure, nothing else; no secret
 * of the event is in any log line or refusal; a fail-open function fails closed only on an event that is
 * itself no acceptable answer; an intact event of the function's own trigger with healthy services never
 * ends in the generic failure.
 *
 * Used by `npm run fuzz` (scripts/fuzz.ts, 10,000 events per function) and test/fuzz/functions.test.ts.
 * Test code: never bundled into a handler.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import {
  ALL_EVENT_KINDS,
  parseEvent,
  responseProblems,
  TRIGGERS,
  triggerOfFunction,
  type KnownEventKind,
  type TriggerEvents,
  type TriggerName,
} from '../../shared/events/index.ts';
import { GENERIC_FAILURE_MESSAGE, lambdaContext, type DeclaredTriggerHandler } from '../../shared/runtime/index.ts';
import {
  LOCAL_CREDENTIALS,
  LOCAL_MAIL_ENVIRONMENT,
  LOCAL_PASSWORDLESS_ENVIRONMENT,
  localTableNames,
  tableEnvironment,
} from '../../local-cloud/index.ts';
import { captureOutput } from '../helpers/capture-output.ts';
import { pointAt, setEnvironment, startStandIn, type Fault, type Service, type StandIn } from '../helpers/faults.ts';
import { FAKE_RESPONDERS, fakeDynamoDb, type FakeDynamoDb } from './fake-aws.ts';
import {
  FUZZ_DUMMY_HASH,
  FUZZ_LOCKOUT_MAX_ATTEMPTS,
  seedLegacyDirectory,
  type DirectoryTables,
} from './legacy-directory.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PathKey = string | number;

// ---------------------------------------------------------------------------------------------------
// The environment: stand-ins and configuration, set before any handler is imported.

export interface FuzzEnvironment {
  readonly standIns: Readonly<Record<Service, StandIn>>;
  /** The data the stand-ins hold that a case may prepare (the legacy directory of a migration). */
  readonly world: FuzzWorld;
  stop(): Promise<void>;
}

export interface FuzzWorld {
  readonly dynamodb: FakeDynamoDb;
  readonly tables: DirectoryTables;
}

/** What the fuzzed functions' pool is, for the response checks (custom message: the e-mail account). */
const FUZZ_POOL = { emailSendingAccount: 'DEVELOPER' } as const;

/** The mapping the inbound-federation function runs with (as docs/inbound-federation.md shows one, for any provider). */
const FEDERATION_MAPPINGS = {
  '*': {
    email: 'idToken.email',
    given_name: ['userInfo.given_name', 'idToken.given_name'],
    family_name: 'idToken.family_name',
  },
};

export async function startFuzzEnvironment(): Promise<FuzzEnvironment> {
  const services: Service[] = ['dynamodb', 'ses', 'cognito', 'sns'];
  const standIns = {} as Record<Service, StandIn>;
  const restores: Array<() => void> = [];
  const dynamodb = fakeDynamoDb();
  for (const service of services) {
    const respond = service === 'dynamodb' ? dynamodb : FAKE_RESPONDERS[service]();
    standIns[service] = await startStandIn(service, { respond });
    restores.push(pointAt(service, standIns[service].endpoint));
  }
  const tables = localTableNames('fuzz');
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    // No retries: a retried throttle waits a back-off, and thousands of events would wait for nothing.
    AWS_SDK_MAX_ATTEMPTS: '1',
    ...tableEnvironment(tables),
    ...LOCAL_MAIL_ENVIRONMENT,
    ...LOCAL_PASSWORDLESS_ENVIRONMENT,
    FEDERATION_ATTRIBUTE_MAPPINGS: JSON.stringify(FEDERATION_MAPPINGS),
    // Custom message composes its e-mail too (a pool that sends with SES); answers are checked so.
    MESSAGES_EMAIL_SENDING_ACCOUNT: FUZZ_POOL.emailSendingAccount,
    // Migration verifies a hash on every sign-in: the cheapest bcrypt for the dummy, as for the seeded
    // users (legacy-directory.ts), or 10,000 events would take the better part of an hour.
    MIGRATION_DUMMY_HASH: FUZZ_DUMMY_HASH,
    LOCKOUT_MAX_ATTEMPTS: String(FUZZ_LOCKOUT_MAX_ATTEMPTS),
    // Everything the functions would log, at every level, is scanned for secrets.
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    // The custom senders decrypt with the local keyring (its key in .local/, as npm run encrypt-code's).
    CODE_KEYRING: 'local',
  };
  // Mail goes to SES and SMS to SNS (the stand-ins), not to files.
  restores.push(setEnvironment({ ...env, MAIL_OUTBOX_DIR: undefined, SMS_OUTBOX_DIR: undefined }));
  return {
    standIns,
    world: {
      dynamodb,
      tables: { legacyUsers: tables.legacyUsers ?? '', signInAttempts: tables.signInAttempts ?? '' },
    },
    async stop() {
      for (const restore of restores.reverse()) restore();
      await Promise.all(Object.values(standIns).map((standIn) => standIn.stop()));
    },
  };
}

/** A function's handler, imported from functions/<name>/handler.ts (after startFuzzEnvironment). */
export async function loadHandler(name: string): Promise<DeclaredTriggerHandler> {
  const module = (await import(`../../functions/${name}/handler.ts`)) as { handler: DeclaredTriggerHandler };
  return module.handler;
}

// ---------------------------------------------------------------------------------------------------
// Events: a kind from the library, recognisable secrets, mutations.

/** Attribute and field names whose values are personal or secret, and what kind of value they hold. */
const EMAIL_KEYS = /(^|[_:])e?mail$/iu;
const PHONE_KEYS = /phone_number$|^phone$/iu;
const NAME_KEYS =
  /^(given_name|family_name|middle_name|name|nickname|preferred_username|address|birthdate|CITY|IP_ADDRESS)$/u;
const SECRET_KEYS = /password|token|secret|^code$|answer|^session$/iu;
/**
 * Maps whose every value is the user's or the app's: user attributes, client metadata, validation data,
 * private challenge parameters, what an identity provider sent...
 */
const SECRET_MAPS =
  /^(userAttributes|clientMetadata|validationData|privateChallengeParameters|tokenResponse|idToken|userInfo|samlResponse)$/u;
/** ...but for the values that say nothing about the person and that the functions' logic turns on. */
const NOT_PERSONAL =
  /^(sub|email_verified|phone_number_verified|cognito:.*|locale|zoneinfo|updated_at|token_type|expires_in|scope)$/u;

const NAME_STEMS = ['Jörg', 'Zoë', 'Ольга', '李小龍', "O'Brien", 'Ngozi', 'Åsa-Maria', 'José Luis'];
const DOMAINS = [
  'example.com',
  'corp.example',
  'mailinator.com',
  'denied.example',
  'bücher.example',
  'xn--bcher-kva.example',
  'EXAMPLE.COM',
  'gmail.com',
];

interface SecretMaker {
  (key: string): string;
  readonly made: string[];
}

/** Makes distinctive secrets (a per-event salt and a counter), and remembers them for the log scan. */
function secretMaker(salt: number): SecretMaker {
  let count = 0;
  const made: string[] = [];
  const next = () => {
    count += 1;
    return (salt * 131 + count * 7919).toString(36).padStart(7, 'q');
  };
  const make = (key: string): string => {
    const tag = next();
    const value = EMAIL_KEYS.test(key)
      ? `fz.${tag}@${DOMAINS[(salt + count) % DOMAINS.length]}`
      : PHONE_KEYS.test(key)
        ? `+44770${String(100000 + ((salt * 7 + count * 104729) % 900000)).padStart(6, '0')}`
        : NAME_KEYS.test(key)
          ? `${NAME_STEMS[(salt + count) % NAME_STEMS.length]} ${tag}`
          : `S3cr3t-${tag}-pass`;
    made.push(value);
    return value;
  };
  return Object.assign(make, { made });
}

/** Replaces every secret-bearing string of the event with a recognisable secret. */
function plantSecrets(value: Json, make: SecretMaker, key = '', inSecretMap = false): Json {
  if (typeof value === 'string') {
    const secret =
      (inSecretMap && !NOT_PERSONAL.test(key)) ||
      EMAIL_KEYS.test(key) ||
      PHONE_KEYS.test(key) ||
      NAME_KEYS.test(key) ||
      SECRET_KEYS.test(key);
    return secret && value !== '' ? make(key) : value;
  }
  if (Array.isArray(value)) return value.map((item) => plantSecrets(item, make, key, inSecretMap));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, plantSecrets(v, make, k, inSecretMap || SECRET_MAPS.test(k))]),
    );
  }
  return value;
}

export type Mutation =
  | { op: 'delete'; pick: number }
  | { op: 'set'; pick: number; value: Json }
  | { op: 'add'; pick: number; key: string; value: Json }
  | { op: 'huge'; pick: number; length: number }
  | { op: 'unicode'; pick: number; text: string }
  | { op: 'source'; triggerSource: string };

export interface FuzzCase {
  kind: KnownEventKind;
  salt: number;
  /** The user name is the e-mail address (pools that sign in by e-mail). */
  emailUserName: boolean;
  mutations: Mutation[];
  fault: { service: Service; fault: Exclude<Fault, 'hang'> } | null;
}

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constant(''),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
  fc.constant({}),
  fc.constant([]),
) as fc.Arbitrary<Json>;

const odd = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'custom:dépt',
  'custom:org/unit',
  'cognito:groups',
  'sub',
  '',
  '\u0000',
  '😀',
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: jsonValue }),
  fc.record({ op: fc.constant('add' as const), pick: fc.nat(), key: fc.oneof(odd, fc.string()), value: jsonValue }),
  fc.record({ op: fc.constant('huge' as const), pick: fc.nat(), length: fc.integer({ min: 5_000, max: 64_000 }) }),
  fc.record({ op: fc.constant('unicode' as const), pick: fc.nat(), text: fc.string({ unit: 'binary', minLength: 1 }) }),
  fc.record({
    op: fc.constant('source' as const),
    triggerSource: fc.oneof(fc.constantFrom(...ALL_EVENT_KINDS.map((k) => k.triggerSource)), fc.string()),
  }),
);

/** Events for the function of `trigger`: mostly its own trigger's kinds (each one), also every other trigger's. */
export function fuzzCases(trigger: TriggerName): fc.Arbitrary<FuzzCase> {
  const own = ALL_EVENT_KINDS.filter((kind) => kind.trigger === trigger);
  const others = ALL_EVENT_KINDS.filter((kind) => kind.trigger !== trigger);
  return fc.record({
    kind: fc.oneof(
      { arbitrary: fc.constantFrom(...own), weight: 4 },
      { arbitrary: fc.constantFrom(...others), weight: 1 },
    ),
    salt: fc.nat({ max: 1_000_000 }),
    emailUserName: fc.boolean(),
    mutations: fc.oneof(
      { arbitrary: fc.constant<Mutation[]>([]), weight: 2 },
      { arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }), weight: 3 },
    ),
    // About one event in seven meets a failing service.
    fault: fc.oneof(
      { arbitrary: fc.constant(null), weight: 6 },
      {
        arbitrary: fc.record({
          service: fc.constantFrom<Service>('dynamodb', 'ses', 'cognito', 'sns'),
          fault: fc.constantFrom<Exclude<Fault, 'hang'>>('reset', 'server-error', 'throttle'),
        }),
        weight: 1,
      },
    ),
  });
}

/** Every path in the event: objects and arrays (to add to), and leaves. */
function pathsOf(value: Json, prefix: PathKey[] = []): PathKey[][] {
  const found: PathKey[][] = [];
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      found.push(path, ...pathsOf(child, path));
    }
  }
  return found;
}

function nodeAt(root: Json, path: readonly PathKey[]): Json | undefined {
  let current: Json | undefined = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathKey, Json>)[key];
  }
  return current;
}

function parentOf(root: Json, path: readonly PathKey[]): Record<PathKey, Json> | undefined {
  const parent = nodeAt(root, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' ? (parent as Record<PathKey, Json>) : undefined;
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Sets a key as an own property, whatever its name (an assignment to `__proto__` would change the
 * prototype), to a copy of the value: fast-check keeps generated values to replay and shrink them, and
 * a later mutation of the event must not change them (or make them cyclic).
 */
function define(target: Record<PathKey, Json>, key: PathKey, value: Json): void {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  Object.defineProperty(target, key, { value: copy, enumerable: true, writable: true, configurable: true });
}

function applyMutation(event: Json, change: Mutation): void {
  if (change.op === 'source') {
    if (isObject(event)) define(event, 'triggerSource', change.triggerSource);
    return;
  }
  const all = pathsOf(event);
  const candidates =
    change.op === 'add'
      ? [[], ...all].filter((path) => isObject(nodeAt(event, path)))
      : change.op === 'huge' || change.op === 'unicode'
        ? all.filter((path) => typeof nodeAt(event, path) === 'string')
        : all;
  const path = candidates[change.pick % Math.max(1, candidates.length)];
  if (!path) return;
  if (change.op === 'add') {
    const target = nodeAt(event, path);
    if (isObject(target)) define(target, change.key, change.value);
    return;
  }
  const parent = parentOf(event, path);
  const key = path[path.length - 1];
  if (!parent || key === undefined) return;
  if (change.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (change.op === 'set') define(parent, key, change.value);
  else if (change.op === 'huge') define(parent, key, `${String(parent[key])}${'ẞ'.repeat(change.length)}`);
  else define(parent, key, change.text);
}

export interface BuiltCase {
  /** The event as Cognito would send it: JSON text, parsed once per invocation. */
  json: string;
  secrets: string[];
}

/** The event of a case, and the secrets planted in it. */
export function buildCase(fuzzCase: FuzzCase): BuiltCase {
  const make = secretMaker(fuzzCase.salt);
  const sample = TRIGGERS[fuzzCase.kind.trigger].sample(fuzzCase.kind) as unknown as Json;
  const event = plantSecrets(JSON.parse(JSON.stringify(sample)) as Json, make);
  if (fuzzCase.emailUserName && isObject(event)) event.userName = make('email');
  for (const change of fuzzCase.mutations) applyMutation(event, change);
  return { json: JSON.stringify(event), secrets: make.made.filter((secret) => secret.length >= 6) };
}

// ---------------------------------------------------------------------------------------------------
// The properties, and the figures of a run.

export type OutcomeKind = 'answered' | 'failed-open' | 'refused' | 'failed';

export interface FuzzFigures {
  fn: string;
  trigger: TriggerName;
  failureMode: string;
  events: number;
  outcomes: Record<OutcomeKind, number>;
  /** Events the function's own event check would refuse (mutated or of another trigger). */
  invalid: number;
  /** Events during which a stand-in failed. */
  faults: number;
  /** Events that broke a property (the run stops at the first, then shrinks it). */
  failures: number;
  ms: number;
  /** The first property that failed, with the shrunk counterexample; absent when all held. */
  failure?: string;
  seed: number;
}

function leaked(text: string, secrets: readonly string[]): string | undefined {
  return secrets.find((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)));
}

function isValidFor(trigger: TriggerName, event: unknown): boolean {
  try {
    parseEvent(trigger, event);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends one case to the handler and checks every property; returns the outcome, throws (for fast-check)
 * naming the property that failed. With `world`, a migration event first meets a legacy directory
 * prepared for it (legacy-directory.ts), whose hashes and attributes are secrets of the case too.
 */
export async function checkCase(
  handler: DeclaredTriggerHandler,
  name: string,
  standIns: Readonly<Record<Service, StandIn>>,
  fuzzCase: FuzzCase,
  world?: FuzzWorld,
): Promise<{ outcome: OutcomeKind; invalid: boolean }> {
  const trigger = handler.trigger;
  const built = buildCase(fuzzCase);
  const { json } = built;
  const secrets = [...built.secrets];
  if (world && trigger === 'UserMigration' && fuzzCase.kind.trigger === 'UserMigration') {
    const seeded = await seedLegacyDirectory(world.dynamodb, world.tables, JSON.parse(json), fuzzCase.salt);
    secrets.push(...seeded.secrets.filter((secret) => secret.length >= 6));
  }
  const sent = JSON.parse(json) as unknown;
  const invalid = !isValidFor(trigger, JSON.parse(json));
  for (const standIn of Object.values(standIns)) standIn.behaviour = 'healthy';
  if (fuzzCase.fault) standIns[fuzzCase.fault.service].behaviour = fuzzCase.fault.fault;

  const output = captureOutput();
  let result: { answer: unknown } | { error: unknown };
  try {
    result = await handler(JSON.parse(json), lambdaContext(name)).then(
      (answer) => ({ answer }),
      (error: unknown) => ({ error }),
    );
  } finally {
    output.restore();
    for (const standIn of Object.values(standIns)) standIn.behaviour = 'healthy';
  }
  const logs = output.text();

  const secret = leaked(logs, secrets);
  if (secret !== undefined) throw new Error(`a secret of the event is in the logs: ${JSON.stringify(secret)}`);

  let outcome: OutcomeKind;
  if ('answer' in result) {
    const failedOpen = output.records().some((record) => record._aws !== undefined && record.FailedOpen === 1);
    outcome = failedOpen ? 'failed-open' : 'answered';
    if (failedOpen && !isDeepStrictEqual(result.answer, sent))
      throw new Error('a fail-open answer is not the event as sent');
    if (failedOpen && handler.failureMode !== 'open') throw new Error('a fail-closed function failed open');
    const problems = responseProblems(trigger, sent as TriggerEvents[typeof trigger], result.answer, FUZZ_POOL);
    if (problems.length) throw new Error(`an answer breaks Cognito's response rules: ${problems.join('; ')}`);
  } else {
    const error = result.error;
    const errorName = error instanceof Error ? error.name : typeof error;
    if (errorName === 'UserFacingError') {
      outcome = 'refused';
      const shown = leaked((error as Error).message, secrets);
      if (shown !== undefined) throw new Error(`a refusal shows a secret of the event: ${JSON.stringify(shown)}`);
    } else if (errorName === 'TriggerFailure' && (error as Error).message === GENERIC_FAILURE_MESSAGE) {
      outcome = 'failed';
    } else {
      throw new Error(`an untyped failure reached Cognito: ${errorName}: ${String((error as Error)?.message)}`);
    }
  }
  if (outcome === 'failed' && handler.failureMode === 'open') {
    // Failing open is refused only for an event that is itself no answer Cognito accepts.
    let acceptable: boolean;
    try {
      acceptable = responseProblems(trigger, sent as TriggerEvents[typeof trigger], sent, FUZZ_POOL).length === 0;
    } catch {
      acceptable = false;
    }
    if (acceptable) throw new Error('a fail-open function failed closed on an event it could have answered as sent');
  }
  if (!invalid && !fuzzCase.fault && outcome === 'failed' && fuzzCase.kind.trigger === trigger) {
    const cause = output.records().find((record) => record.level === 'ERROR');
    throw new Error(`an intact event with healthy services failed: ${JSON.stringify(cause?.error ?? cause)}`);
  }
  return { outcome, invalid };
}

export interface FuzzOptions {
  runs: number;
  seed?: number;
}

/** Runs `runs` events through one function and returns its figures. */
export async function fuzzFunction(
  name: string,
  handler: DeclaredTriggerHandler,
  environment: FuzzEnvironment,
  options: FuzzOptions,
): Promise<FuzzFigures> {
  const trigger = triggerOfFunction(name);
  if (trigger !== handler.trigger) throw new Error(`${name}: its handler serves ${handler.trigger}, not ${trigger}`);
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const figures: FuzzFigures = {
    fn: name,
    trigger,
    failureMode: handler.failureMode,
    events: 0,
    outcomes: { answered: 0, 'failed-open': 0, refused: 0, failed: 0 },
    invalid: 0,
    faults: 0,
    failures: 0,
    ms: 0,
    seed,
  };
  // A crash outside the handler's promise (a stray rejection or throw) is a failure too.
  const strays: unknown[] = [];
  const stray = (error: unknown) => strays.push(error);
  process.on('unhandledRejection', stray);
  process.on('uncaughtException', stray);
  const startedAt = performance.now();
  let counting = true;
  try {
    const details = await fc.check(
      fc.asyncProperty(fuzzCases(trigger), async (fuzzCase) => {
        // Shrinking replays smaller cases after the first failure: those are not counted.
        const { outcome, invalid } = await checkCase(
          handler,
          name,
          environment.standIns,
          fuzzCase,
          environment.world,
        ).catch((error: unknown) => {
          if (counting) figures.failures += 1;
          counting = false;
          throw error;
        });
        if (counting) {
          figures.events += 1;
          figures.outcomes[outcome] += 1;
          if (invalid) figures.invalid += 1;
          if (fuzzCase.fault) figures.faults += 1;
        }
        if (strays.length) throw new Error(`a crash outside the handler: ${String(strays[0])}`);
      }),
      { numRuns: options.runs, seed, endOnFailure: false },
    );
    if (details.failed) {
      const example = details.counterexample?.[0];
      figures.failure =
        `${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}` +
        ` (seed ${seed}, path ${details.counterexamplePath ?? '?'}; case ${fc.stringify(example).slice(0, 2_000)})`;
    }
  } finally {
    figures.ms = Math.round(performance.now() - startedAt);
    process.off('unhandledRejection', stray);
    process.off('uncaughtException', stray);
  }
  return figures;
}
