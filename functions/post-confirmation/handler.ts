/**
 * Post confirmation: on sign-up, the user's profile (once) and a welcome e-mail (once); on a password
 * reset, a "your password was changed" notice. Mail failures never fail the confirmation.
 */
import { cognitoTrigger } from '../../shared/runtime/index.ts';
import { postConfirmation } from '../../shared/events/triggers/account-lifecycle.ts';
import { profileAttributes, profileStore } from '../../shared/stores/profiles.ts';
import { notificationStore } from '../../shared/stores/notifications.ts';
import { mailSender } from '../../shared/mail/sender.ts';
import { sendNotice } from '../../shared/mail/notify.ts';
import { loadConfig } from './config.ts';
import { confirmationMessage } from './messages.ts';

const sender = mailSender();

export const handler = cognitoTrigger(
  postConfirmation,
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
      { triggerSource: event.triggerSource, sub, userAttributes: attributes },
      config,
    );
    if (message) {
      await sendNotice(
        { store: notificationStore(config.notificationsTable), sender, log, metrics, remainingMs: budget.remainingMs },
        config.mail,
        { ...message, sub, locale: attributes.locale },
        budget.signal,
      );
    }
    return event;
  },
  { config: loadConfig, failureMode: 'open' },
);
