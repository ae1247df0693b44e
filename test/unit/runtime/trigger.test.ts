import { createHmac } from 'node:crypto';
import { jest } from '@jest/globals';
import { buildEvent, type PreSignUpEvent } from '../../../shared/events/index.ts';
import {
  cognitoTrigger,
  GENERIC_FAILURE_MESSAGE,
  lambdaContext,
  UserFacingError,
  COGNITO_TRIGGER_TIMEOUT_MS,
  userNameHash,
} from '../../../shared/runtime/index.ts';
import { captureOutput, type CapturedOutput } from '../../helpers/capture-output.ts';

const SECRETS = {
  password: 'Hunter2-Correct-Horse',
  code: '739214',
  email: 'jane.secret.person@example.org',
  phone: '+447700900456',
  jwt: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
  passwordHash: '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy',
  ciphertext: 'AYADeHpXZm9vYmFyYmF6cXV4Y29ycmVjdGhvcnNlYmF0dGVyeXN0YXBsZQ==',
};

/** The pseudonym as shared/runtime/observability.ts computes it, for a known key. */
const userNameHashWithKey = (key: string, userPoolId: string, userName: string) =>
  createHmac('sha256', key).update(`${userPoolId}\u0000${userName.toLowerCase()}`).digest('hex').slice(0, 16);

function invokeWith(
  handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>,
  event: unknown,
) {
  return handler(event, lambdaContext('test-function'));
}

describe('cognitoTrigger', () => {
  let output: CapturedOutput;
  const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;
  beforeEach(() => {
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    output = captureOutput();
  });
  afterEach(() => {
    output.restore();
    process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
  });

  it('hands the policy a checked event and returns its checked answer', async () => {
    const handler = cognitoTrigger('PreSignUp', (event) => {
      event.response.autoConfirmUser = true;
      return event;
    });
    const result = (await invokeWith(handler, buildEvent('PreSignUp'))) as PreSignUpEvent;
    expect(result.response.autoConfirmUser).toBe(true);
  });

  it('keeps the message of a UserFacingError', async () => {
    const handler = cognitoTrigger('PreSignUp', () => {
      throw new UserFacingError('Please use your work address.', 'domain-not-allowed');
    });
    await expect(invokeWith(handler, buildEvent('PreSignUp'))).rejects.toThrow('Please use your work address.');
    const denied = output.records().find((r) => r.message === 'request denied');
    expect(denied?.reason).toBe('domain-not-allowed');
  });

  it('replaces any other error with the generic message, and logs the cause', async () => {
    const handler = cognitoTrigger('PreSignUp', () => {
      throw new Error('connect ECONNREFUSED 10.0.0.12:443 (table prod-users)');
    });
    const failure = invokeWith(handler, buildEvent('PreSignUp'));
    await expect(failure).rejects.toThrow(GENERIC_FAILURE_MESSAGE);
    await failure.catch((error: Error) => expect(error.message).not.toContain('ECONNREFUSED'));
    expect(output.text()).toContain('ECONNREFUSED');
  });

  it('rejects a malformed event with the generic message and logs the precise problem', async () => {
    const policy = jest.fn((event: PreSignUpEvent) => event);
    const handler = cognitoTrigger('PreSignUp', policy);
    const malformed = buildEvent('PreSignUp', { request: { userAttributes: { email: 7 as unknown as string } } });
    await expect(invokeWith(handler, malformed)).rejects.toThrow(GENERIC_FAILURE_MESSAGE);
    expect(policy).not.toHaveBeenCalled();
    expect(output.text()).toContain('request.userAttributes.email: expected string, got number');
  });

  it('fails in our code when the answer would fail in Cognito', async () => {
    const handler = cognitoTrigger('CustomMessage', (event) => {
      event.response.emailMessage = 'Welcome! No code here.';
      return event;
    });
    await expect(invokeWith(handler, buildEvent('CustomMessage'))).rejects.toThrow(GENERIC_FAILURE_MESSAGE);
    expect(output.text()).toContain('response.emailMessage: must contain the code placeholder {####}');
  });

  it('emits EMF metrics per trigger and outcome', async () => {
    const allowed = cognitoTrigger('PreSignUp', (event) => event);
    const denied = cognitoTrigger('PreSignUp', () => {
      throw new UserFacingError('No.');
    });
    const failing = cognitoTrigger('PreSignUp', () => {
      throw new Error('boom');
    });
    await invokeWith(allowed, buildEvent('PreSignUp'));
    await invokeWith(denied, buildEvent('PreSignUp')).catch(() => undefined);
    await invokeWith(failing, buildEvent('PreSignUp')).catch(() => undefined);
    const metrics = output.records().filter((r) => r._aws);
    expect(metrics).toHaveLength(3);
    expect(metrics.map((m) => [m.trigger, m.Invocations, m.Allowed, m.Denied, m.Errors])).toEqual([
      ['PreSignUp', 1, 1, undefined, undefined],
      ['PreSignUp', 1, undefined, 1, undefined],
      ['PreSignUp', 1, undefined, undefined, 1],
    ]);
    for (const m of metrics) expect(typeof m.Duration).toBe('number');
  });

  it('logs correlation keys, with the user name only as a keyed hash (userRef)', async () => {
    const handler = cognitoTrigger('PreSignUp', (event, { log }) => {
      log.info('deciding');
      return event;
    });
    const event = buildEvent('PreSignUp', { userName: SECRETS.email });
    await invokeWith(handler, event);
    const line = output.records().find((r) => r.message === 'deciding');
    expect(line).toMatchObject({
      triggerSource: 'PreSignUp_SignUp',
      userPoolId: event.userPoolId,
      clientId: event.callerContext.clientId,
      function_request_id: expect.any(String),
    });
    expect(line?.userRef).toMatch(/^[0-9a-f]{16}$/);
    // Nothing in the log line is the key: the pseudonym cannot be recomputed from the pool id.
    expect(line?.userRef).not.toBe(userNameHashWithKey(event.userPoolId, event.userPoolId, SECRETS.email));
  });

  it('derives userRef from LOG_HASH_KEY when set, so it is stable across instances', () => {
    const previous = process.env.LOG_HASH_KEY;
    process.env.LOG_HASH_KEY = 'k'.repeat(32);
    try {
      expect(userNameHash('pool', 'Jane@Example.com')).toBe(
        userNameHashWithKey('k'.repeat(32), 'pool', 'jane@example.com'),
      );
    } finally {
      if (previous === undefined) delete process.env.LOG_HASH_KEY;
      else process.env.LOG_HASH_KEY = previous;
    }
  });

  it('gives the policy the time left of the 5-second budget', async () => {
    let remaining = 0;
    let signal: AbortSignal | undefined;
    const handler = cognitoTrigger('PreSignUp', (event, { budget }) => {
      remaining = budget.remainingMs();
      signal = budget.signal;
      return event;
    });
    await handler(buildEvent('PreSignUp'), lambdaContext('fn', 60_000));
    expect(remaining).toBeGreaterThan(4_000);
    expect(remaining).toBeLessThan(COGNITO_TRIGGER_TIMEOUT_MS);
    expect(signal?.aborted).toBe(false);
  });

  it('never writes a secret to the logs, at any level, whatever the policy logs', async () => {
    const event = buildEvent('UserMigration', {
      triggerSource: 'UserMigration_Authentication',
      userName: SECRETS.email,
      request: { password: SECRETS.password, clientMetadata: { note: SECRETS.phone } },
    });
    const handler = cognitoTrigger('UserMigration', (incoming, { log }) => {
      // A careless policy: logs the whole event, secrets in free text, and a nested record.
      log.debug('event', { event: incoming });
      log.info(`user ${SECRETS.email} at ${SECRETS.phone} sent code ${SECRETS.code}`);
      log.info('tokens', { idToken: SECRETS.jwt, detail: `bearer ${SECRETS.jwt}` });
      log.warn('legacy', {
        legacyUser: { passwordHash: SECRETS.passwordHash, code: SECRETS.code, otherHash: SECRETS.passwordHash },
      });
      log.error('sender', { payload: { ciphertext: SECRETS.ciphertext }, note: `code blob ${SECRETS.ciphertext}` });
      throw new Error(`lookup failed for ${SECRETS.email} with ${SECRETS.password.length} chars`);
    });
    await invokeWith(handler, event).catch(() => undefined);
    const text = output.text();
    expect(text.length).toBeGreaterThan(500);
    for (const [name, secret] of Object.entries(SECRETS)) {
      if (name === 'code') continue; // a 6-digit code is only secret next to its key; checked below
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(`"code":"${SECRETS.code}"`);
    expect(text).not.toContain('jane.secret.person');
    expect(text).toContain('j***@example.org');
  });
});
