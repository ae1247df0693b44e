/**
 * Post confirmation: on sign-up, the user's profile (once) and a welcome e-mail (once); on a password
 * reset, a "your password was changed" notice. Mail failures never fail the confirmation.
 */
import { cognitoTrigger, MetricUnit } from '../../shared/runtime/index.ts';
import { profileAttributes, profileStore } from '../../shared/stores/profiles.ts';
import { notificationStore } from '../../shared/stores/notifications.ts';
import { mailSender } from '../../shared/mail/sender.ts';
import { notifyOnce } from '../../shared/mail/notify.ts';
import { DAY_SECONDS } from '../../shared/mail/config.ts';
import { loadConfig } from './config.ts';
import { confirmationMessage } from './messages.ts';

const sender = mailSender();

export const handler = cognitoTrigger(
  'PostConfirmation',
  async (event, { config, log, metrics, budget }) => {
    const attributes = event.request.userAttributes;
    const sub = attributes.sub ?? event.userName;
    const now = Date.now();

    if (event.triggerSource === 'PostConfirmation_ConfirmSignUp') {
      const outcome = await profileStore(config.profilesTable).createOnce(
        {
          sub,
          userPoolId: event.userPoolId,
          clientId: event.callerContext.clientId ?? null,
          attributes: profileAttributes(attributes),
          createdAt: new Date(now).toISOString(),
        },
        budget.signal,
      );
      log.info('profile', { outcome });
    }

    const message = confirmationMessage(
      { triggerSource: event.triggerSource, sub, userAttributes: attributes, now },
      config,
    );
    if (message) {
      const store = notificationStore(config.notificationsTable);
      await notifyOnce(
        { store, sender, log, metrics, remainingMs: budget.remainingMs },
        {
          ...message,
          sub,
          from: config.mail.from,
          locale: attributes.locale,
          params: { name: message.name, appName: config.mail.appName },
          expiresAt: Math.floor(now / 1000) + config.mail.recordDays * DAY_SECONDS,
        },
        budget.signal,
      ).catch((error: unknown) => {
        // The user is confirmed whatever happens here; a lost notice must not fail the confirmation.
        metrics.addMetric('NotificationFailures', MetricUnit.Count, 1);
        log.error(
          'notification could not be claimed or recorded',
          error instanceof Error ? error : new Error(String(error)),
        );
      });
    }
    return event;
  },
  { config: loadConfig },
);
