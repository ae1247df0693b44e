/** The sign-in audit trail: one row per successful sign-in, no secrets, expiring by TTL. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';

export interface SignInAuditRecord {
  sub: string;
  /** ISO time of the sign-in; with the request id, the sort key. */
  at: string;
  requestId: string;
  userPoolId: string;
  clientId: string | null;
  /** Absent (or null, as Cognito may send it) where the pool does not remember devices. */
  newDeviceUsed?: boolean | null;
  triggerSource: string;
  /** Epoch seconds at which DynamoDB deletes the row. */
  expiresAt: number;
}

export interface AuditStore {
  recordSignIn(record: SignInAuditRecord, signal?: AbortSignal): Promise<void>;
}

export function auditStore(tableName: string, client: () => DocumentClient = documentClient): AuditStore {
  return {
    async recordSignIn(record, signal) {
      // The same request id and time make a retried write land on the same row.
      await client().send(
        new PutCommand({ TableName: tableName, Item: { ...record, sk: `${record.at}#${record.requestId}` } }),
        {
          abortSignal: signal,
        },
      );
    },
  };
}
