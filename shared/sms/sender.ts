/**
 * Outgoing SMS. In Lambda through Amazon SNS Publish (the SNS client is on the same SDK release as the
 * suite's other clients, so a bundle holds one SDK core; AWS End User Messaging SMS would add a second
 * client family for the same send), as a transactional message from the configured origination
 * identity. Where SMS_OUTBOX_DIR is set (local invoke, the local stack: there is no local SNS server),
 * each message is written there as `sms-*.json` `{to, body}` instead.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublishCommand, SNSClient, type MessageAttributeValue } from '@aws-sdk/client-sns';
import { clientConfig } from '../aws/client-config.ts';
import { lazy } from '../lazy.ts';

export interface OutgoingSms {
  /** E.164 phone number. */
  to: string;
  body: string;
}

export interface SmsSender {
  /** Sends one message; resolves to the provider's message id. */
  send(sms: OutgoingSms, signal?: AbortSignal): Promise<string>;
}

export interface SmsSettings {
  /** AWS.MM.SMS.OriginationNumber: the phone number, short code or pool the message is sent from. */
  originationNumber?: string;
  /** AWS.SNS.SMS.SenderID, where the destination country supports sender ids. */
  senderId?: string;
  smsType: 'Transactional' | 'Promotional';
}

export const snsClient = lazy(() => new SNSClient(clientConfig()));

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

export function snsSender(settings: SmsSettings, client: () => SNSClient = snsClient): SmsSender {
  const attributes: Record<string, MessageAttributeValue> = { 'AWS.SNS.SMS.SMSType': text(settings.smsType) };
  if (settings.originationNumber) attributes['AWS.MM.SMS.OriginationNumber'] = text(settings.originationNumber);
  if (settings.senderId) attributes['AWS.SNS.SMS.SenderID'] = text(settings.senderId);
  return {
    async send(sms, signal) {
      const result = await client().send(
        new PublishCommand({ PhoneNumber: sms.to, Message: sms.body, MessageAttributes: attributes }),
        { abortSignal: signal },
      );
      return result.MessageId ?? '';
    },
  };
}

export function outboxSmsSender(directory: string): SmsSender {
  return {
    async send(sms) {
      mkdirSync(directory, { recursive: true });
      const id = createHash('sha256')
        .update(`${Date.now()}\u0000${sms.to}\u0000${Math.random()}`)
        .digest('hex')
        .slice(0, 12);
      const file = join(directory, `sms-${new Date().toISOString().replace(/[:.]/gu, '-')}-${id}.json`);
      writeFileSync(file, `${JSON.stringify({ to: sms.to, body: sms.body }, null, 2)}\n`);
      return `outbox-${id}`;
    },
  };
}

/** The sender for this environment: the outbox when SMS_OUTBOX_DIR is set, SNS otherwise. */
export function smsSender(settings: SmsSettings, env: NodeJS.ProcessEnv = process.env): SmsSender {
  const outbox = env.SMS_OUTBOX_DIR?.trim();
  return outbox ? outboxSmsSender(outbox) : snsSender(settings);
}
