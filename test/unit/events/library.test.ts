import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALL_EVENT_KINDS,
  EventValidationError,
  FUNCTION_FOLDERS,
  TRIGGER_NAMES,
  buildEvent,
  parseEvent,
  sampleFileName,
  triggerOfFunction,
} from '../../../shared/events/index.ts';
import { jobFunctionNames } from '../../../scripts/build.ts';
import { sampleFiles } from '../../../scripts/generate-events.ts';

const EVENTS_DIR = join(process.cwd(), 'events');

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('event kinds', () => {
  it('covers every trigger source of design section 3', () => {
    const sources = new Set(ALL_EVENT_KINDS.map((k) => k.triggerSource));
    for (const expected of [
      'PreSignUp_SignUp',
      'PreSignUp_AdminCreateUser',
      'PreSignUp_ExternalProvider',
      'PostConfirmation_ConfirmSignUp',
      'PostConfirmation_ConfirmForgotPassword',
      'PreAuthentication_Authentication',
      'PostAuthentication_Authentication',
      'UserMigration_Authentication',
      'UserMigration_ForgotPassword',
      'TokenGeneration_HostedAuth',
      'TokenGeneration_Authentication',
      'TokenGeneration_NewPasswordChallenge',
      'TokenGeneration_AuthenticateDevice',
      'TokenGeneration_RefreshTokens',
      'TokenGeneration_ClientCredentials',
      'CustomMessage_SignUp',
      'CustomMessage_AdminCreateUser',
      'CustomMessage_ResendCode',
      'CustomMessage_ForgotPassword',
      'CustomMessage_UpdateUserAttribute',
      'CustomMessage_VerifyUserAttribute',
      'CustomMessage_Authentication',
      'DefineAuthChallenge_Authentication',
      'CreateAuthChallenge_Authentication',
      'VerifyAuthChallengeResponse_Authentication',
      'CustomEmailSender_SignUp',
      'CustomEmailSender_AccountTakeOverNotification',
      'CustomSMSSender_SignUp',
      'CustomSMSSender_AdminCreateUser',
      'InboundFederation_ExternalProvider',
    ]) {
      expect(sources).toContain(expected);
    }
    expect(ALL_EVENT_KINDS).toHaveLength(46);
  });

  it('maps every trigger to its fixed function folder and back', () => {
    expect(Object.values(FUNCTION_FOLDERS).sort()).toEqual(
      [
        'pre-signup',
        'post-confirmation',
        'pre-authentication',
        'post-authentication',
        'migrate-user',
        'pre-token-generation',
        'custom-message',
        'define-auth-challenge',
        'create-auth-challenge',
        'verify-auth-challenge',
        'custom-email-sender',
        'custom-sms-sender',
        'inbound-federation',
      ].sort(),
    );
    for (const name of TRIGGER_NAMES) expect(triggerOfFunction(FUNCTION_FOLDERS[name])).toBe(name);
    expect(triggerOfFunction('nope')).toBeUndefined();
  });

  it.each(ALL_EVENT_KINDS.map((k) => [`${k.trigger} ${k.triggerSource} v${k.version}`, k] as const))(
    'builds a valid %s event',
    (_label, kind) => {
      const event = buildEvent(kind.trigger, { triggerSource: kind.triggerSource, version: kind.version } as never);
      expect(event.triggerSource).toBe(kind.triggerSource);
      expect(() => parseEvent(kind.trigger, JSON.parse(JSON.stringify(event)))).not.toThrow();
    },
  );
});

describe('sample events in events/', () => {
  const files = sampleFiles();

  it('has a sample for every kind, and nothing else', () => {
    const expected = new Set(files.map((f) => f.path));
    // The deployed import's functions are no triggers: their samples are checked in test/unit/import/job-events.
    const jobs = jobFunctionNames();
    const present = readdirSync(EVENTS_DIR, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json') && !jobs.some((job) => name.startsWith(`${job}/`)))
      .map((name) => join(EVENTS_DIR, name));
    expect(new Set(present)).toEqual(expected);
  });

  it.each(files.map((f) => [f.path.slice(EVENTS_DIR.length + 1), f] as const))(
    '%s passes the check and is current',
    (_name, file) => {
      expect(existsSync(file.path)).toBe(true);
      const text = readFileSync(file.path, 'utf8');
      expect(() => parseEvent(file.kind.trigger, JSON.parse(text))).not.toThrow();
      // Regenerate with `npm run events` when the builders change.
      expect(text).toBe(file.content);
    },
  );

  it('names pre token generation samples by version', () => {
    const v1 = ALL_EVENT_KINDS.find((k) => k.trigger === 'PreTokenGeneration' && k.version === '1');
    expect(v1 && sampleFileName(v1)).toMatch(/\.v1\.json$/);
  });

  it('sends attribute values as strings, and cognito:user_status where Cognito does', () => {
    const event = JSON.parse(
      readFileSync(join(EVENTS_DIR, 'post-confirmation/PostConfirmation_ConfirmSignUp.json'), 'utf8'),
    );
    expect(event.request.userAttributes['cognito:user_status']).toBe('CONFIRMED');
    expect(event.request.userAttributes.email_verified).toBe('true');
    for (const value of Object.values(event.request.userAttributes)) expect(typeof value).toBe('string');
  });
});

describe('event check', () => {
  it('names the path and the problem', () => {
    const event = buildEvent('PreSignUp', { request: { userAttributes: { email: 42 as unknown as string } } });
    const message = messageOf(() => parseEvent('PreSignUp', event));
    expect(message).toBe('invalid PreSignUp event: request.userAttributes.email: expected string, got number');
  });

  it('reports a missing field and an unknown trigger source', () => {
    const event = buildEvent('PostAuthentication', { request: { userAttributes: undefined } });
    expect(messageOf(() => parseEvent('PostAuthentication', event))).toContain(
      'request.userAttributes: required, missing',
    );
    const wrongSource = { ...buildEvent('PreSignUp'), triggerSource: 'PreSignUp_Somewhere' };
    expect(messageOf(() => parseEvent('PreSignUp', wrongSource))).toContain('triggerSource: expected one of');
    expect(messageOf(() => parseEvent('PreSignUp', wrongSource))).toContain('got "PreSignUp_Somewhere"');
  });

  it('rejects an event of another trigger', () => {
    expect(() => parseEvent('PreSignUp', buildEvent('PostConfirmation'))).toThrow(EventValidationError);
  });

  it('accepts fields Cognito adds later, and returns the event untouched', () => {
    const event = { ...buildEvent('PreSignUp'), newTopLevel: { a: 1 } };
    (event.request as Record<string, unknown>).someFutureField = [1, 2];
    expect(parseEvent('PreSignUp', event)).toBe(event);
  });

  it('never quotes a value that could be secret', () => {
    const event = buildEvent('UserMigration', { triggerSource: 'UserMigration_Authentication' });
    (event.request as Record<string, unknown>).password = 12345678;
    const message = messageOf(() => parseEvent('UserMigration', event));
    expect(message).toContain('request.password: expected string, got number');
    expect(message).not.toContain('12345678');
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'rejects the key %s in attribute maps without polluting',
    (key) => {
      const raw = `{"${key}": {"polluted": "yes"}}`;
      const event = JSON.parse(JSON.stringify(buildEvent('PreSignUp')));
      event.request.userAttributes = JSON.parse(raw);
      expect(messageOf(() => parseEvent('PreSignUp', event))).toContain('request.userAttributes: forbidden key');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    },
  );

  it('accepts null client ids (AdminConfirmSignUp) and V3 machine-to-machine events without a user', () => {
    const confirmed = buildEvent('PostConfirmation', { callerContext: { clientId: null } });
    expect(() => parseEvent('PostConfirmation', confirmed)).not.toThrow();
    const m2m = buildEvent('PreTokenGeneration', { triggerSource: 'TokenGeneration_ClientCredentials', version: '3' });
    const withoutUser = { ...m2m, request: { scopes: ['orders/read'] } } as Record<string, unknown>;
    delete withoutUser.userName;
    expect(() => parseEvent('PreTokenGeneration', withoutUser)).not.toThrow();
  });

  it('accepts fields Cognito leaves out or shapes differently than @types/aws-lambda says', () => {
    const withoutClient = buildEvent('PostConfirmation', { callerContext: { clientId: undefined } });
    expect(() => parseEvent('PostConfirmation', withoutClient)).not.toThrow();
    // newDeviceUsed comes only from pools that remember devices.
    const noDevices = buildEvent('PostAuthentication', { request: { newDeviceUsed: undefined } });
    expect(() => parseEvent('PostAuthentication', noDevices)).not.toThrow();
    // The developer guide's V2 test events carry preferredRole as a list.
    const roles = buildEvent('PreTokenGeneration', {
      version: '2',
      request: { groupConfiguration: { preferredRole: ['arn:aws:iam::123456789012:role/reader'] } },
    });
    expect(() => parseEvent('PreTokenGeneration', roles)).not.toThrow();
    const noGroups = buildEvent('PreTokenGeneration', { version: '1', request: { groupConfiguration: undefined } });
    expect(() => parseEvent('PreTokenGeneration', noGroups)).not.toThrow();
    const takeOver = buildEvent('CustomEmailSender', {
      triggerSource: 'CustomEmailSender_AccountTakeOverNotification',
      request: { code: undefined },
    });
    expect(() => parseEvent('CustomEmailSender', takeOver)).not.toThrow();
  });

  it('accepts the custom senders without a response object, as Cognito sends them', () => {
    const event = buildEvent('CustomEmailSender');
    expect(event).not.toHaveProperty('response');
    expect(() => parseEvent('CustomEmailSender', event)).not.toThrow();
  });
});

describe('builders', () => {
  it('merges overrides deeply and removes keys set to undefined', () => {
    const event = buildEvent('PreSignUp', {
      triggerSource: 'PreSignUp_SignUp',
      request: { userAttributes: { email: 'a@b.example', locale: undefined } },
    });
    expect(event.request.userAttributes.email).toBe('a@b.example');
    expect(event.request.userAttributes.given_name).toBe('Jane');
    expect(event.request.userAttributes).not.toHaveProperty('locale');
  });

  it('selects the version of pre token generation', () => {
    expect(buildEvent('PreTokenGeneration').version).toBe('2');
    expect(buildEvent('PreTokenGeneration', { version: '1' }).version).toBe('1');
    expect(buildEvent('PreTokenGeneration', { triggerSource: 'TokenGeneration_ClientCredentials' }).version).toBe('3');
  });

  it('refuses a trigger source the trigger does not have', () => {
    expect(() => buildEvent('PreSignUp', { triggerSource: 'PostConfirmation_ConfirmSignUp' } as never)).toThrow(
      'PreSignUp has no trigger source PostConfirmation_ConfirmSignUp',
    );
  });
});
