/**
 * Sends again the notifications whose last send failed, under their original ids: a message sent in the
 * meantime (or by a concurrent retry) is not sent twice, because notifyOnce claims it first.
 */
import { notifyOnce, type NotifyDependencies, type NotifyOutcome } from './notify.ts';

export interface RetryResult {
  id: string;
  kind: string;
  outcome: NotifyOutcome;
}

export interface RetryOptions {
  /** Only this user's messages. */
  sub?: string;
  /** At most this many messages. */
  limit?: number;
}

export async function retryFailedNotifications(
  deps: NotifyDependencies,
  options: RetryOptions = {},
): Promise<RetryResult[]> {
  const results: RetryResult[] = [];
  const now = deps.now ?? Date.now;
  for await (const row of deps.store.failed({ now: now(), sub: options.sub })) {
    if (options.limit !== undefined && results.length >= options.limit) break;
    const outcome = await notifyOnce(deps, {
      id: row.id,
      sub: row.sub,
      kind: row.kind,
      ...row.message,
      locale: row.locale,
      expiresAt: row.expiresAt,
    });
    results.push({ id: row.id, kind: row.kind, outcome });
  }
  return results;
}
