/**
 * Mail senders against the local SES server and a temp directory, and send-once notifications end to
 * end: the real notification store (DynamoDB Local) and the real SES sender. No mocks. The SES mailbox
 * is shared by every test of the run: each test reads only mail to its own unique address.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../shared/aws/dynamodb.ts';
import { notifyOnce, type NotificationRequest } from '../../../shared/mail/notify.ts';
import { retryFailedNotifications } from '../../../shared/mail/retry.ts';
import { mailSender, outboxSender, sesSender, type OutgoingEmail } from '../../../shared/mail/sender.ts';
import { renderMessage } from '../../../shared/mail/templates.ts';
import { createLogger, createMetrics } from '../../../shared/runtime/observability.ts';
import { notificationStore } from '../../../shared/stores/notifications.ts';
import { captureOutput, type CapturedOutput } from '../../helpers/capture-output.ts';
import { mailTo, stack, uniqueEmail, unreachableSesSender, useLocalEndpoints } from '../../helpers/stack.ts';

const FROM = 'no-reply@example.com';

const email = (to: string, subject = `Subject ${randomUUID()}`): OutgoingEmail => ({
  to,
  from: FROM,
  subject,
  html: `<p>Hello <b>${to}</b> &amp; welcome</p>`,
  text: `Hello ${to} & welcome\n`,
});

let temp: string;

beforeAll(() => {
  // Before the first send: the lazy SES and DynamoDB clients read the endpoint variables when created.
  useLocalEndpoints();
  temp = mkdtempSync(join(tmpdir(), 'cognito-triggers-mail-'));
});

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

describe('sesSender', () => {
  it('delivers through SES (endpoint from AWS_ENDPOINT_URL_SES) with subject, HTML and text', async () => {
    expect(process.env.AWS_ENDPOINT_URL_SES).toBe(stack.ses.endpoint);
    const to = uniqueEmail('ses');
    const message = email(to);
    const messageId = await sesSender().send(message);
    expect(messageId).toBeTruthy();

    const received = await mailTo(to);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      messageId,
      from: FROM,
      destination: { to: [to], cc: [], bcc: [] },
      subject: message.subject,
      body: { html: message.html, text: message.text },
    });
  });

  it('keeps non-ASCII text intact (UTF-8), as the German templates need', async () => {
    const to = uniqueEmail('umlaut');
    const rendered = renderMessage('password-changed', 'de-AT', { name: 'Jürgen', appName: 'Größe & Co' });
    expect(rendered.subject).toBe('Ihr Passwort bei Größe & Co wurde geändert');
    await sesSender().send({ to, from: FROM, subject: rendered.subject, html: rendered.html, text: rendered.text });

    const [received] = await mailTo(to);
    expect(received?.subject).toBe(rendered.subject);
    expect(received?.body.text).toBe(rendered.text);
    expect(received?.body.html).toBe(rendered.html);
    expect(received?.body.html).toContain('Hallo Jürgen,');
    expect(received?.body.html).toContain('Größe &amp; Co');
  });

  it('rejects with the SDK error when SES cannot be reached', async () => {
    const unreachable = unreachableSesSender();
    await expect(unreachable.send(email(uniqueEmail('nowhere')))).rejects.toThrow(/ECONNREFUSED|connect/iu);
  });
});

describe('outboxSender', () => {
  it('writes one JSON file per message, creating the directory', async () => {
    const directory = join(temp, 'outbox', 'nested');
    const sender = outboxSender(directory);
    const first = email(uniqueEmail('outbox-1'));
    const second = email(uniqueEmail('outbox-2'));
    const ids = [await sender.send(first), await sender.send(second)];
    expect(ids[0]).toMatch(/^outbox-[0-9a-f]{12}$/u);
    expect(new Set(ids).size).toBe(2);

    const files = readdirSync(directory).sort();
    expect(files).toHaveLength(2);
    expect(files.every((file) => file.endsWith('.json'))).toBe(true);
    const written = files.map((file) => JSON.parse(readFileSync(join(directory, file), 'utf8')) as OutgoingEmail);
    expect(written).toEqual(expect.arrayContaining([first, second]));
    for (const message of written)
      expect(Object.keys(message).sort()).toEqual(['from', 'html', 'subject', 'text', 'to']);
  });

  it('writes nothing to SES', async () => {
    const to = uniqueEmail('outbox-only');
    await outboxSender(join(temp, 'outbox-only')).send(email(to));
    expect(await mailTo(to)).toEqual([]);
  });
});

describe('mailSender', () => {
  it('picks the outbox when MAIL_OUTBOX_DIR is set', async () => {
    const directory = join(temp, 'chosen-outbox');
    const to = uniqueEmail('chosen-outbox');
    const message = email(to);
    const id = await mailSender({ MAIL_OUTBOX_DIR: directory }).send(message);
    expect(id).toMatch(/^outbox-/u);
    const files = readdirSync(directory);
    expect(files).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(directory, files[0] ?? ''), 'utf8'))).toEqual(message);
    expect(await mailTo(to)).toEqual([]);
  });

  it.each([
    ['unset', {}],
    ['blank', { MAIL_OUTBOX_DIR: '  ' }],
  ])('picks SES when MAIL_OUTBOX_DIR is %s', async (_label, env) => {
    const to = uniqueEmail('chosen-ses');
    const message = email(to);
    const id = await mailSender(env).send(message);
    expect(id).not.toMatch(/^outbox-/u);
    const received = await mailTo(to);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ messageId: id, subject: message.subject });
  });
});

describe('notifyOnce end to end (DynamoDB Local and SES)', () => {
  let output: CapturedOutput;
  beforeAll(() => {
    output = captureOutput();
  });
  afterAll(() => output.restore());

  const tableName = () => {
    const name = stack.tables.notifications;
    if (!name) throw new Error('the local stack has no notifications table');
    return name;
  };
  const store = () => notificationStore(tableName());
  const observability = () => ({
    log: createLogger('notify-integration'),
    metrics: createMetrics('notify-integration', 'PostConfirmation'),
  });
  const stored = async (id: string) =>
    (await documentClient().send(new GetCommand({ TableName: tableName(), Key: { id }, ConsistentRead: true }))).Item;
  const request = (to: string): NotificationRequest => ({
    id: `${randomUUID()}#welcome`,
    sub: randomUUID(),
    kind: 'welcome',
    to,
    from: FROM,
    locale: 'en-GB',
    params: { name: 'Jane', appName: 'Acme' },
    expiresAt: 2_000_000_000,
  });

  it('sends once for two calls with the same id, and records the message id', async () => {
    const to = uniqueEmail('welcome');
    const req = request(to);
    const deps = { ...observability(), store: store(), sender: sesSender() };
    expect(await notifyOnce(deps, req)).toBe('sent');
    expect(await notifyOnce(deps, req)).toBe('already-sent');

    const received = await mailTo(to);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: FROM, subject: 'Welcome to Acme' });
    expect(received[0]?.body.text).toContain('Hello Jane,');
    expect(received[0]?.body.html).toContain('<p>Hello Jane,</p>');

    expect(await stored(req.id)).toMatchObject({
      id: req.id,
      status: 'sent',
      messageId: received[0]?.messageId,
      sub: req.sub,
      kind: 'welcome',
      locale: 'en',
      expiresAt: req.expiresAt,
      attempts: 1,
    });
  });

  it('sends once when two invocations race for the same id', async () => {
    const to = uniqueEmail('race');
    const req = request(to);
    const deps = { ...observability(), store: store(), sender: sesSender() };
    const outcomes = await Promise.all([notifyOnce(deps, req), notifyOnce(deps, req), notifyOnce(deps, req)]);
    expect(outcomes.sort()).toEqual(['already-sent', 'already-sent', 'sent']);
    expect(await mailTo(to)).toHaveLength(1);
  });

  it('records an unreachable SES as failed without throwing, and a retry sends it', async () => {
    const to = uniqueEmail('retry');
    const req = request(to);

    const failed = notifyOnce({ ...observability(), store: store(), sender: unreachableSesSender() }, req);
    await expect(failed).resolves.toBe('failed');
    const failedRow = await stored(req.id);
    expect(failedRow).toMatchObject({ status: 'failed', attempts: 1 });
    expect(typeof failedRow?.failureReason).toBe('string');
    expect(failedRow?.failureReason).toMatch(/ECONNREFUSED|connect/iu);
    expect(await mailTo(to)).toEqual([]);
    const warning = output.records().find((r) => r.message === 'notification not sent; recorded for retry');
    expect(warning).toMatchObject({ level: 'WARN', kind: 'welcome' });

    // The retry job rebuilds the message from the failed row alone.
    const retried = await retryFailedNotifications(
      { ...observability(), store: store(), sender: sesSender() },
      { sub: req.sub },
    );
    expect(retried).toEqual([{ id: req.id, kind: 'welcome', outcome: 'sent' }]);
    const received = await mailTo(to);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: FROM, subject: 'Welcome to Acme' });
    expect(received[0]?.body.text).toContain('Hello Jane,');
    const sentRow = await stored(req.id);
    expect(sentRow).toMatchObject({ status: 'sent', messageId: received[0]?.messageId, attempts: 2 });
    expect(sentRow).not.toHaveProperty('failureReason');

    // And once sent, it stays sent: no failed row is left to retry, and a late retry sends nothing.
    expect(
      await retryFailedNotifications({ ...observability(), store: store(), sender: sesSender() }, { sub: req.sub }),
    ).toEqual([]);
    expect(await notifyOnce({ ...observability(), store: store(), sender: sesSender() }, req)).toBe('already-sent');
    expect(await mailTo(to)).toHaveLength(1);
  });

  it('lets a failed claim reach the caller as the typed DynamoDB error, sending nothing', async () => {
    // Unlike a failed send, a claim that cannot be made is not swallowed by notifyOnce: without a
    // claim it cannot promise send-once, so it sends nothing and the caller decides. Here: no table.
    const to = uniqueEmail('no-table');
    const missing = notificationStore(`no-such-table-${randomUUID()}`);
    await expect(
      notifyOnce({ ...observability(), store: missing, sender: sesSender() }, request(to)),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await mailTo(to)).toEqual([]);
  });
});
