/**
 * Whether an object exists, as the import's roles may ask it: they may list the bucket only by prefix
 * (infra/import.yml, s3:prefix), and S3 answers a GetObject of a missing key 404 only to a caller whose
 * s3:ListBucket holds for that request (S3 API reference, GetObject, "Permissions"); a GetObject carries
 * no s3:prefix, so S3 answers it 403 AccessDenied. A missing summary must still read as missing.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { getTextIfExists } from '../../../shared/aws/s3.ts';

/** S3 as it answers a role whose ListBucket is limited by prefix: listing works, a missing GetObject is 403. */
function prefixLimitedS3(objects: Record<string, string>): S3Client & { operations: string[] } {
  const operations: string[] = [];
  return {
    operations,
    send: async (command: { constructor: { name: string }; input: { Key?: string; Prefix?: string } }) => {
      operations.push(command.constructor.name);
      const { Key, Prefix } = command.input;
      if (command.constructor.name === 'ListObjectsCommand') {
        const keys = Object.keys(objects)
          .filter((key) => key.startsWith(Prefix ?? ''))
          .sort();
        return { Contents: keys.slice(0, 1).map((key) => ({ Key: key })), IsTruncated: keys.length > 1 };
      }
      if (command.constructor.name === 'GetObjectCommand') {
        const text = objects[Key ?? ''];
        if (text === undefined)
          throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
        return { Body: Object.assign(Readable.from([text]), { transformToString: async () => text }) };
      }
      throw new Error(`not faked: ${command.constructor.name}`);
    },
  } as unknown as S3Client & { operations: string[] };
}

it('reads a missing object as missing under a prefix-limited ListBucket (where GetObject would answer 403)', async () => {
  const s3 = prefixLimitedS3({ 'results/users/summary.json.old': '{}' });
  await expect(getTextIfExists(s3, 'b', 'results/users/summary.json')).resolves.toBeUndefined();
  expect(s3.operations).not.toContain('GetObjectCommand');
});

it('reads an object that exists, even when longer keys share its name as a prefix', async () => {
  const s3 = prefixLimitedS3({ 'results/users/summary.json': '{"a":1}', 'results/users/summary.json.old': '{}' });
  await expect(getTextIfExists(s3, 'b', 'results/users/summary.json')).resolves.toBe('{"a":1}');
});

it('still fails on a denial that is not about a missing object', async () => {
  const s3 = prefixLimitedS3({});
  const denied = {
    ...s3,
    send: async () => Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDenied' })),
  };
  await expect(getTextIfExists(denied as unknown as S3Client, 'b', 'results/x')).rejects.toThrow('denied');
});
