/**
 * Where cognito-local's user pool answers otherwise than Cognito's, this stand-in makes it answer as the
 * developer guide says. It sits on both of cognito-local's sides, on one port (as message-account.ts):
 *
 * In front of its API:
 * - The pool's password policy: SignUp, ConfirmForgotPassword, ChangePassword, AdminCreateUser's
 *   TemporaryPassword, AdminSetUserPassword and the NEW_PASSWORD_REQUIRED answer are refused with
 *   Cognito's InvalidPasswordException ("Password did not conform with policy: ..."); cognito-local takes
 *   any password. A password migrate-user accepts is not held to it (user-pool-lambda-migrate-user,
 *   "finalUserStatus": "The password strength policy ... will not be enforced during migration").
 * - ConfirmSignUp: "After successfully confirming the user account, the Amazon Cognito service
 *   automatically marks the attribute that was used to confirm (email or phone number) as verified"
 *   (signing-up-users-in-your-app, "Authentication flow with email or phone verification");
 *   cognito-local leaves `email_verified` unset.
 * - ForgotPassword for a user not in the pool: Cognito first calls migrate-user with
 *   UserMigration_ForgotPassword ("Amazon Cognito invokes this trigger when a user does not exist in the
 *   user pool at the time of sign-in with a password, or in the forgot-password flow"), creates the user
 *   from the answer, RESET_REQUIRED, and sends the reset code. cognito-local answers UserNotFoundException.
 *
 * As its Lambda endpoint:
 * - Every user has a `sub`: cognito-local creates a migrated user from the function's attributes alone,
 *   without one, so its tokens carry none. The answer gets a fresh `sub` on its way back.
 * - The PostConfirmation_ConfirmSignUp event shows the confirmed attribute verified, as Cognito's does.
 * - The user migrate-user answered for in a ForgotPassword is handed to cognito-local through its own
 *   migration path (the one place it creates a user with a status of our choosing): an InitiateAuth with
 *   a one-time password that this side answers with the function's answer, RESET_REQUIRED.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { buildEvent } from '../shared/events/index.ts';
import { policyViolations, type PolicyRule } from '../functions/migrate-user/password-policy.ts';
import { LOCAL_REGION } from './dynamodb.ts';
import { bothSidesServer, listenOnLoopback } from './ports.ts';

/** A pool's PasswordPolicy, as its Policies.PasswordPolicy holds it (cognito.ts writes the local one). */
export interface PoolPasswordPolicy {
  MinimumLength: number;
  RequireUppercase: boolean;
  RequireLowercase: boolean;
  RequireNumbers: boolean;
  RequireSymbols: boolean;
}

export interface PoolRulesOptions {
  /** The pool's password policy, the one its configuration holds. */
  passwordPolicy: PoolPasswordPolicy;
  /** Where the functions run (the local Lambda endpoint). */
  lambdaEndpoint: string;
  /** The migrate-user function's name at the Lambda endpoint, if the pool has that trigger. */
  migrationFunction?: string;
  /** The pool behind this stand-in; read per request, since it starts after this (it needs our port). */
  upstream: () => { endpoint: string; userPoolId: string };
  port?: number;
}

export interface PoolRules {
  /** Give this to cognito-local as its Lambda endpoint, and to clients as the Cognito endpoint. */
  endpoint: string;
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const JSON_TYPE = 'application/x-amz-json-1.1';
export const INVALID_PASSWORD = 'InvalidPasswordException';

/** Cognito's reason per broken rule, after "Password did not conform with policy: ". */
const REASONS: Record<Exclude<PolicyRule, 'edge-whitespace'>, string> = {
  length: 'Password not long enough',
  uppercase: 'Password must have uppercase characters',
  lowercase: 'Password must have lowercase characters',
  number: 'Password must have numeric characters',
  symbol: 'Password must have symbol characters',
};

export interface PasswordRefusal {
  type: 'InvalidPasswordException' | 'InvalidParameterException';
  message: string;
}

/**
 * How Cognito refuses `password` under `policy`, or undefined if it meets it. Cognito names one broken
 * rule; leading or trailing white space fails the API's own pattern, before the policy.
 */
export function passwordRefusal(policy: PoolPasswordPolicy, password: string): PasswordRefusal | undefined {
  const broken = policyViolations(password, {
    minLength: policy.MinimumLength,
    requireUppercase: policy.RequireUppercase,
    requireLowercase: policy.RequireLowercase,
    requireNumbers: policy.RequireNumbers,
    requireSymbols: policy.RequireSymbols,
  });
  if (broken.includes('edge-whitespace'))
    return {
      type: 'InvalidParameterException',
      message:
        "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$",
    };
  const first = broken[0];
  if (first === undefined || first === 'edge-whitespace') return undefined;
  return { type: INVALID_PASSWORD, message: `Password did not conform with policy: ${REASONS[first]}` };
}

type Json = Record<string, unknown>;
const record = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const lower = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined;

/** The new password an API call carries, by operation; a call that sets none is not checked. */
export function proposedPassword(operation: string, body: Json): string | undefined {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  switch (operation) {
    case 'SignUp':
    case 'ConfirmForgotPassword':
    case 'AdminSetUserPassword':
      return text(body.Password);
    case 'ChangePassword':
      return text(body.ProposedPassword);
    case 'AdminCreateUser':
      return text(body.TemporaryPassword);
    case 'RespondToAuthChallenge':
    case 'AdminRespondToAuthChallenge':
      return body.ChallengeName === 'NEW_PASSWORD_REQUIRED'
        ? text(record(body.ChallengeResponses).NEW_PASSWORD)
        : undefined;
    default:
      return undefined;
  }
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function passHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (['host', 'content-length', 'connection', 'transfer-encoding'].includes(name) || value === undefined) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

async function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<Answer> {
  const upstream = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(30_000) });
  const dropped = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection']);
  return {
    status: upstream.status,
    headers: Object.fromEntries([...upstream.headers.entries()].filter(([name]) => !dropped.has(name))),
    text: await upstream.text(),
  };
}

function reply(response: ServerResponse, answer: Answer): void {
  response
    .writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.text)) })
    .end(answer.text);
}

function error(type: string, message: string): Answer {
  return {
    status: 400,
    headers: { 'content-type': JSON_TYPE, 'x-amzn-errortype': type },
    text: JSON.stringify({ __type: type, message }),
  };
}

const parse = (text: string): Json => {
  try {
    return record(JSON.parse(text));
  } catch {
    return {};
  }
};

export async function startPoolRules(options: PoolRulesOptions): Promise<PoolRules> {
  /** The attribute each user's confirmation code went to (SignUp's CodeDeliveryDetails), by name and sub. */
  const codeWentTo = new Map<string, string>();
  /** Users migrate-user answered for in a ForgotPassword, by lower-cased user name, until cognito-local holds them. */
  const handOver = new Map<string, { password: string; answer: Json }>();

  const callPool = (operation: string, input: Json) =>
    send(
      new URL('/', options.upstream().endpoint),
      'POST',
      { 'content-type': JSON_TYPE, 'x-amz-target': `${TARGET_PREFIX}${operation}` },
      JSON.stringify(input),
    );

  const verifiedAttributeOf = (...keys: unknown[]): string => {
    for (const key of keys) {
      const found = codeWentTo.get(lower(key) ?? '');
      if (found) return found;
    }
    // The local pool auto-verifies e-mail only (cognito.ts), so an unrecorded code went there.
    return 'email';
  };

  /** Marks the attribute a user's sign-up code went to verified, as Cognito does on ConfirmSignUp. */
  async function markVerified(username: unknown): Promise<void> {
    const { userPoolId } = options.upstream();
    const found = await callPool('AdminGetUser', { UserPoolId: userPoolId, Username: username });
    if (found.status !== 200) throw new Error(`reading the confirmed user failed: ${found.text}`);
    const attributes = (parse(found.text).UserAttributes ?? []) as Array<{ Name?: string; Value?: string }>;
    const value = (name: string) => attributes.find((candidate) => candidate.Name === name)?.Value;
    const attribute = verifiedAttributeOf(username, value('sub'));
    const current = value(attribute);
    if (current === undefined) return;
    // cognito-local takes a verified flag only with its attribute; the same value sends no new code.
    const marked = await callPool('AdminUpdateUserAttributes', {
      UserPoolId: userPoolId,
      Username: username,
      UserAttributes: [
        { Name: attribute, Value: current },
        { Name: `${attribute}_verified`, Value: 'true' },
      ],
    });
    if (marked.status !== 200) throw new Error(`marking ${attribute} verified failed: ${marked.text}`);
  }

  async function invoke(url: string, headers: IncomingHttpHeaders, body: Buffer, response: ServerResponse) {
    const event = parse(body.toString('utf8'));
    const request = record(event.request);
    const source = event.triggerSource;
    const pending = handOver.get(lower(event.userName) ?? '');
    if (source === 'UserMigration_Authentication' && pending && request.password === pending.password) {
      handOver.delete(lower(event.userName) ?? '');
      reply(response, {
        status: 200,
        headers: { 'content-type': 'application/json' },
        text: JSON.stringify({ ...event, response: pending.answer }),
      });
      return;
    }
    let forwarded: string | Buffer = body;
    if (source === 'PostConfirmation_ConfirmSignUp') {
      const attributes = record(request.userAttributes);
      const attribute = verifiedAttributeOf(event.userName, attributes.sub, attributes.email);
      if (typeof attributes[attribute] === 'string') {
        attributes[`${attribute}_verified`] = 'true';
        forwarded = JSON.stringify({ ...event, request: { ...request, userAttributes: attributes } });
      }
    }
    const answer = await send(new URL(url, options.lambdaEndpoint), 'POST', passHeaders(headers), forwarded);
    if (source === 'UserMigration_Authentication' && answer.status === 200 && !answer.headers['x-amz-function-error']) {
      const result = parse(answer.text);
      reply(response, { ...answer, text: JSON.stringify({ ...result, response: withSub(record(result.response)) }) });
      return;
    }
    reply(response, answer);
  }

  /** ForgotPassword for a user the pool lacks: migrate-user first, as Cognito, then the reset code. */
  async function migrateForReset(body: Json): Promise<void> {
    const { userPoolId } = options.upstream();
    const username = typeof body.Username === 'string' ? body.Username : undefined;
    if (!options.migrationFunction || !username) return;
    const existing = await callPool('AdminGetUser', { UserPoolId: userPoolId, Username: username });
    if (existing.status === 200 || parse(existing.text).__type !== 'UserNotFoundException') return;
    const event = buildEvent('UserMigration', {
      triggerSource: 'UserMigration_ForgotPassword',
      region: LOCAL_REGION,
      userPoolId,
      userName: username,
      callerContext: { clientId: typeof body.ClientId === 'string' ? body.ClientId : '' },
      request: {
        validationData: null,
        clientMetadata: Object.fromEntries(
          Object.entries(record(body.ClientMetadata)).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
        ),
      },
    });
    const invoked = await send(
      new URL(`/2015-03-31/functions/${options.migrationFunction}/invocations`, options.lambdaEndpoint),
      'POST',
      { 'content-type': 'application/json' },
      JSON.stringify(event),
    );
    // A refusal leaves the user out of the pool, and ForgotPassword answers for an unknown user.
    if (invoked.status !== 200 || invoked.headers['x-amz-function-error']) return;
    const answer = withSub(record(parse(invoked.text).response));
    const password = `${randomBytes(24).toString('base64url')}-Aa1!`;
    handOver.set(username.toLowerCase(), {
      password,
      answer: { ...answer, finalUserStatus: 'RESET_REQUIRED', messageAction: 'SUPPRESS' },
    });
    try {
      // cognito-local migrates on a sign-in with an unknown user name; it stores the user, then answers
      // PasswordResetRequiredException, which is the state wanted.
      await callPool('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: body.ClientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      });
    } finally {
      handOver.delete(username.toLowerCase());
    }
  }

  async function api(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    response: ServerResponse,
  ) {
    const target = headers['x-amz-target'];
    const operation =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const input = operation ? parse(body.toString('utf8')) : {};
    const password = proposedPassword(operation, input);
    const refusal = password === undefined ? undefined : passwordRefusal(options.passwordPolicy, password);
    if (refusal) {
      reply(response, error(refusal.type, refusal.message));
      return;
    }
    if (operation === 'ForgotPassword') await migrateForReset(input);

    const upstream = new URL(url, options.upstream().endpoint);
    const answer = await send(
      upstream,
      method,
      passHeaders(headers),
      method === 'GET' || method === 'HEAD' ? undefined : body,
    );
    if (answer.status === 200 && (operation === 'SignUp' || operation === 'ResendConfirmationCode')) {
      const result = parse(answer.text);
      const attribute = record(result.CodeDeliveryDetails).AttributeName;
      if (typeof attribute === 'string')
        for (const key of [lower(input.Username), lower(result.UserSub)]) if (key) codeWentTo.set(key, attribute);
    }
    if (answer.status === 200 && operation === 'ConfirmSignUp') await markVerified(input.Username);
    reply(response, answer);
  }

  const server = bothSidesServer({
    invoke,
    api,
    failed: (response, failure) =>
      // Cognito's form of an internal failure, so that a client shows the reason rather than a parse error.
      reply(response, { ...error('InternalErrorException', String(failure)), status: 500 }),
  });
  const listener = await listenOnLoopback(server, options.port);
  return { endpoint: listener.endpoint, stop: listener.close };
}

/** A migration answer with a `sub`: Cognito gives every user one (and refuses one from the function). */
function withSub(answer: Json): Json {
  const attributes = record(answer.userAttributes);
  return { ...answer, userAttributes: { ...attributes, sub: randomUUID() } };
}
