/**
 * S3 for the deployed import: a client with a batch job's patience (not a trigger's 5 s), path-style
 * addressing when an endpoint override points at a local server (s3rver has no virtual-host buckets),
 * and the few object operations the import needs, streamed so a file of any size stays out of memory.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lazy } from '../lazy.ts';
import { clientConfig, jobClientSettings } from './client-config.ts';

export function importS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const settings = jobClientSettings(60_000, env);
  const local = Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
  // Checksums only where S3 requires them: a streamed upload with a default checksum is sent aws-chunked
  // with a trailer, which local servers (s3rver) store as is; S3 itself needs none for PutObject.
  return new S3Client({
    ...clientConfig(settings),
    forcePathStyle: local,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export const s3Client = lazy(() => importS3Client());

export interface ObjectHead {
  size: number;
  etag: string;
}

/** The ETag without its quotes, as S3 event records carry it. */
export const bareEtag = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '');

export async function headObject(client: S3Client, bucket: string, key: string): Promise<ObjectHead> {
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return { size: head.ContentLength ?? 0, etag: bareEtag(head.ETag) };
}

/** The object as a stream, or only `range` of it (`bytes=0-65535`). */
export async function objectStream(client: S3Client, bucket: string, key: string, range?: string): Promise<Readable> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
  if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return object.Body as Readable;
}

/** The object is no longer the version a run started from: what it planned no longer holds. */
export class ObjectChangedError extends Error {
  override readonly name = 'ObjectChangedError';
}

/**
 * The object (or `range` of it) as a stream, refused unless it is still the version `etag` names: the
 * byte ranges an import planned hold whole rows of that version only.
 */
export async function objectVersionStream(
  client: S3Client,
  bucket: string,
  key: string,
  etag: string,
  range?: string,
): Promise<Readable> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
  const body = object.Body as Readable | undefined;
  if (bareEtag(object.ETag) !== etag) {
    body?.destroy();
    throw new ObjectChangedError(`s3://${bucket}/${key} was replaced since the run began (ETag ${etag})`);
  }
  if (!body) throw new Error(`s3://${bucket}/${key} has no body`);
  return body;
}

export async function downloadToFile(client: S3Client, bucket: string, key: string, file: string): Promise<void> {
  await pipeline(await objectStream(client, bucket, key), createWriteStream(file));
}

export async function uploadFile(
  client: S3Client,
  bucket: string,
  key: string,
  file: string,
  contentType: string,
): Promise<void> {
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: createReadStream(file),
      ContentLength: statSync(file).size,
      ContentType: contentType,
    }),
  );
}

export async function putText(
  client: S3Client,
  bucket: string,
  key: string,
  text: string,
  contentType: string,
): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: contentType }));
}

/**
 * The object's text, or undefined when there is no such object. Listed first: S3 answers a GetObject of
 * a missing key 404 only to a caller whose s3:ListBucket holds for the request, and the import's roles
 * may list by prefix only (s3:prefix), which a GetObject does not carry: it would answer 403.
 */
export async function getTextIfExists(client: S3Client, bucket: string, key: string): Promise<string | undefined> {
  // The key itself sorts first among the keys it prefixes.
  const listed = await client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  if (listed.Contents?.[0]?.Key !== key) return undefined;
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
    throw error;
  }
}

/**
 * Every key under `prefix`, in S3's (UTF-8 binary) order. ListObjects (version 1) paged by Marker, the
 * last key listed: S3 answers it as it answers version 2, and s3rver cannot page version 2 (it encrypts
 * its continuation token with DES, which Node 20's OpenSSL 3 lacks: a truncated list answers 500).
 */
export async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let truncated = true;
  while (truncated) {
    const page = await client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: keys.at(-1) }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    truncated = Boolean(page.IsTruncated) && (page.Contents?.length ?? 0) > 0;
  }
  return keys;
}

export async function deleteKeys(client: S3Client, bucket: string, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
    );
  }
}
