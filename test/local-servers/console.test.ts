/**
 * The local console's records (local-cloud/console): what an invocation's outcome is, which operation
 * caused which triggers, that secrets are gone before anything is kept, and the claims pre token
 * generation set, each user's last sign-in (decoded claims, never a token), the Users and Imports views'
 * data (no hash ever answered). The page itself is tested in a browser (test/e2e/console.test.ts).
 */
import { createConsoleRecorder, invocationOutcome } from '../../local-cloud/console/recorder.ts';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { S3Client } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { exampleKey, parseRejects, prefixSampleNames, summaryFigures } from '../../local-cloud/console/imports.ts';
import { allowedHosts, startConsole, type LocalConsole } from '../../local-cloud/console/server.ts';
import { emailPrefixFilter, pairLegacyItems, withoutSecrets } from '../../local-cloud/console/users.ts';
import type { DocumentClient } from '../../shared/aws/dynamodb.ts';
import { linkUserName } from '../../local-cloud/console/try-it.ts';
import { claimChangesOf, type DecodedTokens } from '../../local-cloud/console/tokens.ts';
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

/** A token as the pool answers one (unsigned here: the console decodes, it does not verify). */
const fakeJwt = (claims: Record<string, unknown>) =>
  ['{"alg":"RS256"}', JSON.stringify(claims)].map((part) => Buffer.from(part).toString('base64url')).join('.') +
  '.c2lnbmF0dXJl';
const REFRESH_TOKEN = 'the-refresh-token-stays-server-side';
const JWT_START = 'eyJ';

/** A sign-in answered at the outermost stand-in, after the pre token generation that ran inside it. */
function signInThrough(
  recorder: ReturnType<typeof createConsoleRecorder>,
  input: { start: number; triggerSource: string; request: Record<string, unknown> },
) {
  const preToken = recorder.invocation({
    at: at(input.start + 5),
    durationMs: 10,
    functionName: 'pre-token-generation',
    event: {
      triggerSource: input.triggerSource,
      userName: 'a20d941e-user',
      request: { userAttributes: { email: 'jane@example.com' } },
    },
    answer: {
      response: {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme' }, claimsToSuppress: ['phone_number'] },
          accessTokenGeneration: { claimsToAddOrOverride: { plan: 'gold' } },
        },
      },
    },
    lines: [],
  });
  const operation = recorder.operation({
    at: at(input.start),
    durationMs: 50,
    operation: 'InitiateAuth',
    input: input.request,
    output: {
      AuthenticationResult: {
        IdToken: fakeJwt({ 'cognito:username': 'a20d941e-user', email: 'jane@example.com', tenant: 'acme' }),
        AccessToken: fakeJwt({ username: 'a20d941e-user', plan: 'gold', token_use: 'access' }),
        RefreshToken: REFRESH_TOKEN,
      },
    },
  });
  return { preToken, operation };
}

describe("a user's last sign-in, as the recorder saw it pass", () => {
  it('keeps the decoded claims, marked by the pre token generation inside the operation, and no token', () => {
    const recorder = createConsoleRecorder(POOL);
    signInThrough(recorder, {
      start: 0,
      triggerSource: 'TokenGeneration_Authentication',
      request: {
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'jane@example.com', PASSWORD: 'x' },
      },
    });
    const signIn = recorder.lastSignIn('a20d941e-user');
    expect(signIn).toMatchObject({ operation: 'InitiateAuth', detail: 'USER_PASSWORD_AUTH' });
    expect(signIn?.tokens.id).toEqual(
      expect.arrayContaining([
        { name: 'tenant', value: 'acme', added: true },
        { name: 'email', value: 'jane@example.com', added: false },
      ]),
    );
    expect(signIn?.tokens.access).toEqual(expect.arrayContaining([{ name: 'plan', value: 'gold', added: true }]));
    expect(signIn?.tokens.suppressed).toEqual(['phone_number']);
    const kept = JSON.stringify([recorder.list(), signIn]);
    expect(kept).not.toContain(JWT_START);
    expect(kept).not.toContain(REFRESH_TOKEN);
    expect(recorder.lastSignIn('jane@example.com')).toBeUndefined();
  });

  it("names a refresh's user from its tokens, so that its pre token generation (TokenGeneration_RefreshTokens) is its trigger", () => {
    // "TokenGeneration_RefreshTokens: Called when a user tries to refresh the identity and access tokens"
    // (developer guide, "Pre token generation Lambda trigger sources"). A refresh names no user: its tokens do.
    const recorder = createConsoleRecorder(POOL);
    const { preToken, operation } = signInThrough(recorder, {
      start: 100,
      triggerSource: 'TokenGeneration_RefreshTokens',
      request: { AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN } },
    });
    expect(operation).toMatchObject({
      detail: 'REFRESH_TOKEN_AUTH',
      userRef: recorder.userRef('a20d941e-user'),
      invocations: [preToken.id],
    });
    expect(recorder.lastSignIn('a20d941e-user')).toMatchObject({
      detail: 'REFRESH_TOKEN_AUTH',
      operationId: operation.id,
    });
    expect(JSON.stringify(recorder.list())).not.toContain(REFRESH_TOKEN);
  });
});

describe('pre token generation changes, by claim name', () => {
  it('reads V2 answers per token, groups and suppressions', () => {
    const changes = claimChangesOf({
      response: {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme' }, claimsToSuppress: ['email'] },
          accessTokenGeneration: { claimsToAddOrOverride: { roles: 'x' } },
          groupOverrideDetails: { groupsToOverride: ['readers'] },
        },
      },
    });
    expect(changes).toEqual({
      id: ['tenant', 'cognito:groups', 'cognito:roles', 'cognito:preferred_role'],
      access: ['roles', 'cognito:groups'],
      suppressed: ['email'],
    });
  });

  it('reads V1 answers for the ID token', () => {
    expect(
      claimChangesOf({ response: { claimsOverrideDetails: { claimsToAddOrOverride: { plan: 'gold' } } } }),
    ).toEqual({ id: ['plan'], access: [], suppressed: [] });
  });

  it('keeps the names of a V2 answer, whose per-token details the redaction removes whole', () => {
    const recorder = createConsoleRecorder(POOL);
    const record = recorder.invocation({
      at: at(0),
      durationMs: 1,
      functionName: 'pre-token-generation',
      event: { triggerSource: 'TokenGeneration_Authentication', userName: 'u' },
      answer: {
        response: { claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { tenant: 'a' } } } },
      },
      lines: [],
    });
    expect(JSON.stringify(record.answer)).not.toContain('tenant');
    expect(record.claimChanges).toEqual({ id: ['tenant'], access: [], suppressed: [] });
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

describe('the Users view never answers a hash', () => {
  const bcrypt = '$2b$10$abcdefghijklmnopqrstuv0123456789ABCDEFGHIJKLMNOPQRSTU';
  const argon = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ';
  const row = {
    username: 'jane',
    usernameAsGiven: 'Jane',
    email: 'jane@example.com',
    passwordHash: bcrypt,
    salt: 'c29tZXNhbHQ',
    clientSecret: 'shh',
    attributes: { email: 'jane@example.com', 'custom:legacy_hash': argon, nickname: argon },
    history: [bcrypt, 'kept'],
    mfaEnabled: false,
    importedAt: '2026-12-01T00:00:00.000Z',
  };

  it('drops fields named like a secret and values that are hashes, at any depth', () => {
    const kept = withoutSecrets(row);
    expect(JSON.stringify(kept)).not.toMatch(/\$2b\$|\$argon2|shh|c29tZXNhbHQ/u);
    expect(kept).toEqual({
      username: 'jane',
      usernameAsGiven: 'Jane',
      email: 'jane@example.com',
      attributes: { email: 'jane@example.com' },
      history: ['kept'],
      mfaEnabled: false,
      importedAt: '2026-12-01T00:00:00.000Z',
    });
    // Django's notation, which has no leading $.
    expect(withoutSecrets({ note: 'pbkdf2_sha256$260000$abc$def=' })).toEqual({});
  });

  it('gives each directory user its migration state from its row and its MIGRATED# marker', () => {
    const views = pairLegacyItems([
      { ...row, username: 'fresh' },
      { ...row, username: 'moved', migratedAt: '2026-12-02T00:00:00.000Z', expiresAt: 1_800_000_000 },
      { username: 'MIGRATED#moved', migratedAt: '2026-12-02T00:00:00.000Z' },
      { username: 'MIGRATED#gone', migratedAt: '2026-11-01T00:00:00.000Z' },
      { ...row, username: 'reset', passwordHash: undefined },
    ]);
    expect(
      views.map(({ username, state, marker, hasPasswordHash }) => [username, state, marker, hasPasswordHash]),
    ).toEqual([
      ['fresh', 'not-migrated', false, true],
      ['gone', 'expired', true, false],
      ['moved', 'migrated', true, true],
      ['reset', 'not-migrated', false, false],
    ]);
    expect(views[2]).toMatchObject({ migratedAt: '2026-12-02T00:00:00.000Z', expiresAt: 1_800_000_000 });
    expect(views[1]).toMatchObject({ migratedAt: '2026-11-01T00:00:00.000Z' });
    expect(JSON.stringify(views)).not.toMatch(/\$2b\$|\$argon2/u);
  });

  it("quotes an e-mail prefix as the guide's ListUsers filter, its quotation marks escaped", () => {
    // "Searching for users with the ListUsers API": `"AttributeName" "Filter-Type" "AttributeValue"`, ^= a prefix.
    expect(emailPrefixFilter(' jane@ ')).toBe('email ^= "jane@"');
    expect(emailPrefixFilter('a"b\\')).toBe('email ^= "a\\"b\\\\"');
    expect(emailPrefixFilter('  ')).toBeUndefined();
  });

  describe('served by the console', () => {
    let console_: LocalConsole;
    let base: string;
    const put = jest.fn();
    const recorder = createConsoleRecorder(POOL);
    beforeAll(async () => {
      const db = { send: async () => ({ Items: [row, { username: 'MIGRATED#jane', migratedAt: 'x' }] }) };
      const poolUser = { Username: 'a20d941e-user', UserStatus: 'CONFIRMED', Enabled: true, Attributes: [] };
      const idp = { send: async () => ({ Users: [poolUser] }) };
      console_ = await startConsole({
        recorder,
        idp: idp as unknown as CognitoIdentityProviderClient,
        clientId: 'client',
        users: {
          idp: idp as unknown as CognitoIdentityProviderClient,
          userPoolId: POOL,
          db: () => db as unknown as DocumentClient,
          tables: { legacyUsers: 'legacy', entitlements: 'entitlements' },
        },
        imports: { s3: () => ({ send: put }) as unknown as S3Client, bucket: 'bucket' },
      });
      base = console_.url.replace(/\/$/u, '');
    });
    afterAll(() => console_.stop());

    it('answers GET /api/users with the directory rows and no hash', async () => {
      const response = await fetch(`${base}/api/users`);
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).not.toMatch(/\$2b\$|\$argon2|passwordHash|salt|shh/u);
      expect(JSON.parse(text)).toMatchObject({
        pool: { users: [{ username: 'a20d941e-user' }], truncated: false },
        legacy: {
          rows: [{ username: 'jane', state: 'migrated', migratedAt: 'x', hasPasswordHash: true }],
          truncated: false,
        },
      });
    });

    it("answers each pool user's last sign-in as decoded claims, with no JWT and no refresh token", async () => {
      signInThrough(recorder, {
        start: 0,
        triggerSource: 'TokenGeneration_Authentication',
        request: { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'jane@example.com', PASSWORD: 'x' } },
      });
      const text = await (await fetch(`${base}/api/users`)).text();
      expect(text).not.toContain(JWT_START);
      expect(text).not.toContain(REFRESH_TOKEN);
      const [user] = (JSON.parse(text) as { pool: { users: Array<{ lastSignIn?: { tokens: DecodedTokens } }> } }).pool
        .users;
      expect(user?.lastSignIn?.tokens.id).toEqual(
        expect.arrayContaining([{ name: 'tenant', value: 'acme', added: true }]),
      );
    });

    it('refuses an example import posted from another origin, or not as JSON, before touching the bucket', async () => {
      const post = (headers: Record<string, string>) =>
        fetch(`${base}/api/imports/example`, { method: 'POST', headers, body: '{}' }).then((r) => r.status);
      expect(await post({ origin: 'http://rebound.example', 'content-type': 'application/json' })).toBe(403);
      expect(await post({ 'content-type': 'text/plain' })).toBe(415);
      expect(put).not.toHaveBeenCalled();
    });
  });
});

describe('the Imports view', () => {
  it("reads rejects.csv's line, column, reason and user name as the file has them", () => {
    const text = 'line,column,reason,username\n72,,username-invalid,\n74,email,email-invalid,bad.email\n';
    expect(parseRejects(text)).toEqual({
      rows: [
        { line: '72', column: '', reason: 'username-invalid', username: '' },
        { line: '74', column: 'email', reason: 'email-invalid', username: 'bad.email' },
      ],
      truncated: false,
    });
    expect(parseRejects(text, 1)).toMatchObject({ rows: [{ line: '72' }], truncated: true });
  });

  it("shows summary.json's figures only", () => {
    expect(
      summaryFigures({ rowsRead: 71, accepted: 50, rejected: 21, rejectedByReason: { x: 1 }, source: { etag: 'e' } }),
    ).toEqual({ rowsRead: 71, accepted: 50, rejected: 21, rejectedByReason: { x: 1 } });
    expect(prefixSampleNames('LEGACY.USER0000000,legacy.user0000001@example.com', 'ex1')).toBe(
      'EX1.LEGACY.USER0000000,ex1.legacy.user0000001@example.com',
    );
    expect(exampleKey(new Date(Date.UTC(2026, 11, 5, 1, 2, 3, 4)))).toBe(
      'imports/example-2026-12-05T01-02-03-004Z.csv',
    );
  });
});
