import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirectoryUser, UserLookup } from '../../../shared/aws/cognito.ts';
import { deliveryId, senderValues, takeOverValues, unescapeHtml } from '../../../shared/codes/deliver.ts';
import { encryptCode } from '../../../shared/codes/encrypt.ts';
import { codeDecrypter } from '../../../shared/codes/keyring.ts';
import {
  sendAccountTakeOverNotice,
  sendCodeMessage,
  type Channel,
  type SenderSettings,
} from '../../../shared/codes/sender-policy.ts';
import { buildEvent } from '../../../shared/events/index.ts';
import {
  ACCOUNT_TAKE_OVER_SOURCE,
  CUSTOM_EMAIL_SENDER_SOURCES,
  CUSTOM_SMS_SENDER_SOURCES,
  type AccountTakeOverEvent,
  type CustomEmailCodeEvent,
  type CustomSmsSenderEvent,
} from '../../../shared/events/triggers/custom-sender.ts';
import { characters, LOCALES, renderEmail, renderSms, type Branding } from '../../../shared/messages/index.ts';
import { createLogger, createMetrics } from '../../../shared/runtime/observability.ts';
import type { DeliveryStore } from '../../../shared/stores/deliveries.ts';
import { captureOutput, type CapturedOutput } from '../../helpers/capture-output.ts';

const POOL = 'eu-west-1_Senders01';
const branding: Branding = {
  product: 'Acme',
  primaryColor: '#2563eb',
  backgroundColor: '#f4f5f7',
  textColor: '#1f2933',
};
const settings: SenderSettings = { messages: { branding, defaultLocale: 'en' }, signInCodeMinutes: 3 };

/** An in-memory store with the claim semantics of the DynamoDB one (tested against DynamoDB Local). */
function memoryStore() {
  const rows = new Map<string, { state: 'sending' | 'delivered'; claimedAt: number }>();
  const store: DeliveryStore = {
    async claim(id, _meta, now) {
      const row = rows.get(id);
      if (row) return row.state === 'delivered' ? 'delivered' : 'in-progress';
      rows.set(id, { state: 'sending', claimedAt: now });
      return 'claimed';
    },
    async markDelivered(id, claimedAt) {
      if (rows.get(id)?.claimedAt === claimedAt) rows.set(id, { state: 'delivered', claimedAt });
    },
    async release(id, claimedAt) {
      if (rows.get(id)?.claimedAt === claimedAt) rows.delete(id);
    },
  };
  return { store, rows };
}

interface Sent {
  to: string;
  subject?: string;
  html?: string;
  text: string;
}

function emailChannel(sent: Sent[], to: string | undefined, fail?: () => Error): Channel {
  return {
    name: 'email',
    destination: to,
    async send({ kind, locale, values, to: address }) {
      if (fail) throw fail();
      const email = renderEmail(kind, locale, values, branding);
      sent.push({ to: address, ...email });
      return 'message-id';
    },
  };
}

function smsChannel(sent: Sent[], to: string | undefined): Channel {
  return {
    name: 'sms',
    destination: to,
    async send({ kind, locale, values, to: number }) {
      sent.push({ to: number, text: renderSms(kind, locale, values, branding) });
      return 'message-id';
    },
  };
}

let dir: string;
let output: CapturedOutput;
const log = createLogger('custom-sender-test');
const metrics = createMetrics('custom-sender-test', 'CustomEmailSender');
const context = (store: DeliveryStore) => ({
  settings,
  decrypter: codeDecrypter({ kind: 'local' }),
  store,
  log,
  metrics,
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'senders-'));
  process.env.CODE_KEYRING_KEY_FILE = join(dir, 'code.key');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

async function emailEvent(
  source: CustomEmailCodeEvent['triggerSource'],
  locale: string,
  code: string | null,
  pool = POOL,
) {
  const event = buildEvent('CustomEmailSender', { triggerSource: source }) as CustomEmailCodeEvent;
  event.userPoolId = POOL;
  event.request.userAttributes = { ...event.request.userAttributes, locale, given_name: 'Zoë' };
  event.request.code = code === null ? null : await encryptCode(code, pool);
  return event;
}

async function smsEvent(source: CustomSmsSenderEvent['triggerSource'], locale: string, code: string, pool = POOL) {
  const event = buildEvent('CustomSMSSender', { triggerSource: source }) as CustomSmsSenderEvent;
  event.userPoolId = POOL;
  event.request.userAttributes = { ...event.request.userAttributes, locale };
  event.request.code = await encryptCode(code, pool);
  return event;
}

const LOCALISED_GREETING = { en: 'Hello Zoë,', de: 'Hallo Zoë,', fr: 'Bonjour Zoë,', es: 'Hola Zoë:' } as const;

const CODE_EMAIL_SOURCES = CUSTOM_EMAIL_SENDER_SOURCES.filter(
  (source): source is CustomEmailCodeEvent['triggerSource'] => source !== ACCOUNT_TAKE_OVER_SOURCE,
);

describe("the custom e-mail sender's policy", () => {
  const cases = CODE_EMAIL_SOURCES.flatMap((source) => LOCALES.map((locale) => [source, locale] as const));
  it.each(cases)(
    "%s in %s: decrypts, sends the source's message once, in the user's language",
    async (source, locale) => {
      const event = await emailEvent(source, locale, '918273');
      const sent: Sent[] = [];
      const { store } = memoryStore();
      const channel = emailChannel(sent, 'zoe@example.com');
      await expect(sendCodeMessage(event, channel, context(store))).resolves.toBe('sent');
      await expect(sendCodeMessage(structuredClone(event), channel, context(store))).resolves.toBe('already-delivered');
      expect(sent).toHaveLength(1);
      const [email] = sent;
      expect(email?.to).toBe('zoe@example.com');
      expect(email?.text.startsWith(LOCALISED_GREETING[locale])).toBe(true);
      expect(email?.html).toContain(`<html lang="${locale}">`);
      expect(email?.text).toContain('918273');
      expect(email?.html).toContain('918273');
      if (source === 'CustomEmailSender_AdminCreateUser') expect(email?.text).toContain(event.userName);
      // Logs say the source, the channel and the outcome, never the code.
      expect(output.text()).not.toContain('918273');
      expect(output.records()).toContainEqual(expect.objectContaining({ source, channel: 'email', outcome: 'sent' }));
    },
  );

  it('unescapes the temporary password Cognito HTML-escaped, and escapes it once for HTML', async () => {
    const event = await emailEvent('CustomEmailSender_AdminCreateUser', 'en', 'Tmp&amp;&lt;Pass&gt;42');
    const sent: Sent[] = [];
    await sendCodeMessage(event, emailChannel(sent, 'zoe@example.com'), context(memoryStore().store));
    expect(sent[0]?.text).toContain('Tmp&<Pass>42');
    expect(sent[0]?.html).toContain('Tmp&amp;&lt;Pass&gt;42');
  });

  it('refuses a ciphertext made for another pool, a corrupted one, and a missing code; sends nothing', async () => {
    const sent: Sent[] = [];
    const { store, rows } = memoryStore();
    const foreign = await emailEvent('CustomEmailSender_ForgotPassword', 'en', '111111', 'eu-west-1_Attacker1');
    await expect(sendCodeMessage(foreign, emailChannel(sent, 'zoe@example.com'), context(store))).resolves.toBe(
      'code-refused',
    );
    const corrupted = await emailEvent('CustomEmailSender_ForgotPassword', 'en', '111111');
    const bytes = Buffer.from(corrupted.request.code ?? '', 'base64');
    bytes[bytes.length - 30] = (bytes[bytes.length - 30] ?? 0) ^ 0xff;
    corrupted.request.code = bytes.toString('base64');
    await expect(sendCodeMessage(corrupted, emailChannel(sent, 'zoe@example.com'), context(store))).resolves.toBe(
      'code-refused',
    );
    const missing = await emailEvent('CustomEmailSender_SignUp', 'en', null);
    await expect(sendCodeMessage(missing, emailChannel(sent, 'zoe@example.com'), context(store))).resolves.toBe(
      'code-refused',
    );
    expect(sent).toEqual([]);
    expect(rows.size).toBe(0);
    expect(
      output
        .records()
        .filter((r) => r.message === 'code refused; nothing sent')
        .map((r) => r.reason),
    ).toEqual(['wrong-pool', 'undecryptable', 'empty']);
  });

  it('sends nothing to a user without an address', async () => {
    const sent: Sent[] = [];
    const event = await emailEvent('CustomEmailSender_SignUp', 'en', '123456');
    await expect(sendCodeMessage(event, emailChannel(sent, undefined), context(memoryStore().store))).resolves.toBe(
      'no-destination',
    );
    expect(sent).toEqual([]);
  });

  it("gives the claim up when the send fails, so that Lambda's retry of the event sends it", async () => {
    const event = await emailEvent('CustomEmailSender_ResendCode', 'de', '555555');
    const { store, rows } = memoryStore();
    const failing = emailChannel(
      [],
      'zoe@example.com',
      () => new Error('Email address is not verified: zoe@example.com'),
    );
    const thrown = await sendCodeMessage(event, failing, context(store)).catch((error: Error) => error);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).not.toContain('zoe@example.com');
    expect(rows.size).toBe(0);
    const sent: Sent[] = [];
    await expect(sendCodeMessage(event, emailChannel(sent, 'zoe@example.com'), context(store))).resolves.toBe('sent');
    expect(sent).toHaveLength(1);
  });
});

/** The account-takeover notification as Cognito sends it: no e-mail, nulls where it could not tell. */
function takeOverEvent(details: Partial<AccountTakeOverEvent['request']['userAttributes']> = {}): AccountTakeOverEvent {
  const event = buildEvent('CustomEmailSender', { triggerSource: ACCOUNT_TAKE_OVER_SOURCE }) as AccountTakeOverEvent;
  event.userPoolId = POOL;
  event.request.userAttributes = {
    ...event.request.userAttributes,
    ONE_CLICK_LINK_VALID: 'https://auth.example.com/feedback?valid=ValidLinkSecret0123456789',
    ONE_CLICK_LINK_INVALID: 'https://auth.example.com/feedback?invalid=InvalidLinkSecret0123456789',
    FEEDBACK_TOKEN: 'FeedbackTokenSecret0123456789',
    ...details,
  };
  return event;
}

/** A pool holding one user, or none; counts the look-ups and can fail them. */
function pool(user: DirectoryUser | undefined, fail?: () => Error) {
  const asked: Array<{ userPoolId: string; username: string }> = [];
  const findUser: UserLookup = async (userPoolId, username) => {
    asked.push({ userPoolId, username });
    if (fail) throw fail();
    return user;
  };
  return { findUser, asked };
}

const zoe = (attributes: Record<string, string> = {}): DirectoryUser => ({
  username: SAMPLE_USER,
  status: 'CONFIRMED',
  enabled: true,
  attributes: { sub: SAMPLE_USER, email: 'zoe@example.com', email_verified: 'true', given_name: 'Zoë', ...attributes },
});
const SAMPLE_USER = buildEvent('CustomEmailSender').userName;

function mailer(sent: Sent[], fail?: () => Error): Channel['send'] {
  return async ({ kind, locale, values, to }) => {
    if (fail) throw fail();
    sent.push({ to, ...renderEmail(kind, locale, values, branding) });
    return 'message-id';
  };
}

const takeOverContext = (store: DeliveryStore) => ({ settings, store, log, metrics });
const SECRETS = ['ValidLinkSecret0123456789', 'InvalidLinkSecret0123456789', 'FeedbackTokenSecret0123456789'];

describe('the account-takeover notice', () => {
  it.each(LOCALES)(
    "in %s: looks the user up, sends both links and the details once, in the user's language",
    async (locale) => {
      const event = takeOverEvent({
        CITY: 'Köln',
        COUNTRY: 'Germany',
        DEVICE_NAME: 'Firefox 120, Linux',
        LOGIN_TIME: 'Monday 09:00 UTC',
      });
      const { findUser, asked } = pool(zoe({ locale }));
      const sent: Sent[] = [];
      const { store } = memoryStore();
      await expect(
        sendAccountTakeOverNotice(event, { findUser, send: mailer(sent) }, takeOverContext(store)),
      ).resolves.toBe('sent');
      await expect(
        sendAccountTakeOverNotice(structuredClone(event), { findUser, send: mailer(sent) }, takeOverContext(store)),
      ).resolves.toBe('already-delivered');
      expect(asked[0]).toEqual({ userPoolId: POOL, username: event.userName });
      expect(sent).toHaveLength(1);
      const [email] = sent;
      expect(email?.to).toBe('zoe@example.com');
      expect(email?.text.startsWith(LOCALISED_GREETING[locale])).toBe(true);
      expect(email?.html).toContain(`<html lang="${locale}">`);
      for (const part of [email?.text, email?.html]) {
        expect(part).toContain('https://auth.example.com/feedback?valid=ValidLinkSecret0123456789');
        expect(part).toContain('https://auth.example.com/feedback?invalid=InvalidLinkSecret0123456789');
        for (const detail of ['203.0.113.7', 'Köln', 'Germany', 'Firefox 120, Linux', 'Monday 09:00 UTC'])
          expect(part).toContain(detail);
      }
      // The feedback token is for the API (UpdateAuthEventFeedback), never for the user's inbox.
      expect(email?.text).not.toContain('FeedbackTokenSecret');
      // Logs say the source and the outcome, never the links, the token, the address or where the sign-in came from.
      const logs = output.text();
      for (const secret of [...SECRETS, 'zoe@example.com', '203.0.113.7', 'Köln']) expect(logs).not.toContain(secret);
      expect(output.records()).toContainEqual(
        expect.objectContaining({ source: ACCOUNT_TAKE_OVER_SOURCE, channel: 'email', outcome: 'sent' }),
      );
    },
  );

  it('leaves out what Cognito sent as null, and writes no "null"', async () => {
    const event = takeOverEvent();
    expect(event.request.userAttributes).toMatchObject({ CITY: null, COUNTRY: null, DEVICE_NAME: null });
    const sent: Sent[] = [];
    await sendAccountTakeOverNotice(
      event,
      { findUser: pool(zoe()).findUser, send: mailer(sent) },
      takeOverContext(memoryStore().store),
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toContain('203.0.113.7');
    expect(sent[0]?.text).not.toMatch(/null|undefined/u);
    expect(sent[0]?.html).not.toMatch(/null|undefined/u);
  });

  it('sends nothing to a user who no longer exists, takes no claim, and logs no name', async () => {
    const event = takeOverEvent();
    const sent: Sent[] = [];
    const { store, rows } = memoryStore();
    await expect(
      sendAccountTakeOverNotice(
        event,
        { findUser: pool(undefined).findUser, send: mailer(sent) },
        takeOverContext(store),
      ),
    ).resolves.toBe('user-not-found');
    expect(sent).toEqual([]);
    expect(rows.size).toBe(0);
    expect(output.records()).toContainEqual(expect.objectContaining({ outcome: 'user-not-found' }));
    expect(output.text()).not.toContain(event.userName);
  });

  it('sends nothing to a user without an address', async () => {
    const sent: Sent[] = [];
    const user = zoe();
    delete user.attributes.email;
    await expect(
      sendAccountTakeOverNotice(
        takeOverEvent(),
        { findUser: pool(user).findUser, send: mailer(sent) },
        takeOverContext(memoryStore().store),
      ),
    ).resolves.toBe('no-destination');
    expect(sent).toEqual([]);
  });

  it("fails when the look-up fails, before any claim, so that Lambda's retry sends the notice once", async () => {
    const event = takeOverEvent();
    const { store, rows } = memoryStore();
    const sent: Sent[] = [];
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    await expect(
      sendAccountTakeOverNotice(
        event,
        { findUser: pool(zoe(), () => throttled).findUser, send: mailer(sent) },
        takeOverContext(store),
      ),
    ).rejects.toBe(throttled);
    expect(rows.size).toBe(0);
    await expect(
      sendAccountTakeOverNotice(event, { findUser: pool(zoe()).findUser, send: mailer(sent) }, takeOverContext(store)),
    ).resolves.toBe('sent');
    await expect(
      sendAccountTakeOverNotice(event, { findUser: pool(zoe()).findUser, send: mailer(sent) }, takeOverContext(store)),
    ).resolves.toBe('already-delivered');
    expect(sent).toHaveLength(1);
  });

  it('escapes the details in HTML', async () => {
    const event = takeOverEvent({ DEVICE_NAME: '<img src=x onerror=alert(1)>', CITY: 'Köln & Bonn' });
    const sent: Sent[] = [];
    await sendAccountTakeOverNotice(
      event,
      { findUser: pool(zoe()).findUser, send: mailer(sent) },
      takeOverContext(memoryStore().store),
    );
    expect(sent[0]?.html).not.toContain('<img');
    expect(sent[0]?.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(sent[0]?.html).toContain('Köln &amp; Bonn');
  });

  it("takes the values from Cognito's attribute names, the name from the pool", () => {
    expect(
      takeOverValues(
        {
          IP_ADDRESS: '198.51.100.1',
          CITY: null,
          COUNTRY: ' ',
          DEVICE_NAME: undefined,
          LOGIN_TIME: 't',
          ONE_CLICK_LINK_VALID: 'v',
          ONE_CLICK_LINK_INVALID: 'i',
          FEEDBACK_TOKEN: 'f',
          ACCOUNT_TAKE_OVER_ACTION: 'BLOCK',
        },
        'Zoë',
      ),
    ).toEqual({
      name: 'Zoë',
      ip: '198.51.100.1',
      time: 't',
      validLink: 'v',
      invalidLink: 'i',
      action: 'BLOCK',
      blocked: 'yes',
    });
  });
});

describe("the custom SMS sender's policy", () => {
  const cases = CUSTOM_SMS_SENDER_SOURCES.flatMap((source) => LOCALES.map((locale) => [source, locale] as const));
  it.each(cases)('%s in %s: the code in a localised SMS within 140 characters', async (source, locale) => {
    const event = await smsEvent(source, locale, '918273');
    const sent: Sent[] = [];
    await expect(sendCodeMessage(event, smsChannel(sent, '+447700900123'), context(memoryStore().store))).resolves.toBe(
      'sent',
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('+447700900123');
    expect(sent[0]?.text).toContain('918273');
    expect(characters(sent[0]?.text ?? '')).toBeLessThanOrEqual(140);
    expect(output.text()).not.toContain('918273');
  });

  it('says nothing of a phone number it has not got', async () => {
    const sent: Sent[] = [];
    const event = await smsEvent('CustomSMSSender_SignUp', 'en', '123456');
    await expect(sendCodeMessage(event, smsChannel(sent, undefined), context(memoryStore().store))).resolves.toBe(
      'no-destination',
    );
    expect(sent).toEqual([]);
  });
});

describe('delivery ids and values', () => {
  it("names an event's message the same on every delivery, and differently for the next code", async () => {
    const first = await emailEvent('CustomEmailSender_SignUp', 'en', '123456');
    expect(deliveryId('email', first)).toBe(deliveryId('email', structuredClone(first)));
    expect(deliveryId('sms', first)).not.toBe(deliveryId('email', first));
    const second = await emailEvent('CustomEmailSender_SignUp', 'en', '123456');
    expect(deliveryId('email', second)).not.toBe(deliveryId('email', first));
    expect(deliveryId('email', first)).not.toContain('123456');
    const takeOver = takeOverEvent();
    const other = structuredClone(takeOver);
    other.request.userAttributes = { ...other.request.userAttributes, EVENT_ID: 'another-event' };
    expect(deliveryId('email', other)).not.toBe(deliveryId('email', takeOver));
  });

  it('unescapes entities only', () => {
    expect(unescapeHtml('a&amp;b&lt;&gt;&quot;&#39;&#x41;&#66;&nbsp;&bogus;&#0;')).toBe('a&b<>"\'AB&nbsp;&bogus;&#0;');
    expect(
      senderValues({ action: 'SignUp', userName: 'u', userAttributes: {}, code: 'a&amp;b', signInCodeMinutes: 3 }),
    ).toEqual({ code: 'a&amp;b' });
    expect(
      senderValues({
        action: 'Authentication',
        userName: 'u',
        userAttributes: {},
        code: '1',
        name: 'Zoë',
        signInCodeMinutes: 5,
      }),
    ).toEqual({
      code: '1',
      minutes: '5',
      name: 'Zoë',
    });
  });
});
