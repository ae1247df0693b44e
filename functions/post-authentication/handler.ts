/**
 * Post authentication: an audit record, the profile's last sign-in, the failure counter reset, and a
 * "new sign-in" notice for a new device. The user has signed in already: every write here fails open.
 */
import { cognitoTrigger, MetricUnit } from '../../shared/runtime/index.ts';
import { auditStore } from '../../shared/stores/audit.ts';
import { profileAttributes, profileStore } from '../../shared/stores/profiles.ts';
import { signInAttemptStore } from '../../shared/stores/sign-in-attempts.ts';
import { notificationStore } from '../../shared/stores/notifications.ts';
import { mailSender } from '../../shared/mail/sender.ts';
import { notifyOnce } from '../../shared/mail/notify.ts';
import { DAY_SECONDS } from '../../shared/mail/config.ts';
import { attemptKey } from '../../shared/stores/attempt-key.ts';
import { loadConfig } from './config.ts';
import { newSignInNotice } from './notice.ts';

const sender = mailSender();

export const handler = cognitoTrigger(
  'PostAuthentication',
  async (event, { config, log, metrics, budget, lambda }) => {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const attributes = event.request.userAttributes;
    const sub = attributes.sub ?? event.userName;
    const { newDeviceUsed } = event.request;

    const writes = await Promise.allSettled([
      auditStore(config.auditTable).recordSignIn(
        {
          sub,
          at,
          requestId: lambda.awsRequestId,
          userPoolId: event.userPoolId,
          clientId: event.callerContext.clientId ?? null,
          newDeviceUsed,
          triggerSource: event.triggerSource,
          expiresAt: Math.floor(now / 1000) + config.auditRetentionDays * DAY_SECONDS,
        },
        budget.signal,
      ),
      profileStore(config.profilesTable).recordSignIn(
        {
          sub,
          userPoolId: event.userPoolId,
          clientId: event.callerContext.clientId ?? null,
          attributes: profileAttributes(attributes),
        },
        at,
        budget.signal,
      ),
      signInAttemptStore(config.attemptsTable).reset(attemptKey(event.userPoolId, event.userName), budget.signal),
    ]);
    const names = ['AuditWriteFailures', 'ProfileWriteFailures', 'AttemptResetFailures'] as const;
    writes.forEach((write, index) => {
      if (write.status === 'rejected') {
        metrics.addMetric(names[index] ?? 'WriteFailures', MetricUnit.Count, 1);
        log.warn('post-authentication write failed; sign-in continues', {
          write: names[index],
          error: String(write.reason),
        });
      }
    });

    const notice = config.notifyNewDevice
      ? newSignInNotice({ sub, newDeviceUsed: newDeviceUsed === true, userAttributes: attributes, now })
      : undefined;
    if (notice) {
      await notifyOnce(
        { store: notificationStore(config.notificationsTable), sender, log, metrics, remainingMs: budget.remainingMs },
        {
          ...notice,
          sub,
          from: config.mail.from,
          locale: attributes.locale,
          params: { name: notice.name, appName: config.mail.appName, signInAt: at },
          expiresAt: Math.floor(now / 1000) + config.mail.recordDays * DAY_SECONDS,
        },
        budget.signal,
      ).catch((error: unknown) => {
        metrics.addMetric('NotificationFailures', MetricUnit.Count, 1);
        log.warn('new sign-in notice failed; sign-in continues', { error: String(error) });
      });
    }
    return event;
  },
  { config: loadConfig },
);
