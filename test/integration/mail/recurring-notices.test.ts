/**
 * Notices that recur (a password changed, a new sign-in) against the real notification store (DynamoDB
 * Local) and the local SES server: a Cognito retry of one confirmation sends one notice, wherever the
 * clock stands; two resets minutes apart send two. The time of each call is given, not waited for.
 */
import { randomUUID } from 'node:crypto';
import { confirmationMessage } from '../../../functions/post-confirmation/messages.ts';
import { sendNotice } from '../../../shared/mail/notify.ts';
import { sesSender } from '../../../shared/mail/sender.ts';
import { createLogger, createMetrics } from '../../../shared/runtime/observability.ts';
import { notificationStore } from '../../../shared/stores/notifications.ts';
import { captureOutput } from '../../helpers/capture-output.ts';
import { mailTo, tableName, uniqueEmail, useLocalEndpoints } from '../../helpers/stack.ts';

const MAIL = { from: 'no-reply@example.com', appName: 'Acme', recordDays: 1 };
const rules = { requireVerifiedEmail: true, sendWelcome: true, sendPasswordChanged: true };
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
/** A whole multiple of every window length the suite has used (1 and 10 minutes): a boundary. */
const BOUNDARY = 1_800_000_000_000 - (1_800_000_000_000 % (10 * MINUTE));

beforeAll(() => useLocalEndpoints());

describe('password-changed notices', () => {
  const output = captureOutput();
  afterAll(() => output.restore());

  /** One invocation of post-confirmation for a confirmed password reset, at the given time. */
  async function confirmReset(sub: string, to: string, at: number) {
    const notice = confirmationMessage(
      {
        triggerSource: 'PostConfirmation_ConfirmForgotPassword',
        sub,
        userAttributes: { email: to, email_verified: 'true' },
      },
      rules,
    );
    if (!notice) throw new Error('no notice decided');
    return sendNotice(
      {
        store: notificationStore(tableName('notifications')),
        sender: sesSender(),
        log: createLogger('recurring-notices-test'),
        metrics: createMetrics('recurring-notices-test', 'PostConfirmation'),
        now: () => at,
      },
      MAIL,
      { ...notice, sub, locale: 'en' },
    );
  }
  const changedMail = async (to: string) =>
    (await mailTo(to)).filter((mail) => mail.subject === 'Your Acme password was changed');

  it('a retry of one confirmation sends one notice, also across a clock boundary', async () => {
    const sub = randomUUID();
    const to = uniqueEmail('reset-retry');
    expect(await confirmReset(sub, to, BOUNDARY - 2 * SECOND)).toBe('sent');
    // Cognito waits 5 s for an answer, then calls again with the same event.
    expect(await confirmReset(sub, to, BOUNDARY + 3 * SECOND)).toBe('already-sent');
    expect(await confirmReset(sub, to, BOUNDARY + 8 * SECOND)).toBe('already-sent');
    expect(await changedMail(to)).toHaveLength(1);
  });

  it('attempts of one confirmation running at once send one notice', async () => {
    const sub = randomUUID();
    const to = uniqueEmail('reset-concurrent');
    const outcomes = await Promise.all([0, 5, 10].map((seconds) => confirmReset(sub, to, BOUNDARY + seconds * SECOND)));
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(1);
    expect(await changedMail(to)).toHaveLength(1);
  });

  it('two resets minutes apart send two notices', async () => {
    const sub = randomUUID();
    const to = uniqueEmail('reset-twice');
    expect(await confirmReset(sub, to, BOUNDARY + 1 * MINUTE)).toBe('sent');
    expect(await confirmReset(sub, to, BOUNDARY + 7 * MINUTE)).toBe('sent');
    expect(await changedMail(to)).toHaveLength(2);
  });
});
