/**
 * What the custom e-mail and SMS senders share: which message each trigger source sends, the values it
 * is filled with, the event's delivery id, and sending once per event. The decisions are pure; the
 * once-only send uses the delivery store.
 */
import { createHash } from 'node:crypto';
import type { Logger, Metrics } from '../runtime/observability.ts';
import { MetricUnit } from '../runtime/observability.ts';
import { asError } from '../runtime/errors.ts';
import { redactText } from '../runtime/redact.ts';
import type { MessageKind } from '../messages/kinds.ts';
import type { DeliveryStore } from '../stores/deliveries.ts';

/** The part of a custom sender's source after the family prefix, e.g. `SignUp`. */
export type SenderAction =
  | 'SignUp'
  | 'ResendCode'
  | 'ForgotPassword'
  | 'UpdateUserAttribute'
  | 'VerifyUserAttribute'
  | 'AdminCreateUser'
  | 'Authentication'
  | 'AccountTakeOverNotification';

export const SENDER_KINDS = {
  SignUp: 'sign-up-code',
  ResendCode: 'resend-code',
  ForgotPassword: 'forgot-password',
  UpdateUserAttribute: 'attribute-verification',
  VerifyUserAttribute: 'attribute-verification',
  AdminCreateUser: 'admin-invitation',
  Authentication: 'sign-in-code',
  AccountTakeOverNotification: 'account-takeover',
} as const satisfies Readonly<Record<SenderAction, MessageKind>>;

/** A source whose message carries a code: every one but the account-takeover notification. */
export type CodeAction = Exclude<SenderAction, 'AccountTakeOverNotification'>;

/** The kinds the custom senders send (their templates: ./messages.ts), and those that carry a code. */
export type SenderKind = (typeof SENDER_KINDS)[SenderAction];
export type CodeKind = (typeof SENDER_KINDS)[CodeAction];

export function senderAction(triggerSource: `${string}_${CodeAction}`): CodeAction;
export function senderAction(triggerSource: string): SenderAction;
export function senderAction(triggerSource: string): SenderAction {
  return triggerSource.slice(triggerSource.indexOf('_') + 1) as SenderAction;
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Cognito HTML-escapes temporary passwords before encrypting them (`&` arrives as `&amp;`): undone here,
 * so that the templates escape once, for HTML only, and text and SMS show the password as it is.
 */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/giu, (entity, name: string) => {
    if (name[0] === '#') {
      const point = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isInteger(point) && point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : entity;
    }
    return HTML_ENTITIES[name.toLowerCase()] ?? entity;
  });
}

/** The account-takeover notification's details (Cognito's attribute names) as template values. */
const TAKEOVER_VALUES: Readonly<Record<string, string>> = {
  IP_ADDRESS: 'ip',
  CITY: 'city',
  COUNTRY: 'country',
  DEVICE_NAME: 'device',
  LOGIN_TIME: 'time',
  ACCOUNT_TAKE_OVER_ACTION: 'action',
  ONE_CLICK_LINK_VALID: 'validLink',
  ONE_CLICK_LINK_INVALID: 'invalidLink',
};

export interface SenderValuesInput {
  action: CodeAction;
  userName: string;
  userAttributes: Readonly<Record<string, string>>;
  /** The code in clear. */
  code?: string;
  name?: string;
  signInCodeMinutes: number;
}

/** The values a code message is filled with (pure). */
export function senderValues(input: SenderValuesInput): Record<string, string> {
  const values: Record<string, string> = {};
  if (input.name) values.name = input.name;
  if (input.code !== undefined) {
    values.code = input.action === 'AdminCreateUser' ? unescapeHtml(input.code) : input.code;
  }
  if (input.action === 'AdminCreateUser') values.username = input.userName;
  if (input.action === 'Authentication') values.minutes = String(input.signInCodeMinutes);
  return values;
}

/**
 * The values the account-takeover notice is filled with (pure): the details Cognito gave, leaving out
 * those it sent as null or empty (a place it could not tell), and the name the pool holds for the user.
 */
export function takeOverValues(attributes: Readonly<Record<string, unknown>>, name?: string): Record<string, string> {
  const values: Record<string, string> = {};
  if (name) values.name = name;
  for (const [attribute, value] of Object.entries(TAKEOVER_VALUES)) {
    const given = attributes[attribute];
    if (typeof given === 'string' && given.trim()) values[value] = given.trim();
  }
  // The notice says so when Cognito blocked the sign-in; its other actions need no words of their own.
  if (values.action === 'BLOCK') values.blocked = 'yes';
  return values;
}

/**
 * The id of one event's message: the same for Lambda's second delivery of the event, different for the
 * next message. The code's ciphertext is fresh per message (a new data key and IV each time), so its
 * hash names the message without revealing anything of the code; the account-takeover notification,
 * which has no code, has Cognito's EVENT_ID.
 */
export function deliveryId(
  channel: 'email' | 'sms',
  event: {
    triggerSource: string;
    userPoolId: string;
    userName: string;
    request: { code?: string | null; userAttributes: Readonly<Record<string, unknown>> };
  },
): string {
  const { code, userAttributes } = event.request;
  const eventId = userAttributes.EVENT_ID;
  const identity =
    code?.trim() || (typeof eventId === 'string' && eventId) || JSON.stringify(Object.entries(userAttributes).sort());
  const digest = createHash('sha256')
    .update([channel, event.triggerSource, event.userPoolId, event.userName, identity].join('\u0000'))
    .digest('base64url');
  return `delivery#${channel}#${digest}`;
}

export type DeliveryOutcome = 'sent' | 'already-delivered' | 'in-progress';

export interface DeliverDependencies {
  store: DeliveryStore;
  log: Logger;
  metrics: Metrics;
  now?: () => number;
  /** Time left of the invocation's budget (the Lambda's remaining time less the wrapper's margin). */
  remainingMs?: () => number;
}

/**
 * Writes after the send get this long of their own (the budget's signal may be why the send failed),
 * and the send stops this long before the budget does, so that the write ends before the wrapper stops
 * waiting: an invocation that returned is frozen, and a write still under way would not happen.
 */
export const OUTCOME_WRITE_MS = 2_000;

/**
 * The claim's lease beyond the budget: the wrapper's margin and the clock difference between two
 * instances. Past it the claimer has certainly ended (Lambda stops it at its timeout).
 */
const LEASE_SLACK_MS = 1_000;

/**
 * Sends once per delivery id: claims it, sends, records it delivered. A failed send gives the claim up
 * and rethrows, so that the sender fails and Lambda delivers the event again, which then sends.
 */
export async function deliverOnce(
  deps: DeliverDependencies,
  delivery: { id: string; source: string; channel: 'email' | 'sms' },
  send: (signal?: AbortSignal) => Promise<string>,
  signal?: AbortSignal,
): Promise<DeliveryOutcome> {
  const now = deps.now ?? Date.now;
  const claimedAt = now();
  const remaining = deps.remainingMs?.();
  // Lambda's retry of an invocation cut off before it recorded the outcome (a minute later) takes the
  // claim over once the lease is past, rather than finding a send "in progress" and ending for good.
  const leaseMs = remaining === undefined ? undefined : remaining + LEASE_SLACK_MS;
  const claim = await deps.store.claim(
    delivery.id,
    { source: delivery.source, channel: delivery.channel },
    claimedAt,
    signal,
    leaseMs,
  );
  if (claim !== 'claimed') {
    deps.metrics.addMetric('DuplicateDeliveries', MetricUnit.Count, 1);
    return claim === 'delivered' ? 'already-delivered' : 'in-progress';
  }
  const left = deps.remainingMs?.();
  const sendSignal =
    left === undefined
      ? signal
      : AbortSignal.any([...(signal ? [signal] : []), AbortSignal.timeout(Math.max(0, left - OUTCOME_WRITE_MS))]);
  try {
    await send(sendSignal);
  } catch (error) {
    deps.metrics.addMetric('DeliveryFailures', MetricUnit.Count, 1);
    await deps.store
      .release(delivery.id, claimedAt, AbortSignal.timeout(OUTCOME_WRITE_MS))
      .catch((releaseError: unknown) => {
        // The claim goes stale by itself (STALE_DELIVERY_MS): Lambda's retry a minute later still sends.
        deps.log.error('could not give up the delivery claim', asError(releaseError));
      });
    // Providers put the destination in their messages ("Invalid parameter: PhoneNumber +1555...").
    throw new Error(
      `the ${delivery.channel} was not sent: ${redactText(asError(error).name + ': ' + asError(error).message)}`,
    );
  }
  deps.metrics.addMetric('MessagesSent', MetricUnit.Count, 1);
  await deps.store
    .markDelivered(delivery.id, claimedAt, now(), AbortSignal.timeout(OUTCOME_WRITE_MS))
    .catch((error: unknown) => {
      deps.log.error('message sent but not recorded as delivered', asError(error));
    });
  return 'sent';
}
