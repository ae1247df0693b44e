/**
 * Warm latency: each function's built bundle, imported once into this process as Lambda would, invoked
 * INVOCATIONS times in a row on its sample events (events/<function>/*.json, in turn), with its stores and
 * mail pointed at local servers this suite starts itself (DynamoDB Local with the suite's tables and demo
 * data, aws-ses-v2-local, cognito-local behind the link shim) and stops after. Logs and metrics are
 * swallowed. Reports p50 and p99 of the handler's own time per invocation, and how the invocations ended.
 *
 * Each invocation speaks of a user of its own (the sample's user name and `sub` replaced by a fresh id),
 * so that it takes the path a first delivery takes: a new profile and welcome notice, a first sign-in
 * attempt. Replaying one user would time retries and, for pre authentication, a locked account. The
 * outcome counts say which paths were measured.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GENERIC_FAILURE_MESSAGE, lambdaContext, type TriggerHandler } from '../../shared/runtime/index.ts';
import { buildFunctions, DIST, functionNames, ROOT } from '../build.ts';
import {
  clientEnvironment,
  cognitoClientFor,
  LOCAL_MAIL_ENVIRONMENT,
  LOCAL_PASSWORDLESS_ENVIRONMENT,
  localTableNames,
  seedTables,
  seedUserPool,
  startCognitoLocal,
  startDatabase,
  startLinkShim,
  startSesLocal,
  tableEnvironment,
} from '../../local-cloud/index.ts';
import { median, percentile, progress, round, silenced, type SuiteResult } from './suite.ts';

const INVOCATIONS = Number(process.env.BENCH_WARM_INVOCATIONS ?? 1_000);
/** Not timed: the first invocations read the configuration, create the clients and open connections. */
const WARM_UP = 20;

interface Outcomes {
  answered: number;
  refused: number;
  failed: number;
}

export interface WarmFigures {
  name: string;
  events: string[];
  invocations: number;
  p50Ms: number;
  p99Ms: number;
  medianMs: number;
  maxMs: number;
  outcomes: Outcomes;
}

/** The sample events of a function, with the pool id of the local pool the suite started. */
function sampleEvents(name: string, userPoolId: string): Array<{ file: string; event: Record<string, unknown> }> {
  const dir = join(ROOT, 'events', name);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const event = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
      return { file, event: { ...event, userPoolId } };
    });
}

/**
 * A copy of a sample event about a user of its own: the sample's user name and `sub` replaced. A federated
 * user name keeps its provider (`Google_<id>`), so that the event still takes the federated path.
 */
export function asNewUser(sample: Record<string, unknown>, id: string): Record<string, unknown> {
  const event = structuredClone(sample);
  if (typeof event.userName === 'string') {
    const provider = /^[^_]+_/u.exec(event.userName)?.[0];
    event.userName = provider ? `${provider}${id.replaceAll('-', '')}` : id;
  }
  const attributes = (event.request as { userAttributes?: Record<string, unknown> } | undefined)?.userAttributes;
  if (attributes && typeof attributes.sub === 'string') attributes.sub = id;
  return event;
}

/** One invocation, timed from the handler call to its answer (the event copy is made before). */
async function invokeOnce(
  handler: TriggerHandler,
  name: string,
  sample: Record<string, unknown>,
): Promise<{ outcome: keyof Outcomes; ms: number }> {
  const event = asNewUser(sample, randomUUID());
  const context = lambdaContext(name);
  const started = performance.now();
  try {
    await handler(event, context);
    return { outcome: 'answered', ms: performance.now() - started };
  } catch (error) {
    const ms = performance.now() - started;
    return { outcome: error instanceof Error && error.message === GENERIC_FAILURE_MESSAGE ? 'failed' : 'refused', ms };
  }
}

async function measure(name: string, userPoolId: string): Promise<WarmFigures> {
  const events = sampleEvents(name, userPoolId);
  if (!events.length) throw new Error(`events/${name}/ has no sample event to invoke ${name} with`);
  const module = (await import(pathToFileURL(join(DIST, name, 'index.js')).href)) as { handler: TriggerHandler };
  const outcomes: Outcomes = { answered: 0, refused: 0, failed: 0 };
  const times: number[] = [];
  await silenced(async () => {
    for (let i = 0; i < WARM_UP; i += 1) await invokeOnce(module.handler, name, events[i % events.length]?.event ?? {});
    for (let i = 0; i < INVOCATIONS; i += 1) {
      const { outcome, ms } = await invokeOnce(module.handler, name, events[i % events.length]?.event ?? {});
      times.push(ms);
      outcomes[outcome] += 1;
    }
  });
  return {
    name,
    events: events.map(({ file }) => file),
    invocations: INVOCATIONS,
    p50Ms: round(percentile(times, 50), 2),
    p99Ms: round(percentile(times, 99), 2),
    medianMs: round(median(times), 2),
    maxMs: round(Math.max(...times), 2),
    outcomes,
  };
}

/** Warm p99 targets a function's issue names (pre token generation runs on every sign-in and refresh). */
export const WARM_P99_TARGETS_MS: Readonly<Record<string, number>> = { 'pre-token-generation': 20 };

export async function run(): Promise<SuiteResult> {
  // BENCH_WARM_FUNCTIONS=a,b: a quicker look at some functions.
  const only = process.env.BENCH_WARM_FUNCTIONS?.split(',').map((name) => name.trim());
  const names = functionNames().filter((name) => !only || only.includes(name));
  await buildFunctions(names);
  progress('warm: starting DynamoDB Local, SES and cognito-local');
  const stops: Array<() => Promise<void>> = [];
  const started = async <T extends { stop(): Promise<void> }>(server: Promise<T>): Promise<T> => {
    const up = await server;
    stops.push(() => up.stop());
    return up;
  };
  const environment = { ...process.env };
  const smsOutbox = mkdtempSync(join(tmpdir(), 'bench-warm-sms-'));
  stops.push(async () => rmSync(smsOutbox, { recursive: true, force: true }));
  try {
    const tables = localTableNames();
    const [dynamodb, ses, cognito] = await Promise.all([
      started(startDatabase(tables)),
      started(startSesLocal()),
      // No triggers: only the handler under measurement runs.
      started(startCognitoLocal({ lambdaEndpoint: 'http://127.0.0.1:9', triggers: {} })),
    ]);
    const shim = await started(startLinkShim(cognito.endpoint));
    await seedTables(dynamodb.endpoint, tables);
    await seedUserPool(cognitoClientFor(shim.endpoint), cognito.userPoolId);
    Object.assign(process.env, {
      ...clientEnvironment({ dynamodb, ses, cognito: { endpoint: shim.endpoint } }),
      ...tableEnvironment(tables),
      ...LOCAL_MAIL_ENVIRONMENT,
      ...LOCAL_PASSWORDLESS_ENVIRONMENT,
      MAIL_REQUIRE_VERIFIED_EMAIL: 'false',
      // Custom message composes its e-mail as well, as for the stack's pool (mailFrom set: SES).
      MESSAGES_EMAIL_SENDING_ACCOUNT: 'DEVELOPER',
      // As the local stack runs the custom senders: no local KMS (the sample events' codes are sealed for
      // the local keyring) and no local SNS (SMS to an outbox folder of this run).
      CODE_KEYRING: 'local',
      SMS_OUTBOX_DIR: smsOutbox,
    });
    delete process.env.MAIL_OUTBOX_DIR; // mail goes to the SES server, as in Lambda

    const figures: WarmFigures[] = [];
    for (const name of names) {
      progress(`warm: ${name}, ${INVOCATIONS} invocations`);
      figures.push(await measure(name, cognito.userPoolId));
    }
    const slow = figures.filter((f) => f.p99Ms > (WARM_P99_TARGETS_MS[f.name] ?? Number.POSITIVE_INFINITY));
    return {
      targets: Object.fromEntries(Object.entries(WARM_P99_TARGETS_MS).map(([name, ms]) => [`${name} p99 ms`, ms])),
      figures: { invocations: INVOCATIONS, warmUp: WARM_UP, functions: figures },
      tables: [
        {
          title: `Warm latency, in process against DynamoDB Local, aws-ses-v2-local and cognito-local (${INVOCATIONS} invocations per function)`,
          columns: ['function', 'p50 ms', 'p99 ms', 'max ms', 'answered', 'refused', 'failed', 'events'],
          rows: figures.map((f) => [
            f.name,
            f.p50Ms.toFixed(2),
            f.p99Ms.toFixed(2),
            f.maxMs.toFixed(2),
            String(f.outcomes.answered),
            String(f.outcomes.refused),
            String(f.outcomes.failed),
            String(f.events.length),
          ]),
        },
      ],
      // A failed invocation timed the generic-error path, not the function: the figures would mislead.
      misses: [
        ...figures
          .filter((f) => f.outcomes.failed > 0)
          .map(
            (f) =>
              `${f.name}: ${f.outcomes.failed} of ${f.invocations} warm invocations failed (see the function's logs)`,
          ),
        ...slow.map((f) => `${f.name}: warm p99 ${f.p99Ms} ms (target ${WARM_P99_TARGETS_MS[f.name]} ms)`),
      ],
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    for (const key of Object.keys(process.env)) if (!(key in environment)) delete process.env[key];
    Object.assign(process.env, environment);
  }
}
