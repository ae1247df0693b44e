/**
 * The CUSTOM_AUTH stand-in (local-cloud/custom-auth.ts) against the developer guide's description of
 * Cognito's loop: define (session []), create, the client's answer, verify, define again with the
 * result appended (ChallengeResult: challengeName, challengeResult, challengeMetadata), until define
 * issues tokens or fails; a Session string per step, valid for 3 minutes; Cognito's errors.
 *
 * The stand-in runs in this process in front of the test stack's pool, with its own Lambda endpoint
 * serving small trigger functions written here (the guide's question-and-answer example), so every
 * event it sends can be inspected; its clock is the test's.
 */
import {
  AdminDisableUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  cognitoClientFor,
  EXPIRED_REFRESH_TOKEN,
  EXPIRED_SESSION,
  INCORRECT_CREDENTIALS,
  INVALID_SESSION,
  SESSION_VALIDITY_MS,
  startCustomAuth,
  startLambdaServer,
  type CustomAuthStandIn,
  type LocalLambda,
} from '../../local-cloud/index.ts';
import { cognito, createConfirmedUser, stack, uniqueEmail } from '../helpers/stack.ts';

type Event = Record<string, unknown> & { request: Record<string, unknown>; response: Record<string, unknown> };

const { userPoolId, clientId } = stack.cognito;
const pool = cognito();
let clock = 1_800_000_000_000;
let lambda: LocalLambda;
let standIn: CustomAuthStandIn;
let idp: CognitoIdentityProviderClient;
/** What each test's define does with a session; the default is the guide's three-question example. */
let defineRule: (event: Event) => Record<string, unknown>;
let createFails = false;

const guideDefine = (event: Event) => {
  const session = event.request.session as Array<{ challengeResult: boolean }>;
  if (session.length > 0 && session.at(-1)?.challengeResult) return { issueTokens: true, failAuthentication: false };
  if (session.length >= 3) return { issueTokens: false, failAuthentication: true };
  return { challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false };
};

beforeAll(async () => {
  lambda = await startLambdaServer({
    define: async (event) => ({ ...(event as Event), response: defineRule(event as Event) }),
    create: async (event) => {
      if (createFails) throw new Error('boom');
      const round = ((event as Event).request.session as unknown[]).length;
      return {
        ...(event as Event),
        response: {
          publicChallengeParameters: { question: `q${round}` },
          privateChallengeParameters: { answer: `a${round}` },
          challengeMetadata: `round-${round}`,
        },
      };
    },
    verify: async (event) => {
      const { request } = event as Event;
      const expected = (request.privateChallengeParameters as Record<string, string>).answer;
      return { ...(event as Event), response: { answerCorrect: request.challengeAnswer === expected } };
    },
    postAuth: async (event) => event,
    preToken: async (event) => ({
      ...(event as Event),
      response: {
        claimsOverrideDetails: { claimsToAddOrOverride: { plan: 'gold', sub: 'forged' }, claimsToSuppress: ['email'] },
      },
    }),
  });
  standIn = await startCustomAuth({
    upstream: stack.cognito.endpoint,
    issuerEndpoint: stack.cognito.endpoint,
    userPoolId,
    lambdaEndpoint: lambda.endpoint,
    functions: {
      DefineAuthChallenge: 'define',
      CreateAuthChallenge: 'create',
      VerifyAuthChallengeResponse: 'verify',
      PreTokenGeneration: 'preToken',
      PostAuthentication: 'postAuth',
    },
    now: () => clock,
  });
  idp = cognitoClientFor(standIn.endpoint);
});

beforeEach(() => {
  defineRule = guideDefine;
  createFails = false;
  lambda.clear();
});

afterAll(async () => {
  idp.destroy();
  pool.destroy();
  await standIn.stop();
  await lambda.stop();
});

const start = (username: string, metadata?: Record<string, string>, client = clientId) =>
  idp.send(
    new InitiateAuthCommand({
      ClientId: client,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: username },
      ClientMetadata: metadata,
    }),
  );
const respond = (username: string, session: string | undefined, answer: string) =>
  idp.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: session,
      ChallengeResponses: { USERNAME: username, ANSWER: answer },
    }),
  );

async function failure(work: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await work;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('the call succeeded');
}

const calls = () => lambda.invocations.map((call) => call.functionName);
const eventsOf = (name: string) =>
  lambda.invocations.filter((call) => call.functionName === name).map((call) => call.event as Event);

async function newUser(label: string): Promise<{ email: string; username: string }> {
  const email = uniqueEmail(label);
  return { email, username: await createConfirmedUser(pool, email, 'Unused-Password-42') };
}

describe('the CUSTOM_AUTH stand-in', () => {
  it('runs the loop as the guide describes: define, create, answer, verify, define again with the result', async () => {
    const { email, username } = await newUser('loop');
    const started = await start(email, { app: 'test' });
    expect(calls()).toEqual(['define', 'create']);
    expect(started).toMatchObject({
      ChallengeName: 'CUSTOM_CHALLENGE',
      ChallengeParameters: { question: 'q0', USERNAME: email },
    });
    const [firstDefine] = eventsOf('define');
    expect(firstDefine).toMatchObject({
      version: '1',
      triggerSource: 'DefineAuthChallenge_Authentication',
      userPoolId,
      userName: username,
      callerContext: { clientId },
      request: { session: [], userNotFound: false, clientMetadata: { app: 'test' }, userAttributes: { email } },
    });
    expect(eventsOf('create')[0]).toMatchObject({ request: { challengeName: 'CUSTOM_CHALLENGE', session: [] } });

    lambda.clear();
    const second = await respond(email, started.Session, 'wrong');
    expect(calls()).toEqual(['verify', 'define', 'create']);
    expect(eventsOf('verify')[0]).toMatchObject({
      triggerSource: 'VerifyAuthChallengeResponse_Authentication',
      request: { privateChallengeParameters: { answer: 'a0' }, challengeAnswer: 'wrong' },
    });
    const history = [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'round-0' }];
    expect(eventsOf('define')[0]?.request.session).toEqual(history);
    expect(eventsOf('create')[0]?.request.session).toEqual(history);
    expect(second.ChallengeParameters).toEqual({ question: 'q1', USERNAME: email });
    expect(second.Session).not.toBe(started.Session);

    lambda.clear();
    const done = await respond(email, second.Session, 'a1');
    expect(calls()).toEqual(['verify', 'define', 'preToken', 'postAuth']);
    expect(eventsOf('postAuth')[0]).toMatchObject({
      triggerSource: 'PostAuthentication_Authentication',
      userName: username,
      request: { newDeviceUsed: false, userAttributes: { email } },
    });
    expect(eventsOf('define')[0]?.request.session).toEqual([
      ...history,
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'round-1' },
    ]);
    expect(done.AuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
  });

  it('issues tokens that verify against the pool JWKS and carry what pre token generation adds (not reserved claims)', async () => {
    const { email, username } = await newUser('tokens');
    const started = await start(email);
    const done = await respond(email, started.Session, 'a0');
    const jwks = createRemoteJWKSet(new URL(`${stack.cognito.endpoint}/${userPoolId}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(done.AuthenticationResult?.IdToken ?? '', jwks, { audience: clientId });
    expect(payload).toMatchObject({ 'cognito:username': username, token_use: 'id', plan: 'gold' });
    expect(payload.email).toBeUndefined();
    expect(payload.sub).not.toBe('forged');
    expect(eventsOf('preToken')[0]).toMatchObject({
      triggerSource: 'TokenGeneration_Authentication',
      userName: username,
    });
    const access = await jwtVerify(done.AuthenticationResult?.AccessToken ?? '', jwks);
    expect(access.payload).toMatchObject({ token_use: 'access', client_id: clientId, username });
  });

  it('refreshes the tokens it issued through pre token generation (TokenGeneration_RefreshTokens), until they expire', async () => {
    // "TokenGeneration_RefreshTokens: Called when a user tries to refresh the identity and access tokens"
    // (developer guide, "Pre token generation Lambda trigger sources"). cognito-local knows only its own
    // refresh tokens: the stand-in answers for the ones it issued.
    const { email, username } = await newUser('refresh');
    const started = await start(email);
    const done = await respond(email, started.Session, 'a0');
    const jwks = createRemoteJWKSet(new URL(`${stack.cognito.endpoint}/${userPoolId}/.well-known/jwks.json`));
    const signedIn = await jwtVerify(done.AuthenticationResult?.IdToken ?? '', jwks, { audience: clientId });
    const refresh = () =>
      idp.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: done.AuthenticationResult?.RefreshToken ?? '' },
        }),
      );
    lambda.clear();
    clock += 60_000;
    const refreshed = await refresh();
    expect(calls()).toEqual(['preToken']);
    expect(eventsOf('preToken')[0]).toMatchObject({
      triggerSource: 'TokenGeneration_RefreshTokens',
      userName: username,
    });
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    const { payload } = await jwtVerify(refreshed.AuthenticationResult?.IdToken ?? '', jwks, { audience: clientId });
    expect(payload).toMatchObject({
      'cognito:username': username,
      plan: 'gold',
      auth_time: signedIn.payload.auth_time,
    });
    expect(payload.iat).toBe((signedIn.payload.iat ?? 0) + 60);
    expect(payload.email).toBeUndefined();

    clock += 30 * 86_400_000;
    expect(await failure(refresh())).toEqual({ name: 'NotAuthorizedException', message: EXPIRED_REFRESH_TOKEN });
  });

  it('takes each Session string once', async () => {
    const { email } = await newUser('once');
    const started = await start(email);
    await respond(email, started.Session, 'wrong');
    expect(await failure(respond(email, started.Session, 'a0'))).toEqual({
      name: 'NotAuthorizedException',
      message: INVALID_SESSION,
    });
    expect(await failure(respond(email, 'not-a-session', 'a0'))).toEqual({
      name: 'NotAuthorizedException',
      message: INVALID_SESSION,
    });
  });

  it('gives each challenge 3 minutes', async () => {
    const { email } = await newUser('expiry');
    const onTime = await start(email);
    clock += SESSION_VALIDITY_MS - 1;
    expect((await respond(email, onTime.Session, 'a0')).AuthenticationResult).toBeDefined();
    const late = await start(email);
    clock += SESSION_VALIDITY_MS;
    expect(await failure(respond(email, late.Session, 'a0'))).toEqual({
      name: 'NotAuthorizedException',
      message: EXPIRED_SESSION,
    });
  });

  it('answers failAuthentication with "Incorrect username or password." and ends the session', async () => {
    const { email } = await newUser('fail');
    let session = (await start(email)).Session;
    for (let round = 0; round < 2; round++) session = (await respond(email, session, 'wrong')).Session;
    expect(await failure(respond(email, session, 'wrong'))).toEqual({
      name: 'NotAuthorizedException',
      message: INCORRECT_CREDENTIALS,
    });
    expect(await failure(respond(email, session, 'a2'))).toEqual({
      name: 'NotAuthorizedException',
      message: INVALID_SESSION,
    });
    defineRule = () => ({ issueTokens: false, failAuthentication: true });
    expect(await failure(start(email))).toEqual({ name: 'NotAuthorizedException', message: INCORRECT_CREDENTIALS });
  });

  it('runs the same loop for an unknown user name, with userNotFound, and never issues tokens for it', async () => {
    const nobody = uniqueEmail('nobody');
    const started = await start(nobody);
    expect(started.ChallengeParameters).toEqual({ question: 'q0', USERNAME: nobody });
    expect(eventsOf('define')[0]).toMatchObject({
      userName: nobody,
      request: { userNotFound: true, userAttributes: {} },
    });
    expect(await failure(respond(nobody, started.Session, 'a0'))).toEqual({
      name: 'NotAuthorizedException',
      message: INCORRECT_CREDENTIALS,
    });
  });

  it("passes a trigger's error on as Cognito does, and refuses an answer that breaks the rules", async () => {
    const { email } = await newUser('errors');
    createFails = true;
    expect(await failure(start(email))).toEqual({
      name: 'UserLambdaValidationException',
      message: 'CreateAuthChallenge failed with error boom.',
    });
    createFails = false;
    defineRule = () => ({ issueTokens: true, failAuthentication: true });
    expect((await failure(start(email))).name).toBe('InvalidLambdaResponseException');
  });

  it("refuses unknown app clients, a missing USERNAME, another user's answer to a session, and disabled users", async () => {
    const { email } = await newUser('params');
    expect((await failure(start(email, undefined, 'nosuchclient0000000000000'))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await failure(start(''))).name).toBe('InvalidParameterException');
    const started = await start(email);
    expect(await failure(respond(uniqueEmail('other'), started.Session, 'a0'))).toEqual({
      name: 'NotAuthorizedException',
      message: INVALID_SESSION,
    });
    await pool.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: email }));
    expect(await failure(start(email))).toEqual({ name: 'NotAuthorizedException', message: 'User is disabled.' });
  });

  it('says so when the pool has no custom auth triggers', async () => {
    const bare = await startCustomAuth({
      upstream: stack.cognito.endpoint,
      issuerEndpoint: stack.cognito.endpoint,
      userPoolId,
      lambdaEndpoint: lambda.endpoint,
      functions: {},
    });
    const client = cognitoClientFor(bare.endpoint);
    try {
      const error = await failure(
        client.send(
          new InitiateAuthCommand({
            ClientId: clientId,
            AuthFlow: 'CUSTOM_AUTH',
            AuthParameters: { USERNAME: 'x@example.com' },
          }),
        ),
      );
      expect(error).toEqual({
        name: 'InvalidParameterException',
        message: 'Custom auth lambda trigger is not configured for the user pool.',
      });
    } finally {
      client.destroy();
      await bare.stop();
    }
  });

  it('forwards everything else to the pool behind it', async () => {
    const { email } = await newUser('forward');
    const signedIn = await idp.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: 'Unused-Password-42' },
      }),
    );
    expect(signedIn.AuthenticationResult?.IdToken).toBeDefined();
  });
});
