/**
 * The messages users would receive, from where the local stack delivers them: the e-mails the functions
 * send through the local SES (its store, by message id), and the SMS the custom SMS sender leaves in the
 * outbox (one JSON file each). cognito-local's own deliveries come from message-log.ts as they pass.
 * Both are read as data, every second while the console runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveredMessage } from '../message-log.ts';
import { sesMessages } from '../ses.ts';
import type { ConsoleRecorder } from './recorder.ts';

const POLL_MS = 1_000;

/** cognito-local's delivery (message-log.ts's fields) as a console message. */
export function cognitoDelivery(recorder: ConsoleRecorder, message: DeliveredMessage, at = new Date()): void {
  const sms = message['SMS Message'];
  recorder.message({
    at: at.toISOString(),
    channel: sms !== undefined && message['Email Message'] === undefined ? 'sms' : 'email',
    via: 'cognito',
    to: message.Destination ?? '',
    ...(message['Email Subject'] !== undefined ? { subject: message['Email Subject'] } : {}),
    // The custom message function's e-mail is HTML; cognito-local prints it as it would send it.
    ...(message['Email Message'] !== undefined
      ? /<[a-z][\s\S]*>/iu.test(message['Email Message'])
        ? { html: message['Email Message'] }
        : { text: message['Email Message'] }
      : { text: sms ?? `Code: ${message.Code ?? ''}` }),
  });
}

function outboxFiles(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((file) => file.startsWith('sms-') && file.endsWith('.json'))
      .sort();
  } catch {
    return []; // No outbox yet: no SMS sent.
  }
}

export interface MessageSources {
  /** Reads both sources once (the poll's step; tests call it to skip the wait). */
  poll(): Promise<void>;
  stop(): void;
}

export function watchMessageSources(
  recorder: ConsoleRecorder,
  sources: { sesEndpoint: string; smsOutbox: string },
): MessageSources {
  const seenMail = new Set<string>();
  // SMS left by an earlier run are not this run's.
  const seenSms = new Set<string>(outboxFiles(sources.smsOutbox));

  async function pollSes(): Promise<void> {
    for (const mail of await sesMessages(sources.sesEndpoint)) {
      if (seenMail.has(mail.messageId)) continue;
      seenMail.add(mail.messageId);
      recorder.message({
        at: new Date(mail.at * 1000).toISOString(),
        channel: 'email',
        via: 'ses',
        to: mail.destination.to.join(', '),
        subject: mail.subject,
        ...(mail.body.html ? { html: mail.body.html } : {}),
        ...(mail.body.text ? { text: mail.body.text } : {}),
      });
    }
  }

  function pollOutbox(): void {
    for (const file of outboxFiles(sources.smsOutbox)) {
      if (seenSms.has(file)) continue;
      seenSms.add(file);
      try {
        const sms = JSON.parse(readFileSync(join(sources.smsOutbox, file), 'utf8')) as { to?: string; body?: string };
        recorder.message({
          at: new Date().toISOString(),
          channel: 'sms',
          via: 'sms-outbox',
          to: sms.to ?? '',
          text: sms.body ?? '',
        });
      } catch {
        seenSms.delete(file); // Half written: read it on the next poll.
      }
    }
  }

  let running = Promise.resolve();
  const poll = () => {
    running = running.then(async () => {
      pollOutbox();
      await pollSes().catch(() => undefined);
    });
    return running;
  };
  const timer = setInterval(() => void poll(), POLL_MS);
  timer.unref();
  return { poll, stop: () => clearInterval(timer) };
}
