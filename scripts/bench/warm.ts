/**
 * Warm latency: each function's built bundle, imported once into this process as Lambda would, invoked
 * INVOCATIONS times in a row on its sample events (events/<function>/*.json, in turn), with its stores and
 * mail pointed at local servers this suite starts itself (DynamoDB Local with the suite's tables and demo
 * data, aws-ses-v2-local, cognito-local behind the link shim) and stops after. Logs and metrics are
 * swallowed. Reports p50 and p99 of the handler's own time per invocation, and how the invocations ended.
 *
 * The samples are replayed as they are: a retried confirmation finds its profile and notice already
 * there, a repeated sign-in attempt may find the account locked. That is the path a warm container takes
 * on retries, and the outcome counts say which one was measured.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GENERIC_FAILURE_MESSAGE, lambdaContext, type TriggerHandler } from '../../shared/runtime/index.ts';
import { buildFunctions, DIST, functionNames, ROOT } from '../build.ts';
import {
  clientEnvironment,
  cognitoClientFor,
  LOCAL_MAIL_ENVIRONMENT,
  localTableNames,
  seedTables,
  seedUserPool,
  startCognitoLocal,
  startDatabase,
  startLinkShim,
  startSesLocal,
  tableEnvironment,
} from '../local/index.ts';
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

async function invokeOnce(
  handler: TriggerHandler,
  name: string,
  event: Record<string, unknown>,
): Promise<keyof Outcomes> {
  try {
    await handler(structuredClone(event), lambdaContext(name));
    return 'answered';
  } catch (error) {
    return error instanceof Error && error.message === GENERIC_FAILURE_MESSAGE ? 'failed' : 'refused';
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
      const event = events[i % events.length]?.event ?? {};
      const started = performance.now();
      const outcome = await invokeOnce(module.handler, name, event);
      times.push(performance.now() - started);
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

export async function run(): Promise<SuiteResult> {
  const names = functionNames();
  await buildFunctions(names);
  progress('warm: starting DynamoDB Local, SES and cognito-local');
  const stops: Array<() => Promise<void>> = [];
  const started = async <T extends { stop(): Promise<void> }>(server: Promise<T>): Promise<T> => {
    const up = await server;
    stops.push(() => up.stop());
    return up;
  };
  const environment = { ...process.env };
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
      MAIL_REQUIRE_VERIFIED_EMAIL: 'false',
    });
    delete process.env.MAIL_OUTBOX_DIR; // mail goes to the SES server, as in Lambda

    const figures: WarmFigures[] = [];
    for (const name of names) {
      progress(`warm: ${name}, ${INVOCATIONS} invocations`);
      figures.push(await measure(name, cognito.userPoolId));
    }
    return {
      targets: {},
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
      misses: figures
        .filter((f) => f.outcomes.failed > 0)
        .map(
          (f) =>
            `${f.name}: ${f.outcomes.failed} of ${f.invocations} warm invocations failed (see the function's logs)`,
        ),
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    for (const key of Object.keys(process.env)) if (!(key in environment)) delete process.env[key];
    Object.assign(process.env, environment);
  }
}
