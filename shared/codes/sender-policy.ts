/**
 * The custom senders' policy, one for both channels: decrypt the code, refuse one made for another pool
 * or not decryptable, fill the message of the event's source in the user's language, send it once per
 * event. The account-takeover notice has no code and no address: the user is looked up by user name.
 * Logs say the source, the channel and the outcome; never the code, the links, the message or the
 * address.
 */
import type { UserLookup } from '../aws/cognito.ts';
import type {
  AccountTakeOverEvent,
  CustomEmailCodeEvent,
  CustomSmsSenderEvent,
} from '../events/triggers/custom-sender.ts';
import { displayName } from '../mail/templates.ts';
import { resolveLocale, type Locale, type MessageKind, type MessageSettings } from '../messages/index.ts';
import { KIND_SPECS } from '../messages/kinds.ts';
import type { Logger, Metrics } from '../runtime/observability.ts';
import { MetricUnit } from '../runtime/observability.ts';
import type { DeliveryStore } from '../stores/deliveries.ts';
import {
  deliverOnce,
  deliveryId,
  senderAction,
  senderValues,
  SENDER_KINDS,
  takeOverValues,
  type DeliveryOutcome,
} from './deliver.ts';
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
  send(
    message: { kind: MessageKind; locale: Locale; values: Record<string, string>; to: string },
    signal?: AbortSignal,
  ): Promise<string>;
}

export type SenderOutcome =
  'sent' | 'already-delivered' | 'in-progress' | 'no-destination' | 'code-refused' | 'not-sent-by-channel';
export type NoticeOutcome = DeliveryOutcome | 'no-destination' | 'user-not-found';

export interface SenderContext {
  settings: SenderSettings;
  decrypter: CodeDecrypter;
  store: DeliveryStore;
  log: Logger;
  metrics: Metrics;
  signal?: AbortSignal;
  /** Time left of the invocation's budget: the delivery keeps time to record its outcome. */
  remainingMs?: () => number;
}

export async function sendCodeMessage(
  event: CustomEmailCodeEvent | CustomSmsSenderEvent,
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
    let code: string;
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
      { store: context.store, log, metrics, remainingMs: context.remainingMs },
      { id: deliveryId(channel.name, event), source: event.triggerSource, channel: channel.name },
      (signal) => channel.send({ kind, locale, values, to }, signal),
      context.signal,
    );
  }
}

/**
 * The account-takeover notice: Cognito rated a sign-in as risky and hands over its details and the two
 * one-click links, but not the user's address. The user is looked up by user name; one who no longer
 * exists gets nothing and the function ends normally (a retry would find no one either). Any other
 * failure of the lookup is thrown: Lambda delivers the event again, and the delivery claim, taken only
 * once the address is known, still sends the notice once.
 */
export async function sendAccountTakeOverNotice(
  event: AccountTakeOverEvent,
  mail: { findUser: UserLookup; send: Channel['send'] },
  context: Omit<SenderContext, 'decrypter'>,
): Promise<NoticeOutcome> {
  const { log, metrics } = context;
  const outcome = await decide();
  log.info('custom sender', { source: event.triggerSource, channel: 'email', outcome });
  return outcome;

  async function decide(): Promise<NoticeOutcome> {
    const user = await mail.findUser(event.userPoolId, event.userName, context.signal);
    if (!user) {
      // The log's userRef (a keyed hash of the user name) names the user; the name itself is not logged.
      metrics.addMetric('UsersNotFound', MetricUnit.Count, 1);
      log.warn('the user of the account-takeover notice no longer exists; nothing sent');
      return 'user-not-found';
    }
    const to = user.attributes.email?.trim();
    if (!to) {
      metrics.addMetric('NoDestination', MetricUnit.Count, 1);
      log.warn('the user has no e-mail address; nothing sent');
      return 'no-destination';
    }
    const kind = SENDER_KINDS.AccountTakeOverNotification;
    const locale = resolveLocale(
      event.request.clientMetadata,
      user.attributes,
      context.settings.messages.defaultLocale,
    );
    const values = takeOverValues(event.request.userAttributes, displayName(user.attributes));
    return deliverOnce(
      { store: context.store, log, metrics, remainingMs: context.remainingMs },
      { id: deliveryId('email', event), source: event.triggerSource, channel: 'email' },
      (signal) => mail.send({ kind, locale, values, to }, signal),
      context.signal,
    );
  }
}
