/**
 * Custom e-mail sender: Cognito hands over the code KMS-encrypted; this decrypts it, refuses one made
 * for another pool, and sends the source's message from the template set (the user's language, HTML
 * and text) through SES, once per event. The account-takeover notice carries no code and no address:
 * the address and language are the pool's, looked up by user name (AdminGetUser).
 *
 * Failure mode: closed. Cognito invokes it asynchronously and reads no answer: a failure (KMS, the
 * store, Cognito or SES down) throws, Lambda delivers the event again (twice, minutes apart), and the
 * delivery record makes sure the user gets one message. A refused code, a user without an address or a
 * user who no longer exists ends normally: retrying would not change it.
 */
import { cognitoUserLookup } from '../../shared/aws/cognito.ts';
import { refuseLocalKeyringInLambda } from '../../shared/codes/config.ts';
import { codeDecrypter, type CodeDecrypter } from '../../shared/codes/keyring.ts';
import { SENDER_EMAILS } from '../../shared/codes/messages.ts';
import { sendAccountTakeOverNotice, sendCodeMessage, type Channel } from '../../shared/codes/sender-policy.ts';
import { customEmailSender, isAccountTakeOver } from '../../shared/events/triggers/custom-sender.ts';
import { mailSender } from '../../shared/mail/sender.ts';
import { emailRenderer } from '../../shared/messages/index.ts';
import { cognitoTrigger } from '../../shared/runtime/index.ts';
import { deliveryStore } from '../../shared/stores/deliveries.ts';
import { loadConfig } from './config.ts';

refuseLocalKeyringInLambda();

const sender = mailSender();
const renderEmail = emailRenderer(SENDER_EMAILS);
const findUser = cognitoUserLookup();
let decrypter: CodeDecrypter | undefined;

export const handler = cognitoTrigger(
  customEmailSender,
  async (event, { config, log, metrics, budget }) => {
    const send: Channel['send'] = ({ kind, locale, values, to }, signal) =>
      sender.send(
        { to, from: config.mail.from, ...renderEmail(kind, locale, values, config.messages.branding) },
        signal,
      );
    const context = {
      settings: config,
      store: deliveryStore(config.notificationsTable),
      log,
      metrics,
      signal: budget.signal,
      remainingMs: budget.remainingMs,
    };
    if (isAccountTakeOver(event)) {
      await sendAccountTakeOverNotice(event, { findUser, send }, context);
    } else {
      const address = event.request.userAttributes.email?.trim();
      await sendCodeMessage(
        event,
        { name: 'email', destination: address || undefined, send },
        { ...context, decrypter: (decrypter ??= codeDecrypter(config.keyring)) },
      );
    }
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
