/**
 * Sends one notification at most once, whatever Cognito retries, and never fails the user's flow: a
 * failed send is logged, counted and recorded as failed, so it can be found and sent again.
 */
import type { Logger, Metrics } from '../runtime/observability.ts';
import { MetricUnit } from '../runtime/observability.ts';
import { redactText } from '../runtime/redact.ts';
import { asError } from '../runtime/errors.ts';
import { DAY_SECONDS, expiresAtSeconds } from '../stores/expiry.ts';
import { occurrenceId, RETRY_SPAN_MS } from '../stores/occurrences.ts';
import type { MailConfig } from './config.ts';
import { STALE_CLAIM_MS, type NotificationKind, type NotificationStore } from '../stores/notifications.ts';
import type { MailSender } from './sender.ts';
import { renderMessage, type MessageParams } from './templates.ts';

export interface NotificationRequest {
  /** Identifies the message: a retry of the same trigger must produce the same id. */
  id: string;
  sub: string;
  kind: NotificationKind;
  to: string;
  from: string;
  locale: string | undefined;
  params: MessageParams;
  /** Epoch seconds at which the notification record expires. */
  expiresAt: number;
}

export interface NotifyDependencies {
  store: NotificationStore;
  sender: MailSender;
  log: Logger;
  metrics: Metrics;
  now?: () => number;
  /** Time left of the invocation's budget; outcome writes may use it, but at least OUTCOME_WRITE_MS. */
  remainingMs?: () => number;
}

export type NotifyOutcome = 'sent' | 'already-sent' | 'failed';

/**
 * Recording the outcome may not use the budget's signal (its running out may be why the send failed),
 * but must still end inside Cognito's wait: it gets what is left of the budget, and at least this much,
 * which fits in the budget's safety margin.
 */
const OUTCOME_WRITE_MS = 200;

export async function notifyOnce(
  deps: NotifyDependencies,
  request: NotificationRequest,
  signal?: AbortSignal,
): Promise<NotifyOutcome> {
  const now = deps.now ?? Date.now;
  const outcomeSignal = () => AbortSignal.timeout(Math.max(OUTCOME_WRITE_MS, deps.remainingMs?.() ?? 0));
  const message = renderMessage(request.kind, request.locale, request.params);
  const claimed = await deps.store.claim(
    {
      id: request.id,
      sub: request.sub,
      kind: request.kind,
      locale: message.locale,
      expiresAt: request.expiresAt,
      message: { to: request.to, from: request.from, params: request.params },
    },
    now(),
    STALE_CLAIM_MS,
    signal,
  );
  if (!claimed) {
    deps.log.info('notification already sent or in progress', { kind: request.kind });
    return 'already-sent';
  }
  let messageId: string;
  try {
    messageId = await deps.sender.send(
      { to: request.to, from: request.from, subject: message.subject, html: message.html, text: message.text },
      signal,
    );
  } catch (error) {
    // SES puts addresses in its messages (e.g. "Email address is not verified ... jane@example.com").
    const reason = redactText(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    deps.log.warn('notification not sent; recorded for retry', { kind: request.kind, error: reason });
    deps.metrics.addMetric('NotificationFailures', MetricUnit.Count, 1);
    await deps.store
      .markFailed(request.id, reason.slice(0, 500), now(), outcomeSignal())
      .catch((recordError: unknown) => {
        deps.log.error('could not record the failed notification', asError(recordError));
      });
    return 'failed';
  }
  deps.metrics.addMetric('NotificationsSent', MetricUnit.Count, 1);
  // The message is out: a failure to record it must not make anyone send it again as "failed".
  await deps.store.markSent(request.id, messageId, now(), outcomeSignal()).catch((recordError: unknown) => {
    deps.log.error('notification sent but not recorded as sent', asError(recordError));
  });
  return 'sent';
}

/** A notice a trigger decided to send (pure decision in the function, e.g. post-confirmation/messages.ts). */
export interface Notice {
  kind: NotificationKind;
  /**
   * Identifies the message: a retry of the same trigger must produce the same id. For a notice that
   * recurs, the series, whose occurrences are the messages.
   */
  id: string;
  /**
   * The notice may be due again later (a password changed, a new sign-in), and nothing in the event
   * tells a second one from a retry of the first: each occurrence of the series is one message, the
   * calls within RETRY_SPAN_MS of its first call joining it (shared/stores/occurrences.ts).
   */
  recurs?: boolean;
  to: string;
  name: string | undefined;
}

/**
 * Sends a trigger's notice once: from the suite's address, in the user's locale, its record kept for
 * MailConfig.recordDays. Never throws: the user's confirmation or sign-in has happened, and a notice that
 * cannot even be claimed is counted and logged, not allowed to fail it.
 */
export async function sendNotice(
  deps: NotifyDependencies,
  mail: MailConfig,
  notice: Notice & { sub: string; locale: string | undefined; signInAt?: string },
  signal?: AbortSignal,
): Promise<NotifyOutcome> {
  const now = (deps.now ?? Date.now)();
  try {
    const id = notice.recurs
      ? occurrenceId(notice.id, await deps.store.occurrence(notice.id, now, RETRY_SPAN_MS, signal))
      : notice.id;
    return await notifyOnce(
      deps,
      {
        id,
        sub: notice.sub,
        kind: notice.kind,
        to: notice.to,
        from: mail.from,
        locale: notice.locale,
        params: { name: notice.name, appName: mail.appName, signInAt: notice.signInAt },
        expiresAt: expiresAtSeconds(now, mail.recordDays * DAY_SECONDS),
      },
      signal,
    );
  } catch (error) {
    deps.metrics.addMetric('NotificationFailures', MetricUnit.Count, 1);
    deps.log.error('notification could not be claimed or recorded', asError(error));
    return 'failed';
  }
}
