/**
 * A local S3 (s3rver, in this process) with the import bucket, delivering each object-created event
 * under imports/ to the batch-import function through the Lambda endpoint, asynchronously as S3 does
 * (invocation type Event), with the key URL-encoded as S3 sends it.
 */
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS } from './dynamodb.ts';
import { keepIdleConnections, LOCALHOST } from './ports.ts';

export const LOCAL_IMPORT_BUCKET = 'cognito-triggers-local-imports';

interface S3rverEvent {
  Records: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string } } }>;
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  /** The HTTP server run() started. */
  httpServer?: Server;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3rverEvent) => void): void;
}

type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/** A key as S3 puts it in an event: URL-encoded, a space as +, the slashes kept. */
export const eventKey = (key: string) =>
  key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');

export interface LocalS3Options {
  bucket?: string;
  /** Where to deliver import events: the Lambda endpoint and function. */
  deliverTo?: { lambdaEndpoint: string; functionName: string };
  onDeliveryError?: (error: unknown) => void;
}

export async function startS3Local(options: LocalS3Options = {}): Promise<LocalS3> {
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as S3rverClass;
  // s3rver knows one key pair (S3RVER); the stack's clients all sign with the local one.
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  DUMMY_ACCOUNT.createKeyPair(LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey);
  const bucket = options.bucket ?? LOCAL_IMPORT_BUCKET;
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: LOCALHOST,
    port: 0,
    silent: true,
    directory,
    resetOnClose: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  server.on('event', (event) => {
    const deliver = options.deliverTo;
    const record = event.Records[0];
    // The notification is the import bucket's configuration: other buckets' objects are delivered nowhere.
    if (!deliver || !record?.eventName.startsWith('ObjectCreated:') || record.s3.bucket.name !== bucket) return;
    const key = record.s3.object.key;
    if (!key.startsWith('imports/') || !/\.csv$/i.test(key)) return;
    const sent = {
      Records: [{ ...record, s3: { ...record.s3, object: { ...record.s3.object, key: eventKey(key) } } }],
    };
    fetch(`${deliver.lambdaEndpoint}/2015-03-31/functions/${deliver.functionName}/invocations`, {
      method: 'POST',
      headers: { 'x-amz-invocation-type': 'Event' },
      body: JSON.stringify(sent),
    })
      .then((response) => response.body?.cancel())
      .catch((error: unknown) => options.onDeliveryError?.(error));
  });
  const { port } = await server.run();
  if (server.httpServer) keepIdleConnections(server.httpServer);
  return {
    endpoint: `http://${LOCALHOST}:${port}`,
    bucket,
    stop: async () => {
      const closed = server.close();
      server.httpServer?.closeAllConnections();
      await closed;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
