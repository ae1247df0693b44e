/**
 * Outgoing e-mail. In Lambda it goes through SES; where MAIL_OUTBOX_DIR is set (local invoke, the local
 * stack's demos) each message is written there as JSON instead, for a person to open or a script to read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { clientConfig } from '../aws/client-config.ts';
import { lazy } from '../lazy.ts';

export interface OutgoingEmail {
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
}

export interface MailSender {
  /** Sends one message; resolves to the provider's message id. */
  send(email: OutgoingEmail, signal?: AbortSignal): Promise<string>;
}

export const sesClient = lazy(() => new SESClient(clientConfig()));

export function sesSender(client: () => SESClient = sesClient): MailSender {
  return {
    async send(email, signal) {
      const result = await client().send(
        new SendEmailCommand({
          Source: email.from,
          Destination: { ToAddresses: [email.to] },
          Message: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
          },
        }),
        { abortSignal: signal },
      );
      return result.MessageId ?? '';
    },
  };
}

export function outboxSender(directory: string): MailSender {
  return {
    async send(email) {
      mkdirSync(directory, { recursive: true });
      const id = createHash('sha256')
        .update(`${Date.now()}\u0000${email.to}\u0000${email.subject}\u0000${Math.random()}`)
        .digest('hex')
        .slice(0, 12);
      const file = join(directory, `${new Date().toISOString().replace(/[:.]/gu, '-')}-${id}.json`);
      writeFileSync(file, `${JSON.stringify(email, null, 2)}\n`);
      return `outbox-${id}`;
    },
  };
}

/** The sender for this environment: the outbox when MAIL_OUTBOX_DIR is set, SES otherwise. */
export function mailSender(env: NodeJS.ProcessEnv = process.env): MailSender {
  const outbox = env.MAIL_OUTBOX_DIR?.trim();
  return outbox ? outboxSender(outbox) : sesSender();
}
