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
function rebuildable(row: FailedNotification): { to: string; from: string; params: MessageParams } | undefined {
  const message = row.message;
  if (!message || typeof message.to !== 'string' || typeof message.from !== 'string') return undefined;
  const { params } = message;
  if (typeof params !== 'object' || params === null || typeof params.appName !== 'string') return undefined;
  return { to: message.to, from: message.from, params: { ...params, appName: params.appName } };
}

export async function retryFailedNotifications(
  deps: NotifyDependencies,
  options: RetryOptions = {},
): Promise<RetryResult[]> {
  const results: RetryResult[] = [];
  const now = deps.now ?? Date.now;
  for await (const row of deps.store.failed({ now: now(), sub: options.sub })) {
    if (options.limit !== undefined && results.length >= options.limit) break;
    const message = rebuildable(row);
    if (!message) {
      results.push({ id: row.id, kind: row.kind, outcome: 'not-retryable' });
      continue;
    }
    const outcome = await notifyOnce(deps, {
      id: row.id,
      sub: row.sub,
      kind: row.kind,
      ...message,
      locale: row.locale,
      expiresAt: row.expiresAt,
    });
    results.push({ id: row.id, kind: row.kind, outcome });
  }
  return results;
}
