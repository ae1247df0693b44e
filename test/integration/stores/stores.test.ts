/**
 * The DynamoDB stores against DynamoDB Local, through the suite's own lazily-created document client:
 * no mocks, the tables of infra/tables.yml as the local stack created them.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { clientConfig, clientSettings } from '../../../shared/aws/client-config.ts';
import { documentClient } from '../../../shared/aws/dynamodb.ts';
import { auditStore, type SignInAudit } from '../../../shared/stores/audit.ts';
import { occurrenceStore, RETRY_SPAN_MS } from '../../../shared/stores/occurrences.ts';
import { notificationStore, STALE_CLAIM_MS, type NotificationClaim } from '../../../shared/stores/notifications.ts';
import { retryFailedNotifications } from '../../../shared/mail/retry.ts';
import { createLogger, createMetrics } from '../../../shared/runtime/observability.ts';
import { profileAttributes, profileStore, type Profile } from '../../../shared/stores/profiles.ts';
import { signInAttemptStore } from '../../../shared/stores/sign-in-attempts.ts';
import { auditRecordsOf, stack, tableName, useLocalEndpoints } from '../../helpers/stack.ts';

const table = tableName;

/** Reads a row straight from the table, bypassing the store under test. */
async function row(tableKey: string, key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: table(tableKey), Key: key, ConsistentRead: true }),
  );
  return Item;
}

const unique = (label: string) => `${label}-${randomUUID()}`;

beforeAll(() => {
  // Before the first store call: the lazy client reads the endpoint variables when it is created.
  useLocalEndpoints();
});

describe('SDK configuration', () => {
  it('reaches DynamoDB Local through AWS_ENDPOINT_URL_DYNAMODB alone (no endpoint in code)', async () => {
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(stack.dynamodb.endpoint);
    const { TableNames = [] } = await documentClient().send(new ListTablesCommand({}));
    expect(TableNames).toEqual(expect.arrayContaining(Object.values(stack.tables)));
  });

  it('gives clients two attempts by default', async () => {
    expect(clientSettings({}).maxAttempts).toBe(2);
    expect(clientConfig(clientSettings({})).maxAttempts).toBe(2);
    const client = new DynamoDBClient(clientConfig(clientSettings({})));
    try {
      expect(await client.config.maxAttempts()).toBe(2);
    } finally {
      client.destroy();
    }
    // The shared client, built from this process's environment (which sets no AWS_SDK_MAX_ATTEMPTS).
    expect(process.env.AWS_SDK_MAX_ATTEMPTS).toBeUndefined();
    expect(await documentClient().config.maxAttempts()).toBe(2);
  });

  it('honours AWS_SDK_MAX_ATTEMPTS within bounds', () => {
    expect(clientSettings({ AWS_SDK_MAX_ATTEMPTS: '3' }).maxAttempts).toBe(3);
  });
});

describe('profile store', () => {
  const store = () => profileStore(table('profiles'));
  const profile = (sub: string, createdAt: string, name: string): Profile => ({
    sub,
    userPoolId: 'us-east-1_local',
    clientId: 'client-1',
    attributes: { email: `${sub}@example.com`, given_name: name },
    createdAt,
  });

  it('creates a profile once: a second write for the same sub is refused and changes nothing', async () => {
    const sub = unique('sub');
    const first = profile(sub, '2024-01-01T00:00:00.000Z', 'Jane');
    expect(await store().createOnce(first)).toBe('created');
    expect(await store().createOnce(profile(sub, '2024-06-01T00:00:00.000Z', 'Changed'))).toBe('exists');
    expect(await store().get(sub)).toEqual(first);
  });

  it('writes a client id of null and reads it back', async () => {
    const sub = unique('sub');
    const created = { ...profile(sub, '2024-01-01T00:00:00.000Z', 'Jane'), clientId: null };
    await store().createOnce(created);
    expect(await store().get(sub)).toEqual(created);
  });

  it('returns undefined for a sub without a profile', async () => {
    expect(await store().get(unique('missing'))).toBeUndefined();
  });

  it('records a sign-in on an existing profile', async () => {
    const sub = unique('sub');
    const created = profile(sub, '2024-01-01T00:00:00.000Z', 'Jane');
    await store().createOnce(created);
    const signIn = {
      sub,
      userPoolId: 'other-pool',
      clientId: 'other-client',
      attributes: { email: 'new@example.com' },
    };
    await store().recordSignIn(signIn, '2024-02-02T10:00:00.000Z');
    // Only the sign-in time changes on an existing profile.
    expect(await store().get(sub)).toEqual({ ...created, lastSignInAt: '2024-02-02T10:00:00.000Z' });
    await store().recordSignIn(signIn, '2024-03-03T10:00:00.000Z');
    expect((await store().get(sub))?.lastSignInAt).toBe('2024-03-03T10:00:00.000Z');
  });

  it('creates the profile of a user who signs in without one (confirmed before the suite, or a failed write)', async () => {
    const sub = unique('earlier');
    const signIn = { sub, userPoolId: 'pool-1', clientId: null, attributes: { email: 'jane@example.com' } };
    await store().recordSignIn(signIn, '2024-02-02T10:00:00.000Z');
    expect(await store().get(sub)).toEqual({
      ...signIn,
      createdAt: '2024-02-02T10:00:00.000Z',
      lastSignInAt: '2024-02-02T10:00:00.000Z',
    });
  });

  it('keeps attributes but not Cognito bookkeeping, the sub or anything that looks like a secret', () => {
    expect(
      profileAttributes({
        sub: 'abc',
        email: 'jane@example.com',
        given_name: 'Jane',
        'cognito:user_status': 'CONFIRMED',
        'cognito:mfa_enabled': 'false',
        'custom:password_hash': 'x',
        'custom:api_secret': 'x',
        'custom:refresh_token': 'x',
        'custom:OTP_seed': 'x',
        'custom:Password': 'x',
        'custom:tier': 'gold',
      }),
    ).toEqual({ email: 'jane@example.com', given_name: 'Jane', 'custom:tier': 'gold' });
  });

  it('stores the filtered attributes as given, without secrets reaching the table', async () => {
    const sub = unique('sub');
    const attributes = profileAttributes({ sub, email: 'a@example.com', 'custom:password_hash': 'x' });
    await store().createOnce({ ...profile(sub, '2024-01-01T00:00:00.000Z', 'A'), attributes });
    expect((await row('profiles', { sub }))?.attributes).toEqual({ email: 'a@example.com' });
  });
});

describe('sign-in attempt store', () => {
  const store = () => signInAttemptStore(table('signInAttempts'));
  const EXPIRES = 2_000_000_000;

  it('counts concurrent attempts atomically', async () => {
    const key = unique('pool#user');
    const records = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store().countAttempt(key, 1_000 + i, EXPIRES)),
    );
    expect(records.map((r) => r.attempts).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(records.every((r) => r.lockedUntil === undefined)).toBe(true);
    const stored = await row('signInAttempts', { id: key });
    expect(stored?.attempts).toBe(20);
  });

  it('stores the expiry (TTL) and the time of the last attempt', async () => {
    const key = unique('pool#user');
    expect(await store().countAttempt(key, 1_234, EXPIRES)).toEqual({ attempts: 1, lockedUntil: undefined });
    expect(await row('signInAttempts', { id: key })).toEqual({
      id: key,
      attempts: 1,
      lastAttemptAt: 1_234,
      expiresAt: EXPIRES,
    });
    await store().countAttempt(key, 5_678, EXPIRES + 60);
    expect(await row('signInAttempts', { id: key })).toMatchObject({
      attempts: 2,
      lastAttemptAt: 5_678,
      expiresAt: EXPIRES + 60,
    });
  });

  it('locks, and a later lock does not replace the lock in force', async () => {
    const key = unique('pool#user');
    await store().countAttempt(key, 1_000, EXPIRES);
    expect(await store().lock(key, 50_000)).toBe(50_000);
    expect((await row('signInAttempts', { id: key }))?.lockedUntil).toBe(50_000);

    await store().lock(key, 90_000);
    // The condition keeps the first lock in the table.
    expect((await row('signInAttempts', { id: key }))?.lockedUntil).toBe(50_000);
    // And the count reports it.
    expect(await store().countAttempt(key, 2_000, EXPIRES)).toEqual({ attempts: 2, lockedUntil: 50_000 });
  });

  it('locks nothing when a success reset the count in between', async () => {
    const key = unique('pool#user');
    await store().countAttempt(key, 1_000, EXPIRES);
    await store().reset(key);
    expect(await store().lock(key, 50_000)).toBe(50_000);
    expect(await row('signInAttempts', { id: key })).toBeUndefined();
  });

  it('returns the lock in force when another lock was set first', async () => {
    const key = unique('pool#user');
    await store().countAttempt(key, 1_000, EXPIRES);
    await store().lock(key, 50_000);
    const inForce = await store().lock(key, 90_000);
    const stored = (await row('signInAttempts', { id: key }))?.lockedUntil;
    expect(stored).toBe(50_000);
    expect(inForce).toBe(stored);
  });

  it('restarts the count once a lock has run out, and keeps counting under a lock in force', async () => {
    const key = unique('pool#user');
    for (let i = 0; i < 4; i++) await store().countAttempt(key, 1_000 + i, EXPIRES);
    await store().lock(key, 50_000);
    expect(await store().countAttempt(key, 49_999, EXPIRES)).toEqual({ attempts: 5, lockedUntil: 50_000 });

    expect(await store().countAttempt(key, 50_000, EXPIRES)).toEqual({ attempts: 1 });
    const restarted = await row('signInAttempts', { id: key });
    expect(restarted).toMatchObject({ attempts: 1, expiresAt: EXPIRES });
    expect(restarted).not.toHaveProperty('lockedUntil');
    expect(await store().countAttempt(key, 50_001, EXPIRES)).toEqual({ attempts: 2, lockedUntil: undefined });
  });

  it('lets exactly one of many concurrent attempts restart an expired lock; the others count after it', async () => {
    const key = unique('pool#user');
    for (let i = 0; i < 4; i++) await store().countAttempt(key, 1_000 + i, EXPIRES);
    await store().lock(key, 50_000);
    const records = await Promise.all(Array.from({ length: 30 }, () => store().countAttempt(key, 60_000, EXPIRES)));
    expect(records.map((r) => r.attempts).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await row('signInAttempts', { id: key }))?.attempts).toBe(30);
  });

  it('reset deletes the row (and resetting a missing row is fine)', async () => {
    const key = unique('pool#user');
    await store().countAttempt(key, 1_000, EXPIRES);
    await store().lock(key, 50_000);
    await store().reset(key);
    expect(await row('signInAttempts', { id: key })).toBeUndefined();
    await expect(store().reset(key)).resolves.toBeUndefined();
    expect(await store().countAttempt(key, 2_000, EXPIRES)).toEqual({ attempts: 1, lockedUntil: undefined });
  });
});

describe('audit store', () => {
  const store = () => auditStore(table('audit'));
  const audit = (sub: string, requestId: string, clientId: string | null = null): SignInAudit => ({
    sub,
    requestId,
    userPoolId: 'us-east-1_local',
    clientId,
    newDeviceUsed: true,
    triggerSource: 'PostAuthentication_Authentication',
    expiresAt: 2_000_000_000,
  });
  const rowsOf = (sub: string) => auditRecordsOf(documentClient(), sub);
  const time = (iso: string) => Date.parse(iso);

  it('writes one row per sign-in, keyed by its time, client and device flag', async () => {
    const sub = unique('sub');
    expect(await store().recordSignIn(audit(sub, 'req-1'), time('2024-01-01T10:00:00.000Z'))).toBe(
      '2024-01-01T10:00:00.000Z',
    );
    expect(await rowsOf(sub)).toEqual([
      { ...audit(sub, 'req-1'), at: '2024-01-01T10:00:00.000Z', sk: '2024-01-01T10:00:00.000Z#-#true' },
    ]);
  });

  it('a Cognito retry (new request id, seconds later, across a minute) leaves one row, the first', async () => {
    const sub = unique('sub');
    await store().recordSignIn(audit(sub, 'req-1'), time('2024-01-01T09:59:58.000Z'));
    expect(await store().recordSignIn(audit(sub, 'req-2'), time('2024-01-01T10:00:03.000Z'))).toBe(
      '2024-01-01T09:59:58.000Z',
    );
    await store().recordSignIn(audit(sub, 'req-3'), time('2024-01-01T10:00:08.000Z'));
    expect(await rowsOf(sub)).toEqual([
      expect.objectContaining({ at: '2024-01-01T09:59:58.000Z', requestId: 'req-1' }),
    ]);
  });

  it('attempts of one sign-in running at once leave one row', async () => {
    const sub = unique('sub');
    const at = time('2024-01-01T10:00:00.000Z');
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => store().recordSignIn(audit(sub, `req-${i}`), at + i * 1_000)),
    );
    expect(await rowsOf(sub)).toHaveLength(1);
  });

  it('keeps separate sign-ins apart: minutes apart, or through another client at the same moment', async () => {
    const sub = unique('sub');
    await store().recordSignIn(audit(sub, 'req-1', 'web'), time('2024-01-01T10:00:00.000Z'));
    await store().recordSignIn(audit(sub, 'req-2', 'mobile'), time('2024-01-01T10:00:00.000Z'));
    await store().recordSignIn(audit(sub, 'req-3', 'web'), time('2024-01-01T10:02:00.000Z'));
    expect((await rowsOf(sub)).map((item) => item.sk)).toEqual([
      '2024-01-01T10:00:00.000Z#mobile#true',
      '2024-01-01T10:00:00.000Z#web#true',
      '2024-01-01T10:02:00.000Z#web#true',
    ]);
  });
});

describe('occurrences', () => {
  const occurrences = () => occurrenceStore(table('notifications'), (series) => ({ id: series }));

  it('opens at the first call, joins calls within the span, opens again after it', async () => {
    const series = unique('sub#password-changed');
    expect(await occurrences().occurrence(series, 1_000_000)).toBe(1_000_000);
    expect(await occurrences().occurrence(series, 1_000_000 + RETRY_SPAN_MS - 1)).toBe(1_000_000);
    expect(await occurrences().occurrence(series, 1_000_000 + RETRY_SPAN_MS)).toBe(1_000_000 + RETRY_SPAN_MS);
    expect(await row('notifications', { id: series })).toEqual({
      id: series,
      openedAt: 1_000_000 + RETRY_SPAN_MS,
      expiresAt: Math.ceil((1_000_000 + 2 * RETRY_SPAN_MS) / 1000),
    });
  });

  it('concurrent calls agree on one opening', async () => {
    const series = unique('sub#password-changed');
    const openings = await Promise.all(
      Array.from({ length: 10 }, (_, i) => occurrences().occurrence(series, 5_000_000 + i * 100)),
    );
    expect(new Set(openings).size).toBe(1);
  });
});

describe('notification store', () => {
  const store = () => notificationStore(table('notifications'));
  const STALE_MS = 60_000;
  const claimOf = (id: string): NotificationClaim => ({
    id,
    sub: 'sub-1',
    kind: 'welcome',
    locale: 'en',
    expiresAt: 2_000_000_000,
    message: { to: 'jane@example.com', from: 'no-reply@example.com', params: { appName: 'Acme' } },
  });
  const stored = (id: string) => row('notifications', { id });

  it('lists a claim left sending by an invocation that ended before recording its outcome as failed, and the retry sends it', async () => {
    // The notice's send failed and the wrapper's deadline cut off markFailed: the row stayed `sending`.
    const id = unique('sub-stale#welcome');
    const claimedAt = Date.now() - STALE_CLAIM_MS - 1_000;
    expect(await store().claim({ ...claimOf(id), sub: id }, claimedAt, STALE_CLAIM_MS)).toBe(true);
    const live = unique('sub-live#welcome');
    expect(await store().claim({ ...claimOf(live), sub: live }, Date.now(), STALE_CLAIM_MS)).toBe(true);
    const listed = async (sub: string) => {
      const rows = [];
      for await (const failed of store().failed({ now: Date.now(), sub })) rows.push(failed.id);
      return rows;
    };
    expect(await listed(id)).toEqual([id]);
    // A live claim (younger than any invocation can run) is not another's to send.
    expect(await listed(live)).toEqual([]);
    const sent: string[] = [];
    const results = await retryFailedNotifications(
      {
        store: store(),
        sender: { send: async (mail) => (sent.push(mail.to), 'message-1') },
        log: createLogger('retry-test'),
        metrics: createMetrics('retry-test', 'RetryNotifications'),
      },
      { sub: id },
    );
    expect(results).toEqual([{ id, kind: 'welcome', outcome: 'sent' }]);
    expect(sent).toEqual(['jane@example.com']);
    expect(await stored(id)).toMatchObject({ status: 'sent', messageId: 'message-1' });
  });

  it('claims a new message once; a live claim blocks others', async () => {
    const id = unique('sub-1#welcome');
    expect(await store().claim(claimOf(id), 1_000_000, STALE_MS)).toBe(true);
    expect(await stored(id)).toEqual({
      id,
      status: 'sending',
      claimedAt: 1_000_000,
      sub: 'sub-1',
      kind: 'welcome',
      locale: 'en',
      expiresAt: 2_000_000_000,
      message: { to: 'jane@example.com', from: 'no-reply@example.com', params: { appName: 'Acme' } },
      attempts: 1,
    });
    expect(await store().claim(claimOf(id), 1_000_001, STALE_MS)).toBe(false);
    // Exactly at the stale limit the claim is still live.
    expect(await store().claim(claimOf(id), 1_000_000 + STALE_MS, STALE_MS)).toBe(false);
    expect(await stored(id)).toMatchObject({ status: 'sending', claimedAt: 1_000_000, attempts: 1 });
  });

  it('of concurrent claims exactly one wins', async () => {
    const id = unique('sub-1#welcome');
    const results = await Promise.all(Array.from({ length: 10 }, () => store().claim(claimOf(id), 1_000, STALE_MS)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await stored(id))?.attempts).toBe(1);
  });

  it('a sent message is never claimed again, however old', async () => {
    const id = unique('sub-1#welcome');
    await store().claim(claimOf(id), 1_000, STALE_MS);
    await store().markSent(id, 'ses-message-1', 2_000);
    expect(await stored(id)).toMatchObject({ status: 'sent', messageId: 'ses-message-1', sentAt: 2_000 });
    // The recipient and parameters were kept for a retry only.
    expect(await stored(id)).not.toHaveProperty('message');
    expect(await store().claim(claimOf(id), 3_000, STALE_MS)).toBe(false);
    expect(await store().claim(claimOf(id), 10_000_000, STALE_MS)).toBe(false);
    expect(await stored(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a failed message may be claimed again (retry), and sending it clears the failure', async () => {
    const id = unique('sub-1#welcome');
    await store().claim(claimOf(id), 1_000, STALE_MS);
    await store().markFailed(id, 'MessageRejected: Email address is not verified', 2_000);
    expect(await stored(id)).toMatchObject({
      status: 'failed',
      failureReason: 'MessageRejected: Email address is not verified',
      failedAt: 2_000,
      attempts: 1,
    });
    expect(await store().claim(claimOf(id), 3_000, STALE_MS)).toBe(true);
    expect(await stored(id)).toMatchObject({ status: 'sending', claimedAt: 3_000, attempts: 2 });
    expect(await store().claim(claimOf(id), 3_001, STALE_MS)).toBe(false);

    await store().markSent(id, 'ses-message-2', 4_000);
    const sent = await stored(id);
    expect(sent).toMatchObject({ status: 'sent', messageId: 'ses-message-2', sentAt: 4_000, attempts: 2 });
    expect(sent).not.toHaveProperty('failureReason');
  });

  it("lists a user's failed messages, with what it takes to send them again", async () => {
    const sub = unique('sub');
    const [failedId, sentId, expiredId] = [`${sub}#welcome`, `${sub}#password-changed#1`, `${sub}#new-sign-in#2`];
    for (const id of [failedId, sentId]) await store().claim({ ...claimOf(id), sub }, 1_000, STALE_MS);
    // Expired (TTL deletes late): not to be sent any more.
    await store().claim({ ...claimOf(expiredId), sub, expiresAt: 1_000 }, 1_000, STALE_MS);
    for (const id of [failedId, expiredId]) await store().markFailed(id, 'Throttling', 2_000);
    await store().markSent(sentId, 'm-1', 2_000);
    const failed = [];
    for await (const row of store().failed({ now: 1_000_000_000, sub })) failed.push(row);
    expect(failed).toEqual([
      expect.objectContaining({
        id: failedId,
        sub,
        kind: 'welcome',
        failureReason: 'Throttling',
        message: claimOf('x').message,
      }),
    ]);
  });

  it('a claim older than staleAfterMs may be taken again; each claim counts an attempt', async () => {
    const id = unique('sub-1#welcome');
    expect(await store().claim(claimOf(id), 1_000, STALE_MS)).toBe(true);
    expect(await store().claim(claimOf(id), 1_000 + STALE_MS + 1, STALE_MS)).toBe(true);
    expect(await stored(id)).toMatchObject({ status: 'sending', claimedAt: 1_000 + STALE_MS + 1, attempts: 2 });
    expect(await store().claim(claimOf(id), 1_000 + STALE_MS + 2, STALE_MS)).toBe(false);
    expect((await stored(id))?.attempts).toBe(2);
  });
});

describe('DynamoDB failures', () => {
  const missing = `no-such-table-${randomUUID()}`;
  const expectMissingTable = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('ResourceNotFoundException');
  };

  it('a store pointed at a table that does not exist rejects with ResourceNotFoundException', async () => {
    await expectMissingTable(profileStore(missing).get('sub'));
    await expectMissingTable(
      profileStore(missing).createOnce({
        sub: 's',
        userPoolId: 'p',
        clientId: null,
        attributes: {},
        createdAt: '2024-01-01T00:00:00.000Z',
      }),
    );
    // Errors that are not a failed condition are not swallowed as "no profile".
    await expectMissingTable(
      profileStore(missing).recordSignIn(
        { sub: 's', userPoolId: 'p', clientId: null, attributes: {} },
        '2024-01-01T00:00:00.000Z',
      ),
    );
    await expectMissingTable(signInAttemptStore(missing).countAttempt('k', 1, 2));
    await expectMissingTable(signInAttemptStore(missing).lock('k', 1));
    await expectMissingTable(signInAttemptStore(missing).reset('k'));
    await expectMissingTable(
      auditStore(missing).recordSignIn(
        {
          sub: 's',
          requestId: 'r',
          userPoolId: 'p',
          clientId: null,
          newDeviceUsed: false,
          triggerSource: 't',
          expiresAt: 1,
        },
        1,
      ),
    );
    await expectMissingTable(notificationStore(missing).claim(claimFor('x'), 1, 1));
    await expectMissingTable(notificationStore(missing).occurrence('x', 1));
    await expectMissingTable(notificationStore(missing).markSent('x', 'm', 1));
    await expectMissingTable(notificationStore(missing).markFailed('x', 'r', 1));
  });

  it('the same store keeps working for the real table after a failure elsewhere', async () => {
    await expectMissingTable(profileStore(missing).get('sub'));
    expect(await profileStore(table('profiles')).get(unique('sub'))).toBeUndefined();
  });
});

function claimFor(id: string): NotificationClaim {
  return {
    id,
    sub: 's',
    kind: 'welcome',
    locale: 'en',
    expiresAt: 1,
    message: { to: 't', from: 'f', params: { appName: 'App' } },
  };
}
