/**
 * At most one set of Cognito import jobs per object version. S3 delivers an event at least once, and a
 * retried function or step runs again: each would create and start its own jobs, importing the same
 * users twice over (the guide, "Creating and running the Amazon Cognito user pool import job": only one
 * import job can be active at a time per account, so a second set also queues behind the first). Before
 * any job is created the run claims the object (bucket, key, ETag) with a conditional put; a run that
 * finds the claim taken starts nothing and reports what the claim holder recorded.
 *
 * The claim lives in the legacy directory's table, under `IMPORT-JOB#...`: upper case, so it can never
 * be a (lower-case, normalised) user's key, and it holds no e-mail, so EmailIndex never lists it. At most
 * once, not exactly once: a run that dies between its claim and its jobs leaves the object's jobs unrun;
 * the claim says when it was taken, and deleting it lets a redelivery run them.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isConditionFailure } from '../aws/dynamodb.ts';
import type { ImportJobReport } from './jobs.ts';

export const IMPORT_CLAIM_PREFIX = 'IMPORT-JOB#';

export interface ClaimedObject {
  bucket: string;
  key: string;
  etag: string;
}

export interface ImportJobClaim extends ClaimedObject {
  username: string;
  claimedAt: string;
  /** The jobs the claim holder ran, once it has. */
  jobs?: ImportJobReport[];
}

export type ClaimOutcome = { claimed: true } | { claimed: false; previous: ImportJobClaim };

export interface ImportJobClaims {
  /** Claims the object's import jobs; false (with the claim found) when another run holds them. */
  claim(object: ClaimedObject): Promise<ClaimOutcome>;
  /** Records the jobs' reports in the claim, for the summary of a later delivery. */
  record(object: ClaimedObject, jobs: readonly ImportJobReport[]): Promise<void>;
}

export const claimKey = ({ bucket, key, etag }: ClaimedObject): string =>
  `${IMPORT_CLAIM_PREFIX}s3://${bucket}/${key}#${etag}`;

export function importJobClaims(
  client: DynamoDBDocumentClient,
  table: string,
  now: () => Date = () => new Date(),
): ImportJobClaims {
  return {
    async claim(object) {
      const item: ImportJobClaim = {
        username: claimKey(object),
        bucket: object.bucket,
        key: object.key,
        etag: object.etag,
        claimedAt: now().toISOString(),
      };
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: item,
            ConditionExpression: 'attribute_not_exists(username)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { claimed: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const old = (error as { Item?: Record<string, AttributeValue> }).Item;
        return { claimed: false, previous: (old ? unmarshall(old) : item) as ImportJobClaim };
      }
    },
    async record(object, jobs) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { username: claimKey(object) },
          UpdateExpression: 'SET jobs = :jobs',
          ConditionExpression: 'attribute_exists(username)',
          ExpressionAttributeValues: { ':jobs': jobs },
        }),
      );
    },
  };
}
