/**
 * Custom message: every source's e-mail (subject, responsive HTML) and SMS from the one template set,
 * in the user's language, with Cognito's placeholders kept verbatim for Cognito to fill in. The e-mail
 * only where the pool sends through SES (MESSAGES_EMAIL_SENDING_ACCOUNT=DEVELOPER): Cognito refuses an
 * e-mail from this trigger to any other pool, and the response check holds the answer to that.
 *
 * Failure mode: open. Whatever goes wrong, the event goes back as Cognito sent it and Cognito sends its
 * own default message: the user still gets the code, only not in our words.
 */
import { customMessage } from '../../shared/events/triggers/custom-message.ts';
import { cognitoTrigger, MetricUnit } from '../../shared/runtime/index.ts';
import { loadConfig } from './config.ts';
import { composeCustomMessage } from './message.ts';

export const handler = cognitoTrigger(
  customMessage,
  (event, { config, log, metrics }) => {
    const composed = composeCustomMessage(event, config);
    if (composed.shortForms.length)
      metrics.addMetric('ShortFormMessages', MetricUnit.Count, composed.shortForms.length);
    if (composed.defaults.length) {
      metrics.addMetric('DefaultMessages', MetricUnit.Count, composed.defaults.length);
      log.warn("message over Cognito's limits even in its short form; Cognito's default is sent", {
        parts: composed.defaults,
      });
    }
    log.info('custom message', {
      kind: composed.kind,
      locale: composed.locale,
      shortForms: composed.shortForms,
      emailByPool: composed.emailByPool,
    });
    event.response = composed.response;
    return event;
  },
  {
    config: loadConfig,
    failureMode: 'open',
    responseContext: (config) => ({ emailSendingAccount: config.emailSendingAccount }),
  },
);
