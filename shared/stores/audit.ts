/**
 * The sign-in audit trail: one row per successful sign-in, no secrets, expiring by TTL. Cognito may
 * deliver post authentication more than once for one sign-in, and nothing in the retried event, nor its
 * request id (new on every attempt), tells it from a new sign-in: a sign-in is an occurrence
 * (./occurrences.ts) of its user, app client and device flag, which a retry repeats; its first attempt
 * opens it, retries within RETRY_SPAN_MS join it and write no second row.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { occurrenceStore, RETRY_SPAN_MS } from './occurrences.ts';

/** What a sign-in records; its time is the opening of its occurrence. */
export interface SignInAudit {
  sub: string;
  /** The Lambda request id of the attempt that wrote the row (the first to get there). */
  requestId: string;
  userPoolId: string;
  clientId: string | null;
  /** Absent (or null, as Cognito may send it) where the pool does not remember devices. */
  newDeviceUsed?: boolean | null;
  triggerSource: string;
  /** Epoch seconds at which DynamoDB deletes the row. */
  expiresAt: number;
}

/** The stored row: sorted by time within the user (`sk` = `<at>#<client>#<device flag>`). */
export interface SignInAuditRecord extends SignInAudit {
  /** ISO time of the sign-in: when its first attempt reached the function. */
  at: string;
  sk: string;
}

export interface AuditStore {
  /** Records the sign-in happening at `now` once, whatever Cognito retries; resolves to the row's time. */
  recordSignIn(audit: SignInAudit, now: number, signal?: AbortSignal): Promise<string>;
}

/** What a retry of a sign-in repeats, besides the user: the app client and the device flag. */
export function signInSeries(audit: Pick<SignInAudit, 'clientId' | 'newDeviceUsed'>): string {
  const device: unknown = audit.newDeviceUsed;
  return `${audit.clientId ?? '-'}#${typeof device === 'boolean' ? String(device) : '-'}`;
}

/** Occurrence rows live in a partition of their own, out of the way of a query for a user's sign-ins. */
const OCCURRENCE_PARTITION = 'occurrence#';

export function auditStore(tableName: string, client: () => DocumentClient = documentClient): AuditStore {
  return {
    async recordSignIn(audit, now, signal) {
      const series = signInSeries(audit);
      const occurrences = occurrenceStore(
        tableName,
        (sk) => ({ sub: `${OCCURRENCE_PARTITION}${audit.sub}`, sk }),
        client,
      );
      const at = new Date(await occurrences.occurrence(series, now, RETRY_SPAN_MS, signal)).toISOString();
      const item: SignInAuditRecord = { ...audit, at, sk: `${at}#${series}` };
      // A retry that joined the sign-in finds its row written (by the first attempt or an earlier retry)
      // and leaves it as it is; one whose first attempt died before writing writes it now.
      await conditionHeld(
        client().send(
          new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(sk)' }),
          { abortSignal: signal },
        ),
      );
      return at;
    },
  };
}
