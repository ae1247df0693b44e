/**
 * Custom e-mail sender: Cognito hands over the code KMS-encrypted; this decrypts it, refuses one made
 * for another pool, and sends the source's message from the template set (the user's language, HTML
 * and text) through SES, once per event.
 *
 * Failure mode: closed. Cognito invokes it asynchronously and reads no answer: a failure (KMS, the
 * store or SES down) throws, Lambda delivers the event again (twice, minutes apart), and the delivery
 * record makes sure the user gets one message. A refused code or a user without an address ends
 * normally: retrying would not change it.
 */
import { refuseLocalKeyringInLambda } from '../../shared/codes/config.ts';
import { codeDecrypter, type CodeDecrypter } from '../../shared/codes/keyring.ts';
import { sendCodeMessage } from '../../shared/codes/sender-policy.ts';
import { customEmailSender } from '../../shared/events/triggers/custom-sender.ts';
import { mailSender } from '../../shared/mail/sender.ts';
import { renderEmail } from '../../shared/messages/index.ts';
import { cognitoTrigger } from '../../shared/runtime/index.ts';
import { deliveryStore } from '../../shared/stores/deliveries.ts';
import { loadConfig } from './config.ts';

refuseLocalKeyringInLambda();

const sender = mailSender();
let decrypter: CodeDecrypter | undefined;

export const handler = cognitoTrigger(
  customEmailSender,
  async (event, { config, log, metrics, budget }) => {
    const address = event.request.userAttributes.email?.trim();
    await sendCodeMessage(
      event,
      {
        name: 'email',
        destination: address || undefined,
        send: ({ kind, locale, values, to }, signal) =>
          sender.send({ to, from: config.mail.from, ...renderEmail(kind, locale, values, config.messages.branding) }, signal),
      },
      {
        settings: config,
        decrypter: (decrypter ??= codeDecrypter(config.keyring)),
        store: deliveryStore(config.notificationsTable),
        log,
        metrics,
        signal: budget.signal,
      },
    );
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
