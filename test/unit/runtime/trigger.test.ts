import { createHmac } from 'node:crypto';
import { jest } from '@jest/globals';
import { buildEvent, parseEvent, TRIGGERS, type PreSignUpEvent } from '../../../shared/events/index.ts';
import {
  budgetMs,
  cognitoTrigger,
  ConfigError,
  SAFETY_MARGIN_MS,
  TriggerFailure,
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

const CLOSED = { failureMode: 'closed' } as const;
const OPEN = { failureMode: 'open' } as const;

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

  it("serves the trigger its definition names, and names its logs by that trigger's function", async () => {
    const handler = cognitoTrigger(TRIGGERS.PostConfirmation, (event) => event, OPEN);
    expect(handler.trigger).toBe('PostConfirmation');
    await invokeWith(handler, buildEvent('PostConfirmation'));
    expect(output.records().some((record) => record.service === 'post-confirmation')).toBe(true);
  });

  it('hands the policy a checked event and returns its checked answer', async () => {
    const handler = cognitoTrigger(
      TRIGGERS.PreSignUp,
      (event) => {
        event.response.autoConfirmUser = true;
        return event;
      },
      CLOSED,
    );
    const result = (await invokeWith(handler, buildEvent('PreSignUp'))) as PreSignUpEvent;
    expect(result.response.autoConfirmUser).toBe(true);
  });

  it('keeps the message of a UserFacingError', async () => {
    const handler = cognitoTrigger(
      TRIGGERS.PreSignUp,
      () => {
        throw new UserFacingError('Please use your work address.', 'domain-not-allowed');
      },
      CLOSED,
    );
    await expect(invokeWith(handler, buildEvent('PreSignUp'))).rejects.toThrow('Please use your work address.');
    const denied = output.records().find((r) => r.message === 'request denied');
    expect(denied?.reason).toBe('domain-not-allowed');
  });

  it('replaces any other error with the generic message, and logs the cause', async () => {
    const handler = cognitoTrigger(
      TRIGGERS.PreSignUp,
      () => {
        throw new Error('connect ECONNREFUSED 10.0.0.12:443 (table prod-users)');
      },
      CLOSED,
    );
    const failure = invokeWith(handler, buildEvent('PreSignUp'));
    await expect(failure).rejects.toThrow(GENERIC_FAILURE_MESSAGE);
    await failure.catch((error: Error) => expect(error.message).not.toContain('ECONNREFUSED'));
    expect(output.text()).toContain('ECONNREFUSED');
  });

  it('rejects a malformed event with the generic message and logs the precise problem', async () => {
    const policy = jest.fn((event: PreSignUpEvent) => event);
    const handler = cognitoTrigger(TRIGGERS.PreSignUp, policy, CLOSED);
    const malformed = buildEvent('PreSignUp', { request: { userAttributes: { email: 7 as unknown as string } } });
    await expect(invokeWith(handler, malformed)).rejects.toThrow(GENERIC_FAILURE_MESSAGE);
    expect(policy).not.toHaveBeenCalled();
    expect(output.text()).toContain('request.userAttributes.email: expected string, got number');
  });

  it('fails in our code when the answer would fail in Cognito', async () => {
    const handler = cognitoTrigger(
      TRIGGERS.CustomMessage,
      (event) => {
        event.response.emailMessage = 'Welcome! No code here.';
        return event;
      },
      CLOSED,
    );
    await expect(invokeWith(handler, buildEvent('CustomMessage'))).rejects.toThrow(GENERIC_FAILURE_MESSAGE);
    expect(output.text()).toContain('response.emailMessage: must contain the code placeholder {####}');
  });

  it('emits EMF metrics per trigger and outcome', async () => {
    const allowed = cognitoTrigger(TRIGGERS.PreSignUp, (event) => event, CLOSED);
    const denied = cognitoTrigger(
      TRIGGERS.PreSignUp,
      () => {
        throw new UserFacingError('No.');
      },
      CLOSED,
    );
    const failing = cognitoTrigger(
      TRIGGERS.PreSignUp,
      () => {
        throw new Error('boom');
      },
      CLOSED,
    );
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
    const handler = cognitoTrigger(
      TRIGGERS.PreSignUp,
      (event, { log }) => {
        log.info('deciding');
        return event;
      },
      CLOSED,
    );
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
    const handler = cognitoTrigger(
      TRIGGERS.PreSignUp,
      (event, { budget }) => {
        remaining = budget.remainingMs();
        signal = budget.signal;
        return event;
      },
      CLOSED,
    );
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
    const handler = cognitoTrigger(
      TRIGGERS.UserMigration,
      (incoming, { log }) => {
        // A careless policy: logs the whole event, secrets in free text, and a nested record.
        log.debug('event', { event: incoming });
        log.info(`user ${SECRETS.email} at ${SECRETS.phone} sent code ${SECRETS.code}`);
        log.info('tokens', { idToken: SECRETS.jwt, detail: `bearer ${SECRETS.jwt}` });
        log.warn('legacy', {
          legacyUser: { passwordHash: SECRETS.passwordHash, code: SECRETS.code, otherHash: SECRETS.passwordHash },
        });
        log.error('sender', { payload: { ciphertext: SECRETS.ciphertext }, note: `code blob ${SECRETS.ciphertext}` });
        throw new Error(`lookup failed for ${SECRETS.email} with ${SECRETS.password.length} chars`);
      },
      CLOSED,
    );
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

describe('optional flags Cognito may send as null', () => {
  it('accepts newDeviceUsed: null (post authentication) and userNotFound: null (pre authentication)', () => {
    const postAuthentication = buildEvent('PostAuthentication');
    (postAuthentication.request as Record<string, unknown>).newDeviceUsed = null;
    const preAuthentication = buildEvent('PreAuthentication');
    (preAuthentication.request as Record<string, unknown>).userNotFound = null;
    expect(() => parseEvent('PostAuthentication', postAuthentication)).not.toThrow();
    expect(() => parseEvent('PreAuthentication', preAuthentication)).not.toThrow();
  });

  it('accepts null client metadata and validation data in every lifecycle event', () => {
    for (const trigger of ['PostConfirmation', 'PreAuthentication', 'PostAuthentication'] as const) {
      const event = buildEvent(trigger);
      Object.assign(event.request, { clientMetadata: null, validationData: null });
      expect(() => parseEvent(trigger, event)).not.toThrow();
    }
  });
});

describe('failure modes', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());

  const failedOpenMetrics = () => output.records().filter((r) => r._aws && r.FailedOpen === 1);

  it('fail open: a store failure answers the event as received, with an error log and a FailedOpen metric', async () => {
    const event = buildEvent('PostAuthentication');
    const asReceived = structuredClone(event);
    const handler = cognitoTrigger(
      TRIGGERS.PostAuthentication,
      (incoming) => {
        // Half-built: the policy changed the event before the store failed.
        (incoming.response as Record<string, unknown>).halfBuilt = true;
        incoming.request.userAttributes.email = 'changed@example.com';
        throw Object.assign(new Error('Throughput exceeds the current capacity'), {
          name: 'ProvisionedThroughputExceededException',
        });
      },
      OPEN,
    );
    const answer = await invokeWith(handler, event);
    expect(answer).toEqual(asReceived);
    const failure = output.records().find((r) => r.level === 'ERROR');
    expect(String(failure?.message)).toContain('fails open');
    expect(JSON.stringify(failure)).toContain('ProvisionedThroughputExceededException');
    expect(failedOpenMetrics()).toHaveLength(1);
    expect(failedOpenMetrics()[0]?.Errors).toBe(1);
  });

  it('fail open: an event the library cannot check lets the user through, untouched', async () => {
    const policy = jest.fn((event: unknown) => event);
    const handler = cognitoTrigger(TRIGGERS.PostAuthentication, policy as never, OPEN);
    const event = buildEvent('PostAuthentication');
    (event.request as Record<string, unknown>).newDeviceUsed = 'yes';
    const answer = await invokeWith(handler, event);
    expect(policy).not.toHaveBeenCalled();
    expect(answer).toEqual(event);
    expect(output.text()).toContain('request.newDeviceUsed');
    expect(failedOpenMetrics()).toHaveLength(1);
  });

  it('fail open: a configuration error lets the user through', async () => {
    const handler = cognitoTrigger(TRIGGERS.PostConfirmation, (event) => event, {
      failureMode: 'open',
      config: () => {
        throw new ConfigError(['PROFILES_TABLE: required, not set']);
      },
    });
    const event = buildEvent('PostConfirmation');
    await expect(invokeWith(handler, event)).resolves.toEqual(event);
    expect(output.text()).toContain('PROFILES_TABLE: required, not set');
  });

  it('fail open: a deliberate refusal still refuses', async () => {
    const handler = cognitoTrigger(
      TRIGGERS.PostAuthentication,
      () => {
        throw new UserFacingError('Not today.', 'test');
      },
      OPEN,
    );
    await expect(invokeWith(handler, buildEvent('PostAuthentication'))).rejects.toThrow('Not today.');
    expect(failedOpenMetrics()).toHaveLength(0);
  });

  it('fail open: an answer that breaks the response rules is replaced by the event as received', async () => {
    const event = buildEvent('CustomMessage');
    const handler = cognitoTrigger(
      TRIGGERS.CustomMessage,
      (incoming) => {
        incoming.response.emailMessage = 'No code here.';
        return incoming;
      },
      OPEN,
    );
    await expect(invokeWith(handler, structuredClone(event))).resolves.toEqual(event);
    expect(output.text()).toContain('response.emailMessage');
  });

  it('fail open is refused when the event as received is itself no acceptable answer', async () => {
    const handler = cognitoTrigger(TRIGGERS.PostAuthentication, (event) => event, OPEN);
    const event = { ...buildEvent('PostAuthentication'), response: 'not an object' };
    await expect(invokeWith(handler, event)).rejects.toBeInstanceOf(TriggerFailure);
    expect(output.text()).toContain('cannot fail open');
    expect(failedOpenMetrics()).toHaveLength(0);
  });

  it('fail open: a policy that ignores the budget signal and never settles still gets an answer', async () => {
    const handler = cognitoTrigger(TRIGGERS.PostAuthentication, () => new Promise<never>(() => undefined), OPEN);
    const event = buildEvent('PostAuthentication');
    // 600 ms left of the Lambda: the budget runs out long before jest's timeout.
    await expect(handler(structuredClone(event), lambdaContext('fn', 600))).resolves.toEqual(event);
    expect(output.text()).toContain('BudgetOverrun');
  });

  it('fail closed: the same policy ends in the generic failure', async () => {
    const handler = cognitoTrigger(TRIGGERS.PreAuthentication, () => new Promise<never>(() => undefined), CLOSED);
    await expect(handler(buildEvent('PreAuthentication'), lambdaContext('fn', 600))).rejects.toThrow(
      GENERIC_FAILURE_MESSAGE,
    );
    expect(failedOpenMetrics()).toHaveLength(0);
  });

  it('fail closed: an event it cannot check is refused with the generic failure', async () => {
    const handler = cognitoTrigger(TRIGGERS.PreAuthentication, (event) => event, CLOSED);
    const event = buildEvent('PreAuthentication');
    (event.request as Record<string, unknown>).userNotFound = 'no';
    await expect(invokeWith(handler, event)).rejects.toBeInstanceOf(TriggerFailure);
  });
});

describe('budget', () => {
  it("synchronous triggers get Cognito's 5 seconds, whatever the Lambda timeout", () => {
    expect(budgetMs('PreSignUp', 60_000)).toBe(COGNITO_TRIGGER_TIMEOUT_MS - SAFETY_MARGIN_MS);
    expect(budgetMs('PostAuthentication', undefined)).toBe(COGNITO_TRIGGER_TIMEOUT_MS - SAFETY_MARGIN_MS);
    expect(budgetMs('PreSignUp', 3_000)).toBe(3_000 - SAFETY_MARGIN_MS);
  });

  it("the asynchronous custom senders get the Lambda's own remaining time", () => {
    expect(budgetMs('CustomEmailSender', 60_000)).toBe(60_000 - SAFETY_MARGIN_MS);
    expect(budgetMs('CustomSMSSender', 900_000)).toBe(900_000 - SAFETY_MARGIN_MS);
    expect(budgetMs('CustomSMSSender', 100)).toBe(0);
  });

  it('hands a sender policy the time left of the Lambda, not of 5 seconds', async () => {
    const output = captureOutput();
    try {
      let remaining = 0;
      const handler = cognitoTrigger(
        TRIGGERS.CustomEmailSender,
        (event, { budget }) => {
          remaining = budget.remainingMs();
          return event;
        },
        CLOSED,
      );
      await handler(buildEvent('CustomEmailSender'), lambdaContext('fn', 60_000));
      expect(remaining).toBeGreaterThan(COGNITO_TRIGGER_TIMEOUT_MS);
      expect(remaining).toBeLessThanOrEqual(60_000 - SAFETY_MARGIN_MS);
    } finally {
      output.restore();
    }
  });
});
