import { notifyOnce, sendNotice } from '../../../shared/mail/notify.ts';
import { opensOccurrence } from '../../../shared/stores/occurrences.ts';
import type { MailSender, OutgoingEmail } from '../../../shared/mail/sender.ts';
import type { NotificationClaim, NotificationStore } from '../../../shared/stores/notifications.ts';
import { createLogger, createMetrics } from '../../../shared/runtime/observability.ts';
import { captureOutput } from '../../helpers/capture-output.ts';

/** An in-memory store with the claim semantics of the DynamoDB one (tested against DynamoDB Local). */
function memoryStore() {
  const rows = new Map<string, { status: string; messageId?: string; reason?: string }>();
  const claims = new Map<string, NotificationClaim>();
  const openings = new Map<string, number>();
  const store: NotificationStore = {
    async occurrence(series, now, spanMs) {
      const last = openings.get(series);
      if (opensOccurrence(last, now, spanMs)) openings.set(series, now);
      return openings.get(series) ?? now;
    },
    async claim(claim: NotificationClaim) {
      const row = rows.get(claim.id);
      if (row && row.status !== 'failed') return false;
      rows.set(claim.id, { status: 'sending' });
      claims.set(claim.id, claim);
      return true;
    },
    async markSent(id, messageId) {
      rows.set(id, { status: 'sent', messageId });
    },
    async markFailed(id, reason) {
      rows.set(id, { status: 'failed', reason });
    },
    async *failed() {
      for (const [id, row] of rows) {
        const claim = claims.get(id);
        if (row.status === 'failed' && claim) yield { ...claim, failureReason: row.reason, attempts: 1 };
      }
    },
  };
  return { store, rows };
}

const request = {
  id: 's1#welcome',
  sub: 's1',
  kind: 'welcome' as const,
  to: 'jane@example.com',
  from: 'no-reply@example.com',
  locale: 'de',
  params: { name: 'Jane', appName: 'Acme' },
  expiresAt: 2_000_000_000,
};

describe('notifyOnce', () => {
  const output = captureOutput();
  afterAll(() => output.restore());
  const deps = () => ({ log: createLogger('test'), metrics: createMetrics('test', 'PostConfirmation') });

  it('sends once, however often it is asked', async () => {
    const { store, rows } = memoryStore();
    const sent: OutgoingEmail[] = [];
    const sender: MailSender = { send: async (email) => (sent.push(email), 'm-1') };
    const outcomes = [
      await notifyOnce({ ...deps(), store, sender }, request),
      await notifyOnce({ ...deps(), store, sender }, request),
    ];
    expect(outcomes).toEqual(['sent', 'already-sent']);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toBe('Willkommen bei Acme');
    expect(rows.get('s1#welcome')).toEqual({ status: 'sent', messageId: 'm-1' });
  });

  it('records a failed send for retry instead of throwing, and a retry sends it', async () => {
    const { store, rows } = memoryStore();
    const failing: MailSender = {
      send: async () => {
        throw Object.assign(new Error('Throttling: Maximum sending rate exceeded'), { name: 'Throttling' });
      },
    };
    expect(await notifyOnce({ ...deps(), store, sender: failing }, request)).toBe('failed');
    expect(rows.get('s1#welcome')).toEqual({
      status: 'failed',
      reason: 'Throttling: Throttling: Maximum sending rate exceeded',
    });
    const working: MailSender = { send: async () => 'm-2' };
    expect(await notifyOnce({ ...deps(), store, sender: working }, request)).toBe('sent');
  });
});

describe('sendNotice', () => {
  const output = captureOutput();
  afterAll(() => output.restore());
  const mail = { from: 'no-reply@example.com', appName: 'Acme', recordDays: 1 };
  const notice = { kind: 'password-changed' as const, id: 's1#password-changed', to: 'jane@example.com', name: 'Jane' };

  it('sends a recurring notice under the id of its occurrence: once per occurrence, retries joining it', async () => {
    const { store, rows } = memoryStore();
    const sent: OutgoingEmail[] = [];
    const sender: MailSender = { send: async (email) => (sent.push(email), `m-${sent.length}`) };
    const at = (now: number) => ({
      store,
      sender,
      log: createLogger('test'),
      metrics: createMetrics('test', 'PostConfirmation'),
      now: () => now,
    });
    const recurring = { ...notice, recurs: true, sub: 's1', locale: 'en' };
    expect(await sendNotice(at(1_000_000), mail, recurring)).toBe('sent');
    expect(await sendNotice(at(1_005_000), mail, recurring)).toBe('already-sent');
    expect(await sendNotice(at(1_000_000 + 6 * 60_000), mail, recurring)).toBe('sent');
    expect([...rows.keys()]).toEqual(['s1#password-changed#1000000', `s1#password-changed#${1_000_000 + 6 * 60_000}`]);
    expect(sent).toHaveLength(2);
  });

  it('sends a notice that does not recur under its own id', async () => {
    const { store, rows } = memoryStore();
    const sender: MailSender = { send: async () => 'm-1' };
    const deps = { store, sender, log: createLogger('test'), metrics: createMetrics('test', 'PostConfirmation') };
    const welcome = { ...notice, kind: 'welcome' as const, id: 's1#welcome', sub: 's1', locale: 'en' };
    expect(await sendNotice(deps, mail, welcome)).toBe('sent');
    expect([...rows.keys()]).toEqual(['s1#welcome']);
  });
});
