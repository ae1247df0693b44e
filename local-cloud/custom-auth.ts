/**
 * A stand-in for Cognito's CUSTOM_AUTH flow, which cognito-local does not implement. Like the link
 * shim it is a proxy in front of the local pool: it answers InitiateAuth with `AuthFlow: CUSTOM_AUTH`
 * and RespondToAuthChallenge with `ChallengeName: CUSTOM_CHALLENGE` the way the developer guide
 * describes Cognito's loop, and forwards every other request untouched.
 *
 *   InitiateAuth -> define (session []) -> create -> CUSTOM_CHALLENGE + Session
 *   RespondToAuthChallenge -> verify -> define (session + result) -> create -> new Session | tokens | fail
 *
 * - The three triggers run through the Lambda endpoint, with the events Cognito sends (version 1,
 *   the session's ChallengeResults with each challenge's metadata, clientMetadata, userNotFound).
 * - The pool prevents user-existence errors: an unknown user name runs the same loop with
 *   `userNotFound: true`; the client sees what a real user sees.
 * - A Session string is good for one answer, for 3 minutes (the app client's default auth session
 *   validity): a reused, unknown or failed session is NotAuthorizedException "Invalid session for the
 *   user.", an expired one "Invalid session for the user, session is expired.".
 * - failAuthentication is NotAuthorizedException "Incorrect username or password."; a trigger that
 *   throws is UserLambdaValidationException "<Trigger> failed with error <message>.", as Cognito and
 *   cognito-local put it; a trigger answer that breaks the rules is InvalidLambdaResponseException.
 * - Tokens are signed with cognito-local's own key (node_modules/cognito-local/lib/keys), carry its
 *   claims and the local issuer (issuerEndpoint, issuer.ts), so they verify against the pool's JWKS,
 *   and carry the user's groups and roles
 *   and the whole PreTokenGeneration answer when one is attached, applied as Cognito applies it
 *   (token-generation.ts, shared with the password and refresh sign-ins).
 * - After the tokens, PostAuthentication runs when attached, as after any sign-in.
 * Not implemented (cognito-local has no SRP): SRP_A / PASSWORD_VERIFIER steps, device challenges,
 * AdminInitiateAuth; PreAuthentication is not called (cognito-local never calls it either). The refresh
 * tokens it issues are its own (cognito-local does not know them): it answers their REFRESH_TOKEN_AUTH
 * itself, through pre token generation (TokenGeneration_RefreshTokens), kept in memory for 30 days.
 */
import { randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { forwardRequest } from './link-shim.ts';
import { cognitoLocalKey, invokeTrigger, signJwt, tokenIssuer, TriggerFailure } from './token-generation.ts';
import { listenOnLoopback, readBody } from './ports.ts';

/** What the custom-auth functions need locally besides tables and mail: a magic-link key and where links lead. */
export const LOCAL_REDIRECT_URL = 'http://localhost:3000/sign-in';
/** The redirect of the client snippet in docs/passwordless.md: allowed too, so that the snippet runs locally as written. */
export const README_REDIRECT_URL = 'https://app.example.com/sign-in';
export const LOCAL_PASSWORDLESS_ENVIRONMENT = {
  PASSWORDLESS_METHODS: 'EMAIL_OTP,MAGIC_LINK',
  // A fixed, public key: local stacks only. Deployments take theirs from a secret (docs/deploying.md, "Secrets").
  MAGIC_LINK_SECRET: 'local-only-magic-link-key-0123456789abcdef',
  // The first is the default (a link request without redirectUri).
  MAGIC_LINK_REDIRECT_URLS: `${LOCAL_REDIRECT_URL},${README_REDIRECT_URL}`,
} as const;

/** The app client's default auth session validity: each challenge must be answered within it. */
export const SESSION_VALIDITY_MS = 3 * 60 * 1000;

export const INCORRECT_CREDENTIALS = 'Incorrect username or password.';
export const INVALID_SESSION = 'Invalid session for the user.';
export const EXPIRED_SESSION = 'Invalid session for the user, session is expired.';
export const INVALID_REFRESH_TOKEN = 'Invalid Refresh Token';
export const EXPIRED_REFRESH_TOKEN = 'Refresh Token has expired';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const JSON_TYPE = { 'content-type': 'application/x-amz-json-1.1' };

export interface CustomAuthOptions {
  /** Where other requests go (the link shim, or cognito-local itself). */
  upstream: string;
  /** The endpoint whose origin is the tokens' issuer domain: the one clients call (issuer.ts). */
  issuerEndpoint: string;
  userPoolId: string;
  lambdaEndpoint: string;
  /** Function names at the Lambda endpoint, per trigger; a missing one is a trigger not attached. */
  functions: {
    DefineAuthChallenge?: string;
    CreateAuthChallenge?: string;
    VerifyAuthChallengeResponse?: string;
    PreTokenGeneration?: string;
    PostAuthentication?: string;
  };
  /** The pool's pre token generation event version (V1_0 "1" or V2_0 "2"). */
  preTokenVersion?: '1' | '2';
  sessionValidityMs?: number;
  /** The clock (epoch ms); tests move it to expire sessions. */
  now?: () => number;
  port?: number;
}

export interface CustomAuthStandIn {
  endpoint: string;
  /** Sessions open right now (for tests). */
  openSessions(): number;
  stop(): Promise<void>;
}

/** An error answer in Cognito's wire format. */
class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata: string | null;
}

interface Session {
  /** What the client signs in as (echoed as USERNAME). */
  typedName: string;
  /** The pool's user name (the events' userName). */
  userName: string;
  userNotFound: boolean;
  userAttributes: Record<string, string>;
  clientId: string;
  history: ChallengeResult[];
  privateChallengeParameters: Record<string, string>;
  challengeMetadata: string | null;
  expiresAt: number;
}

interface PoolUser {
  Username: string;
  UserAttributes?: Array<{ Name: string; Value?: string }>;
  UserStatus?: string;
  Enabled?: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type SignedClaims = Parameters<typeof signJwt>[1];

/** An AuthenticationResult's ID and access tokens, signed with cognito-local's key. */
function authenticationResult(key: KeyObject, issued: { id: SignedClaims; access: SignedClaims }) {
  return {
    AccessToken: signJwt(key, issued.access),
    ExpiresIn: 3600,
    TokenType: 'Bearer',
    IdToken: signJwt(key, issued.id),
  };
}

export async function startCustomAuth(options: CustomAuthOptions): Promise<CustomAuthStandIn> {
  const sessions = new Map<string, Session>();
  // The refresh tokens issued here, with whose they are: cognito-local does not know them.
  const refreshTokens = new Map<string, { userName: string; clientId: string; authTime: number; expiresAt: number }>();
  const now = options.now ?? Date.now;
  const validity = options.sessionValidityMs ?? SESSION_VALIDITY_MS;
  const target = new URL(options.upstream);
  const issuer = `${new URL(options.issuerEndpoint).origin}/${options.userPoolId}`;
  let key: KeyObject | undefined;

  /** One call to the pool behind the proxy. */
  async function pool<T>(operation: string, input: unknown): Promise<T> {
    const response = await fetch(options.upstream, {
      method: 'POST',
      headers: { ...JSON_TYPE, 'x-amz-target': `${TARGET_PREFIX}${operation}` },
      body: JSON.stringify(input),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const type =
        String(body.__type ?? body.code ?? 'InternalErrorException')
          .split('#')
          .at(-1) ?? 'InternalError';
      throw new CognitoError(type, String(body.message ?? ''), response.status);
    }
    return body as T;
  }

  const issueTokens = tokenIssuer({
    pool,
    userPoolId: options.userPoolId,
    lambdaEndpoint: options.lambdaEndpoint,
    functionName: options.functions.PreTokenGeneration,
    eventVersion: options.preTokenVersion,
  });

  /** Invokes a trigger's function as Cognito does; its error becomes Cognito's answer to the client. */
  async function trigger(name: keyof CustomAuthOptions['functions'], event: Record<string, unknown>) {
    const functionName = options.functions[name];
    if (!functionName) {
      throw new CognitoError(
        'InvalidParameterException',
        'Custom auth lambda trigger is not configured for the user pool.',
      );
    }
    try {
      return await invokeTrigger(options.lambdaEndpoint, functionName, name, event);
    } catch (error) {
      throw error instanceof TriggerFailure ? new CognitoError(error.type, error.message) : error;
    }
  }

  function baseEvent(triggerSource: string, session: Pick<Session, 'userName' | 'clientId'>) {
    return {
      version: '1',
      region: 'local',
      userPoolId: options.userPoolId,
      userName: session.userName,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: session.clientId },
      triggerSource,
    };
  }

  async function define(session: Session, clientMetadata: Record<string, string> | undefined) {
    const answer = await trigger('DefineAuthChallenge', {
      ...baseEvent('DefineAuthChallenge_Authentication', session),
      request: {
        userAttributes: session.userAttributes,
        session: session.history,
        clientMetadata,
        userNotFound: session.userNotFound,
      },
      response: { challengeName: null, issueTokens: null, failAuthentication: null },
    });
    const { issueTokens, failAuthentication, challengeName } = answer;
    if (issueTokens === true && failAuthentication === true) {
      throw new CognitoError('InvalidLambdaResponseException', 'Unrecognizable lambda output');
    }
    if (failAuthentication === true) return { next: 'fail' as const };
    if (issueTokens === true) return { next: 'tokens' as const };
    if (challengeName === 'CUSTOM_CHALLENGE') return { next: 'challenge' as const };
    if (typeof challengeName === 'string' && challengeName) {
      throw new CognitoError(
        'InvalidParameterException',
        `The local CUSTOM_AUTH stand-in implements CUSTOM_CHALLENGE only, not ${challengeName} (cognito-local has no SRP).`,
      );
    }
    throw new CognitoError('InvalidLambdaResponseException', 'Unrecognizable lambda output');
  }

  /** Runs create auth challenge and opens a new session string for the client's next answer. */
  async function challenge(session: Session, clientMetadata: Record<string, string> | undefined) {
    const answer = await trigger('CreateAuthChallenge', {
      ...baseEvent('CreateAuthChallenge_Authentication', session),
      request: {
        userAttributes: session.userAttributes,
        challengeName: 'CUSTOM_CHALLENGE',
        session: session.history,
        clientMetadata,
        userNotFound: session.userNotFound,
      },
      response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
    });
    const publicParameters = isRecord(answer.publicChallengeParameters) ? answer.publicChallengeParameters : {};
    session.privateChallengeParameters = (
      isRecord(answer.privateChallengeParameters) ? answer.privateChallengeParameters : {}
    ) as Record<string, string>;
    session.challengeMetadata = typeof answer.challengeMetadata === 'string' ? answer.challengeMetadata : null;
    session.expiresAt = now() + validity;
    const token = randomBytes(96).toString('base64url');
    sessions.set(token, session);
    return {
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: token,
      ChallengeParameters: { ...(publicParameters as Record<string, string>), USERNAME: session.typedName },
    };
  }

  /** The claims cognito-local would give the user's tokens, before groups, roles and pre token generation. */
  function claimsOf(
    session: Pick<Session, 'userName' | 'clientId' | 'userAttributes'>,
    authTime: number,
    issuedAt = authTime,
  ) {
    const attributes = session.userAttributes;
    const common = { auth_time: authTime, event_id: randomUUID(), iat: issuedAt, iss: issuer, exp: issuedAt + 3600 };
    const access: Record<string, unknown> = {
      ...common,
      client_id: session.clientId,
      jti: randomUUID(),
      scope: 'aws.cognito.signin.user.admin',
      sub: attributes.sub,
      token_use: 'access',
      username: session.userName,
    };
    const id: Record<string, unknown> = {
      ...common,
      'cognito:username': session.userName,
      aud: session.clientId,
      email: attributes.email,
      email_verified: attributes.email_verified === 'true',
      jti: randomUUID(),
      sub: attributes.sub,
      token_use: 'id',
      ...Object.fromEntries(Object.entries(attributes).filter(([name]) => name.startsWith('custom:'))),
    };
    return { id, access };
  }

  async function tokens(session: Session, clientMetadata: Record<string, string> | undefined) {
    key ??= cognitoLocalKey();
    const attributes = session.userAttributes;
    const authTime = Math.floor(now() / 1000);
    const { id, access } = claimsOf(session, authTime);
    // Groups, roles and the pre token generation answer, as for any sign-in (token-generation.ts).
    const issued = await issueTokens({
      id,
      access,
      triggerSource: 'TokenGeneration_Authentication',
      userName: session.userName,
      clientId: session.clientId,
      clientMetadata,
    }).catch((error: unknown) => {
      throw error instanceof TriggerFailure ? new CognitoError(error.type, error.message) : error;
    });
    const refresh = {
      'cognito:username': session.userName,
      email: attributes.email,
      iat: authTime,
      jti: randomUUID(),
      iss: issuer,
      exp: authTime + 30 * 86_400,
    };
    const refreshToken = signJwt(key, refresh);
    refreshTokens.set(refreshToken, {
      userName: session.userName,
      clientId: session.clientId,
      authTime,
      expiresAt: refresh.exp * 1000,
    });
    return {
      ChallengeParameters: {},
      AuthenticationResult: { ...authenticationResult(key, issued), RefreshToken: refreshToken },
    };
  }

  /**
   * InitiateAuth REFRESH_TOKEN_AUTH with a refresh token this stand-in issued (cognito-local knows only
   * its own): new ID and access tokens from the user as the pool holds it now, through pre token
   * generation with TokenGeneration_RefreshTokens, "Called when a user tries to refresh the identity and
   * access tokens" (developer guide, "Pre token generation Lambda trigger sources"); no new refresh token.
   */
  async function refreshTokensOf(input: Record<string, unknown>, refreshToken: string) {
    const clientId = await knownClient(input.ClientId);
    const held = refreshTokens.get(refreshToken);
    if (!held || held.clientId !== clientId) throw new CognitoError('NotAuthorizedException', INVALID_REFRESH_TOKEN);
    if (now() >= held.expiresAt) {
      refreshTokens.delete(refreshToken);
      throw new CognitoError('NotAuthorizedException', EXPIRED_REFRESH_TOKEN);
    }
    const user = await pool<PoolUser>('AdminGetUser', { UserPoolId: options.userPoolId, Username: held.userName });
    if (user.Enabled === false) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    key ??= cognitoLocalKey();
    const userAttributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value ?? '']));
    // A refreshed token keeps the sign-in's auth_time; it is issued now.
    const { id, access } = claimsOf(
      { userName: held.userName, clientId, userAttributes },
      held.authTime,
      Math.floor(now() / 1000),
    );
    const issued = await issueTokens({
      id,
      access,
      triggerSource: 'TokenGeneration_RefreshTokens',
      userName: held.userName,
      clientId,
      clientMetadata: isRecord(input.ClientMetadata) ? (input.ClientMetadata as Record<string, string>) : undefined,
    }).catch((error: unknown) => {
      throw error instanceof TriggerFailure ? new CognitoError(error.type, error.message) : error;
    });
    return {
      ChallengeParameters: {},
      AuthenticationResult: authenticationResult(key, issued),
    };
  }

  async function knownClient(clientId: unknown): Promise<string> {
    if (typeof clientId !== 'string' || !clientId) {
      throw new CognitoError('InvalidParameterException', 'Missing required parameter ClientId');
    }
    const described = await pool<{ UserPoolClient?: { ExplicitAuthFlows?: string[] } }>('DescribeUserPoolClient', {
      UserPoolId: options.userPoolId,
      ClientId: clientId,
    }).catch((error: unknown) => {
      if (error instanceof CognitoError && error.type !== 'InternalErrorException') {
        throw new CognitoError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
      }
      throw error;
    });
    const flows = described.UserPoolClient?.ExplicitAuthFlows ?? [];
    if (!flows.includes('ALLOW_CUSTOM_AUTH') && !flows.includes('CUSTOM_AUTH_FLOW_ONLY')) {
      throw new CognitoError('InvalidParameterException', 'Auth flow not enabled for this client');
    }
    return clientId;
  }

  async function initiate(input: Record<string, unknown>) {
    const clientId = await knownClient(input.ClientId);
    const parameters = isRecord(input.AuthParameters) ? input.AuthParameters : {};
    const typedName = parameters.USERNAME;
    if (typeof typedName !== 'string' || !typedName) {
      throw new CognitoError('InvalidParameterException', 'Missing required parameter USERNAME');
    }
    if (parameters.SRP_A !== undefined) {
      throw new CognitoError(
        'InvalidParameterException',
        'The local CUSTOM_AUTH stand-in does not implement SRP (cognito-local has none): start without SRP_A.',
      );
    }
    const clientMetadata = isRecord(input.ClientMetadata)
      ? (input.ClientMetadata as Record<string, string>)
      : undefined;
    const user = await pool<PoolUser>('AdminGetUser', { UserPoolId: options.userPoolId, Username: typedName }).catch(
      (error: unknown) => {
        if (error instanceof CognitoError && error.type === 'UserNotFoundException') return undefined;
        throw error;
      },
    );
    if (user && user.Enabled === false) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    if (user && user.UserStatus === 'UNCONFIRMED')
      throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
    const session: Session = {
      typedName,
      userName: user?.Username ?? typedName,
      userNotFound: user === undefined,
      userAttributes: user
        ? {
            ...Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value ?? ''])),
            'cognito:user_status': user.UserStatus ?? 'CONFIRMED',
          }
        : {},
      clientId,
      history: [],
      privateChallengeParameters: {},
      challengeMetadata: null,
      expiresAt: 0,
    };
    return next(session, clientMetadata);
  }

  async function next(session: Session, clientMetadata: Record<string, string> | undefined) {
    const decision = await define(session, clientMetadata);
    if (decision.next === 'fail') throw new CognitoError('NotAuthorizedException', INCORRECT_CREDENTIALS);
    if (decision.next === 'tokens') {
      if (session.userNotFound) throw new CognitoError('NotAuthorizedException', INCORRECT_CREDENTIALS);
      const issued = await tokens(session, clientMetadata);
      // As after any sign-in, Cognito calls post authentication before it answers; its error fails the sign-in.
      if (options.functions.PostAuthentication) {
        const { 'cognito:user_status': _status, ...userAttributes } = session.userAttributes;
        await trigger('PostAuthentication', {
          ...baseEvent('PostAuthentication_Authentication', session),
          request: { userAttributes, newDeviceUsed: false, clientMetadata },
          response: {},
        });
      }
      return issued;
    }
    return challenge(session, clientMetadata);
  }

  async function respond(input: Record<string, unknown>) {
    const clientId = await knownClient(input.ClientId);
    const token = typeof input.Session === 'string' ? input.Session : '';
    const session = sessions.get(token);
    // One answer per session string, whatever its outcome.
    sessions.delete(token);
    if (!session || session.clientId !== clientId) throw new CognitoError('NotAuthorizedException', INVALID_SESSION);
    if (now() >= session.expiresAt) throw new CognitoError('NotAuthorizedException', EXPIRED_SESSION);
    const responses = isRecord(input.ChallengeResponses) ? input.ChallengeResponses : {};
    const username = responses.USERNAME;
    if (typeof username !== 'string' || !username) {
      throw new CognitoError('InvalidParameterException', 'Missing required parameter USERNAME');
    }
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    if (!same(username, session.typedName) && !same(username, session.userName)) {
      throw new CognitoError('NotAuthorizedException', INVALID_SESSION);
    }
    const answer = responses.ANSWER;
    if (typeof answer !== 'string')
      throw new CognitoError('InvalidParameterException', 'Missing required parameter ANSWER');
    const clientMetadata = isRecord(input.ClientMetadata)
      ? (input.ClientMetadata as Record<string, string>)
      : undefined;
    const verdict = await trigger('VerifyAuthChallengeResponse', {
      ...baseEvent('VerifyAuthChallengeResponse_Authentication', session),
      request: {
        userAttributes: session.userAttributes,
        privateChallengeParameters: session.privateChallengeParameters,
        challengeAnswer: answer,
        clientMetadata,
        userNotFound: session.userNotFound,
      },
      response: { answerCorrect: false },
    });
    if (typeof verdict.answerCorrect !== 'boolean') {
      throw new CognitoError('InvalidLambdaResponseException', 'Unrecognizable lambda output');
    }
    session.history = [
      ...session.history,
      {
        challengeName: 'CUSTOM_CHALLENGE',
        challengeResult: verdict.answerCorrect,
        challengeMetadata: session.challengeMetadata,
      },
    ];
    return next(session, clientMetadata);
  }

  const answer = (response: ServerResponse, work: Promise<unknown>) =>
    work.then(
      (result) => response.writeHead(200, JSON_TYPE).end(JSON.stringify(result)),
      (error: unknown) => {
        const failure =
          error instanceof CognitoError ? error : new CognitoError('InternalErrorException', String(error), 500);
        response
          .writeHead(failure.status, { ...JSON_TYPE, 'x-amzn-errortype': failure.type })
          .end(JSON.stringify({ __type: failure.type, message: failure.message }));
      },
    );

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const operation = request.headers['x-amz-target'];
      let input: Record<string, unknown> = {};
      if (operation === `${TARGET_PREFIX}InitiateAuth` || operation === `${TARGET_PREFIX}RespondToAuthChallenge`) {
        try {
          const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
          if (isRecord(parsed)) input = parsed;
        } catch {
          // Not JSON: the pool behind answers it.
        }
      }
      const refreshToken = isRecord(input.AuthParameters) ? input.AuthParameters.REFRESH_TOKEN : undefined;
      if (operation === `${TARGET_PREFIX}InitiateAuth` && input.AuthFlow === 'CUSTOM_AUTH') {
        await answer(response, initiate(input));
      } else if (
        operation === `${TARGET_PREFIX}InitiateAuth` &&
        (input.AuthFlow === 'REFRESH_TOKEN_AUTH' || input.AuthFlow === 'REFRESH_TOKEN') &&
        typeof refreshToken === 'string' &&
        refreshTokens.has(refreshToken)
      ) {
        await answer(response, refreshTokensOf(input, refreshToken));
      } else if (
        operation === `${TARGET_PREFIX}RespondToAuthChallenge` &&
        (input.ChallengeName === 'CUSTOM_CHALLENGE' || sessions.has(String(input.Session)))
      ) {
        await answer(response, respond(input));
      } else {
        forwardRequest(target, request, body, response);
      }
    })();
  });
  const listener = await listenOnLoopback(server, options.port);
  // Expired sessions are forgotten, so a long-running stack does not collect them.
  const sweep = setInterval(() => {
    for (const [token, session] of sessions) if (now() >= session.expiresAt + validity) sessions.delete(token);
    for (const [token, held] of refreshTokens) if (now() >= held.expiresAt) refreshTokens.delete(token);
  }, 60_000);
  sweep.unref();
  return {
    endpoint: listener.endpoint,
    openSessions: () => sessions.size,
    stop: () => {
      clearInterval(sweep);
      return listener.close();
    },
  };
}
