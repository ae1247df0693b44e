/**
 * Sends again the notifications whose last send failed, under their original ids: a message sent in the
 * meantime (or by a concurrent retry) is not sent twice, because notifyOnce claims it first.
 */
import type { FailedNotification } from '../stores/notifications.ts';
import { notifyOnce, type NotifyDependencies, type NotifyOutcome } from './notify.ts';
import type { MessageParams } from './templates.ts';

export type RetryOutcome = NotifyOutcome | 'not-retryable';

export interface RetryResult {
  id: string;
  kind: string;
  outcome: RetryOutcome;
}

export interface RetryOptions {
  /** Only this user's messages. */
  sub?: string;
  /** At most this many messages. */
  limit?: number;
}

/** A row written before messages were stored with their claim cannot be rebuilt. */
function paramsOf(row: FailedNotification): MessageParams | undefined {
  const params = row.message?.params;
  return params && typeof params.appName === 'string' ? { ...params, appName: params.appName } : undefined;
}

export async function retryFailedNotifications(
  deps: NotifyDependencies,
  options: RetryOptions = {},
): Promise<RetryResult[]> {
  const results: RetryResult[] = [];
  for await (const row of deps.store.failed({ sub: options.sub })) {
    if (options.limit !== undefined && results.length >= options.limit) break;
    const params = paramsOf(row);
    if (!row.message || !params) {
      results.push({ id: row.id, kind: row.kind, outcome: 'not-retryable' });
      continue;
    }
    const outcome = await notifyOnce(deps, {
      id: row.id,
      sub: row.sub,
      kind: row.kind,
      to: row.message.to,
      from: row.message.from,
      locale: row.locale,
      params,
      expiresAt: row.expiresAt,
    });
    results.push({ id: row.id, kind: row.kind, outcome });
  }
  return results;
}
