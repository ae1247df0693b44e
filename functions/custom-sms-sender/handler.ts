/**
 * Custom SMS sender: Cognito hands over the code KMS-encrypted; this decrypts it, refuses one made for
 * another pool, and sends the source's SMS from the template set (the user's language; the short form
 * when the full one would be over 140 characters) through Amazon SNS, once per event.
 *
 * Failure mode: closed, as the e-mail sender's (asynchronous: a failure throws and Lambda delivers the
 * event again; the delivery record keeps it to one SMS). No phone number, or none in E.164: nothing sent.
 */
import { refuseLocalKeyringInLambda } from '../../shared/codes/config.ts';
import { codeDecrypter, type CodeDecrypter } from '../../shared/codes/keyring.ts';
import { SENDER_SMS } from '../../shared/codes/messages.ts';
import { sendCodeMessage } from '../../shared/codes/sender-policy.ts';
import { customSmsSender } from '../../shared/events/triggers/custom-sender.ts';
import { smsRenderer } from '../../shared/messages/index.ts';
import { cognitoTrigger } from '../../shared/runtime/index.ts';
import { smsSender, type SmsSender } from '../../shared/sms/sender.ts';
import { deliveryStore } from '../../shared/stores/deliveries.ts';
import { loadConfig } from './config.ts';

refuseLocalKeyringInLambda();

const E164 = /^\+[1-9]\d{5,14}$/u;
const render = smsRenderer(SENDER_SMS);

let decrypter: CodeDecrypter | undefined;
let sender: SmsSender | undefined;

export const handler = cognitoTrigger(
  customSmsSender,
  async (event, { config, log, metrics, budget }) => {
    const phone = event.request.userAttributes.phone_number?.trim();
    sender ??= smsSender(config.sms);
    const sms = sender;
    await sendCodeMessage(
      event,
      {
        name: 'sms',
        destination: phone && E164.test(phone) ? phone : undefined,
        send: ({ kind, locale, values, to }, signal) =>
          sms.send({ to, body: render.sms(kind, locale, values, config.messages.branding) }, signal),
      },
      {
        settings: config,
        decrypter: (decrypter ??= codeDecrypter(config.keyring)),
        store: deliveryStore(config.notificationsTable),
        log,
        metrics,
        signal: budget.signal,
        remainingMs: budget.remainingMs,
      },
    );
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
