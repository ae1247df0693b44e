/**
 * The local console's records (scripts/local/console): what an invocation's outcome is, which operation
 * caused which triggers, that secrets are gone before anything is kept, and the claims pre token
 * generation set. The page itself is tested in a browser (test/e2e/console.test.ts).
 */
import {
  createConsoleRecorder,
  invocationOutcome,
  type InvocationRecord,
} from '../../scripts/local/console/recorder.ts';
import { allowedHosts } from '../../scripts/local/console/server.ts';
import { linkUserName, preTokenChanges } from '../../scripts/local/console/try-it.ts';
import { FAILED_OPEN_LOG_MESSAGE } from '../../shared/runtime/trigger.ts';

const POOL = 'local_CognitoTriggers';
const at = (ms: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, 0, ms));

describe('invocationOutcome', () => {
  it('tells a refusal (its user-facing text), an error (its type), a fail-open answer and an answer apart', () => {
    expect(invocationOutcome({ errorType: 'UserFacingError', errorMessage: 'Not allowed' }, [])).toEqual({
      outcome: 'refused',
      reason: 'Not allowed',
    });
    expect(invocationOutcome({ errorType: 'TriggerFailure', errorMessage: 'We could not' }, [])).toEqual({
      outcome: 'error',
      reason: 'TriggerFailure',
    });
    expect(invocationOutcome(undefined, [{ level: 'ERROR', message: FAILED_OPEN_LOG_MESSAGE }])).toEqual({
      outcome: 'failed-open',
    });
    expect(invocationOutcome(undefined, [{ level: 'INFO', message: 'custom message' }])).toEqual({
      outcome: 'answered',
    });
  });
});

describe('the console recorder', () => {
  const migration = (userName: string, email: string, start: number) => ({
    at: at(start),
    durationMs: 20,
    functionName: 'migrate-user',
    event: {
      triggerSource: 'UserMigration_Authentication',
      userName,
      request: { password: 'Old-Password-42', userAttributes: { email } },
    },
    answer: { response: { userAttributes: { email, 'custom:legacy_hash': '$2b$10$abcdefghijklmnopqrstuv' } } },
    lines: ['{"level":"INFO","message":"migrated","userRef":"x","email":"jane.doe@example.com"}', 'plain text'],
  });

  it('keeps invocations without passwords, hashes or addresses', () => {
    const recorder = createConsoleRecorder(POOL);
    const record = recorder.invocation(migration('jane', 'jane.doe@example.com', 0));
    const kept = JSON.stringify(record);
    expect(kept).not.toContain('Old-Password-42');
    expect(kept).not.toContain('$2b$10$');
    expect(kept).not.toContain('jane.doe@example.com');
    expect(record).toMatchObject({ triggerSource: 'UserMigration_Authentication', outcome: 'answered' });
    expect(record.logs).toEqual([expect.objectContaining({ message: 'migrated' }), 'plain text']);
  });

  it('gives an operation the invocations of its user that ran inside it, by user name or alias, in order', () => {
    const recorder = createConsoleRecorder(POOL);
    const mine = recorder.invocation(migration('0d1e-generated', 'jane@example.com', 10));
    const later = recorder.invocation(migration('jane@example.com', 'jane@example.com', 40));
    recorder.invocation(migration('someone-else', 'john@example.com', 20));
    recorder.invocation(migration('jane@example.com', 'jane@example.com', 500));
    const operation = recorder.operation({
      at: at(0),
      durationMs: 100,
      operation: 'InitiateAuth',
      input: { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'Jane@example.com', PASSWORD: 'x' } },
    });
    expect(operation.invocations).toEqual([mine.id, later.id]);
    expect(operation).toMatchObject({ detail: 'USER_PASSWORD_AUTH', status: 'ok' });
    expect(JSON.stringify(operation)).not.toContain('Jane@example.com');
  });

  it('tells subscribers of each record, and stops when asked', () => {
    const recorder = createConsoleRecorder(POOL);
    const seen: string[] = [];
    const stop = recorder.subscribe((record) => seen.push(record.kind));
    recorder.message({ at: at(0).toISOString(), channel: 'sms', via: 'sms-outbox', to: '+15550100', text: 'hi' });
    stop();
    recorder.message({ at: at(1).toISOString(), channel: 'sms', via: 'sms-outbox', to: '+15550100', text: 'again' });
    expect(seen).toEqual(['message']);
    expect(recorder.list()).toHaveLength(2);
  });
});

describe('pre token generation changes, by claim name', () => {
  const invocation = (response: unknown) => ({ answer: { response } }) as unknown as InvocationRecord;

  it('reads V2 answers per token, groups and suppressions', () => {
    const changes = preTokenChanges(
      invocation({
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: { tenant: '[REDACTED]' }, claimsToSuppress: ['email'] },
          accessTokenGeneration: { claimsToAddOrOverride: { roles: 'x' } },
          groupOverrideDetails: { groupsToOverride: ['readers'] },
        },
      }),
    );
    expect([...changes.id]).toEqual(['tenant', 'cognito:groups', 'cognito:roles', 'cognito:preferred_role']);
    expect([...changes.access]).toEqual(['roles', 'cognito:groups']);
    expect([...changes.suppressed]).toEqual(['email']);
  });

  it('reads V1 answers for the ID token', () => {
    const changes = preTokenChanges(invocation({ claimsOverrideDetails: { claimsToAddOrOverride: { plan: 'gold' } } }));
    expect([...changes.id]).toEqual(['plan']);
    expect(changes.access.size).toBe(0);
  });
});

describe('the console is local only', () => {
  it('answers only its loopback Host', () => {
    expect([...allowedHosts(4000)]).toEqual(['127.0.0.1:4000', 'localhost:4000']);
  });

  it("finds a magic link's user name without trusting the link", () => {
    const payload = Buffer.from(JSON.stringify({ u: 'a20d941e', n: 'x' })).toString('base64url');
    expect(linkUserName(`v1.${payload}.mac`)).toBe('a20d941e');
    expect(linkUserName('not a token')).toBe('');
  });
});
