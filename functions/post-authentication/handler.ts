/**
 * Post authentication: an audit record, the profile's last sign-in, the failure counter reset, and a
 * "new sign-in" notice for a new device. The user has signed in already: every write here fails open.
 */
import { asError, cognitoTrigger, MetricUnit } from '../../shared/runtime/index.ts';
import { postAuthentication } from '../../shared/events/triggers/account-lifecycle.ts';
import { auditStore } from '../../shared/stores/audit.ts';
import { profileAttributes, profileStore } from '../../shared/stores/profiles.ts';
import { signInAttemptStore } from '../../shared/stores/sign-in-attempts.ts';
import { notificationStore } from '../../shared/stores/notifications.ts';
import { mailSender } from '../../shared/mail/sender.ts';
import { sendNotice } from '../../shared/mail/notify.ts';
import { DAY_SECONDS, expiresAtSeconds } from '../../shared/stores/expiry.ts';
import { attemptKey } from '../../shared/stores/attempt-key.ts';
import { loadConfig } from './config.ts';
import { newSignInNotice } from './notice.ts';

const sender = mailSender();

export const handler = cognitoTrigger(
  postAuthentication,
  async (event, { config, log, metrics, budget, lambda }) => {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const attributes = event.request.userAttributes;
    const sub = attributes.sub ?? event.userName;
    const { newDeviceUsed } = event.request;

    const clientId = event.callerContext.clientId ?? null;
    // The metric names as literal types: the operations test reads what each function emits from the code.
    type WriteFailure = 'AuditWriteFailures' | 'ProfileWriteFailures' | 'AttemptResetFailures';
    const writes: ReadonlyArray<readonly [failureMetric: WriteFailure, write: Promise<unknown>]> = [
      [
        'AuditWriteFailures',
        auditStore(config.auditTable).recordSignIn(
          {
            sub,
            requestId: lambda.awsRequestId,
            userPoolId: event.userPoolId,
            clientId,
            newDeviceUsed,
            triggerSource: event.triggerSource,
            expiresAt: expiresAtSeconds(now, config.auditRetentionDays * DAY_SECONDS),
          },
          now,
          budget.signal,
        ),
      ],
      [
        'ProfileWriteFailures',
        profileStore(config.profilesTable).recordSignIn(
          { sub, userPoolId: event.userPoolId, clientId, attributes: profileAttributes(attributes) },
          at,
          budget.signal,
        ),
      ],
      [
        'AttemptResetFailures',
        signInAttemptStore(config.attemptsTable).reset(attemptKey(event.userPoolId, event.userName), budget.signal),
      ],
    ];
    const outcomes = await Promise.allSettled(writes.map(([, write]) => write));
    outcomes.forEach((outcome, index) => {
      const failureMetric = writes[index]?.[0];
      if (outcome.status === 'rejected' && failureMetric) {
        metrics.addMetric(failureMetric, MetricUnit.Count, 1);
        log.warn('post-authentication write failed; sign-in continues', {
          write: failureMetric,
          error: asError(outcome.reason),
        });
      }
    });

    const notice = config.notifyNewDevice
      ? newSignInNotice({ sub, newDeviceUsed: newDeviceUsed === true, userAttributes: attributes })
      : undefined;
    if (notice) {
      await sendNotice(
        { store: notificationStore(config.notificationsTable), sender, log, metrics, remainingMs: budget.remainingMs },
        config.mail,
        { ...notice, sub, locale: attributes.locale, signInAt: at },
        budget.signal,
      );
    }
    return event;
  },
  { config: loadConfig, failureMode: 'open' },
);
