/**
 * The custom senders' policy, one for both channels: decrypt the code, refuse one made for another pool
 * or not decryptable, fill the message of the event's source in the user's language, send it once per
 * event. Logs say the source, the channel and the outcome; never the code, the message or the address.
 */
import type { CustomEmailSenderEvent, CustomSmsSenderEvent } from '../events/triggers/custom-sender.ts';
import { displayName } from '../mail/templates.ts';
import { resolveLocale, type Locale, type MessageKind, type MessageSettings } from '../messages/index.ts';
import { KIND_SPECS } from '../messages/kinds.ts';
import type { Logger, Metrics } from '../runtime/observability.ts';
import { MetricUnit } from '../runtime/observability.ts';
import type { DeliveryStore } from '../stores/deliveries.ts';
import { deliverOnce, deliveryId, senderAction, senderValues, SENDER_KINDS } from './deliver.ts';
import { CodeRejected, type CodeDecrypter } from './keyring.ts';

export interface SenderSettings {
  messages: MessageSettings;
  /** What the sign-in (MFA) code message says about its validity; Cognito's codes last 3 minutes. */
  signInCodeMinutes: number;
}

export interface Channel {
  name: 'email' | 'sms';
  /** The address or number to send to; undefined when the user has none usable. */
  destination: string | undefined;
  send(message: { kind: MessageKind; locale: Locale; values: Record<string, string>; to: string }, signal?: AbortSignal): Promise<string>;
}

export type SenderOutcome = 'sent' | 'already-delivered' | 'in-progress' | 'no-destination' | 'code-refused' | 'not-sent-by-channel';

export interface SenderContext {
  settings: SenderSettings;
  decrypter: CodeDecrypter;
  store: DeliveryStore;
  log: Logger;
  metrics: Metrics;
  signal?: AbortSignal;
}

export async function sendCodeMessage(
  event: CustomEmailSenderEvent | CustomSmsSenderEvent,
  channel: Channel,
  context: SenderContext,
): Promise<SenderOutcome> {
  const { log, metrics } = context;
  const action = senderAction(event.triggerSource);
  const kind = SENDER_KINDS[action];
  const outcome = await decide();
  log.info('custom sender', { source: event.triggerSource, channel: channel.name, outcome });
  return outcome;

  async function decide(): Promise<SenderOutcome> {
    if (!KIND_SPECS[kind].channels.includes(channel.name)) return 'not-sent-by-channel';
    const to = channel.destination;
    if (!to) {
      metrics.addMetric('NoDestination', MetricUnit.Count, 1);
      log.warn(`the user has no ${channel.name === 'email' ? 'e-mail address' : 'usable phone number'}; nothing sent`);
      return 'no-destination';
    }
    let code: string | undefined;
    if (action !== 'AccountTakeOverNotification') {
      try {
        code = await context.decrypter.decrypt(event.request.code ?? '', event.userPoolId, context.signal);
      } catch (error) {
        if (!(error instanceof CodeRejected)) throw error;
        // A deliberate refusal: another pool's ciphertext, or one that is no code of ours. Retrying would
        // change nothing, so the function ends normally and Lambda does not deliver the event again.
        metrics.addMetric('CodesRejected', MetricUnit.Count, 1);
        log.warn('code refused; nothing sent', { reason: error.reason });
        return 'code-refused';
      }
    }
    const attributes = event.request.userAttributes;
    const values = senderValues({
      action,
      userName: event.userName,
      userAttributes: attributes,
      code,
      name: displayName(attributes),
      signInCodeMinutes: context.settings.signInCodeMinutes,
    });
    const locale = resolveLocale(event.request.clientMetadata, attributes, context.settings.messages.defaultLocale);
    return deliverOnce(
      { store: context.store, log, metrics },
      { id: deliveryId(channel.name, event), source: event.triggerSource, channel: channel.name },
      (signal) => channel.send({ kind, locale, values, to }, signal),
      context.signal,
    );
  }
}
