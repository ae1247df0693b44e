/**
 * The local app client prevents user-existence errors (PreventUserExistenceErrors ENABLED), which
 * cognito-local does not: it answers a wrong password `InvalidPasswordException` "Invalid password", an
 * unknown name or a refused migration `NotAuthorizedException` "User not authorized", a reset for an
 * unknown name `UserNotFoundException`, so a client tells the cases apart. It never calls pre
 * authentication either. This stand-in is the outermost link of the local pool (clients call it) and
 * answers as the developer guide says Cognito does with prevention on ("Managing error responses",
 * cognito-user-pool-managing-errors):
 *
 * - USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH: "Amazon Cognito returns a generic NotAuthorizedException
 *   error indicating either the user name or password is incorrect" for a wrong password, an unknown name
 *   and a name the migrate user trigger refuses ("returns a simulated response for users that don't
 *   exist"): `NotAuthorizedException` "Incorrect username or password.", whatever the trigger said.
 * - Before a password sign-in of a user the pool holds, pre authentication, as Cognito calls it before it
 *   checks the password; its error reaches the client as `UserLambdaValidationException` "PreAuthentication
 *   failed with error <message>." (Cognito adds the period). A name the pool does not hold goes to the
 *   migrate user trigger instead, when one is attached; without one, pre authentication gets
 *   `userNotFound: true` ("This boolean is populated when PreventUserExistenceErrors is set to ENABLED").
 * - ForgotPassword: for a user that isn't found, "CodeDeliveryDetails with a simulated delivery medium ...
 *   determined by the input user name format": the e-mail address typed, as cognito-local shows a real one.
 * - ConfirmForgotPassword: "the CodeMismatchException error for users that don't exist".
 *
 * It also serves the issuer's JWKS and discovery document (issuer.ts). Everything else is forwarded.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { INCORRECT_CREDENTIALS } from './custom-auth.ts';
import { serveIssuerDocument } from './issuer.ts';
import { forwardRequest } from './link-shim.ts';
import { listenOnLoopback, readBody } from './ports.ts';
import { invokeTrigger, TriggerFailure } from './token-generation.ts';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const JSON_TYPE = { 'content-type': 'application/x-amz-json-1.1' };

/** Cognito's words for a code that does not match (ConfirmForgotPassword, ConfirmSignUp). */
export const CODE_MISMATCH = 'Invalid verification code provided, please try again.';

type Json = Record<string, unknown>;
const record = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};

export interface PoolError {
  type: string;
  message: string;
}

export interface Answer {
  status: number;
  body: Json;
}

const PASSWORD_FLOWS = new Set(['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH']);

/** A sign-in with a user name and password, whose failures Cognito answers alike. */
export function isPasswordSignIn(operation: string, input: Json): boolean {
  return (
    (operation === 'InitiateAuth' || operation === 'AdminInitiateAuth') && PASSWORD_FLOWS.has(String(input.AuthFlow))
  );
}

const failure = (type: string, message: string): Answer => ({ status: 400, body: { __type: type, message } });

/**
 * What Cognito answers, with PreventUserExistenceErrors ENABLED, in place of cognito-local's `error` to
 * `operation`; undefined when it answers the same. A refused migration reaches us as cognito-local's
 * "User not authorized" (it turns every migration error into that) or, from a stand-in that calls the
 * trigger itself, as "UserMigration failed with error ...".
 */
export function preventedAnswer(
  operation: string,
  input: Json,
  error: PoolError,
  context: { heldBefore?: boolean } = {},
): Answer | undefined {
  const refusedMigration =
    (error.type === 'NotAuthorizedException' && error.message === 'User not authorized') ||
    (error.type === 'UserLambdaValidationException' && error.message.startsWith('UserMigration failed'));
  if (isPasswordSignIn(operation, input)) {
    if (error.type === 'UserNotFoundException' || error.type === 'InvalidPasswordException' || refusedMigration)
      return failure('NotAuthorizedException', INCORRECT_CREDENTIALS);
    // "Imported users": "a generic NotAuthorizedException ... instead of returning
    // PasswordResetRequiredException". A user the migration creates RESET_REQUIRED in this very call
    // still gets it ("your client app needs to handle the PasswordResetRequiredException", migrate user).
    if (error.type === 'PasswordResetRequiredException' && context.heldBefore)
      return failure('NotAuthorizedException', INCORRECT_CREDENTIALS);
    return undefined;
  }
  if (operation === 'ForgotPassword' && (error.type === 'UserNotFoundException' || refusedMigration)) {
    return { status: 200, body: { CodeDeliveryDetails: simulatedDelivery(String(input.Username ?? '')) } };
  }
  if (operation === 'ConfirmForgotPassword' && error.type === 'UserNotFoundException')
    return failure('CodeMismatchException', CODE_MISMATCH);
  return undefined;
}

/** The delivery Cognito simulates for a name it does not hold, by the name's format (the pool signs in by e-mail). */
export function simulatedDelivery(username: string): Json {
  if (/^\+\d{6,15}$/u.test(username))
    return { AttributeName: 'phone_number', DeliveryMedium: 'SMS', Destination: username };
  return { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: username };
}

export interface UserExistenceOptions {
  /** The next link of the local pool (the CUSTOM_AUTH stand-in). */
  upstream: string;
  userPoolId: string;
  /** The issuer whose JWKS and discovery document are served here (issuer.ts). */
  issuer: string;
  lambdaEndpoint: string;
  /** The PreAuthentication function at the Lambda endpoint; absent, none is called. */
  preAuthentication?: string;
  /** Whether the pool has a migrate user trigger: then a name it does not hold goes there, not to pre authentication. */
  userMigration: boolean;
  port?: number;
  /** Told of each API call a client made, once answered (the local console's timeline). */
  onOperation?: (call: OperationCall) => void;
}

/** One API call a client made to the local pool, as the outermost link saw it. */
export interface OperationCall {
  at: Date;
  durationMs: number;
  operation: string;
  input: Json;
  /** The answer of a call that succeeded (a sign-in's tokens among it: the console keeps only their claims). */
  output?: Json;
  error?: PoolError;
}

/** A successful answer's JSON (an empty object when it is none). */
function answeredOutput(text: string): Json {
  try {
    return record(JSON.parse(text));
  } catch {
    return {};
  }
}

/** The error a Cognito JSON answer carries (`__type`, `message`), for a status of 400 or more. */
function answeredError(status: number, text: string): PoolError | undefined {
  if (status < 400) return undefined;
  let body: Json = {};
  try {
    body = record(JSON.parse(text));
  } catch {
    // Not JSON: the status alone.
  }
  const type = String(body.__type ?? `HTTP ${status}`);
  return { type: type.split('#').pop() ?? type, message: String(body.message ?? '') };
}

export interface UserExistenceStandIn {
  endpoint: string;
  stop(): Promise<void>;
}

function passHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name) ? [[name, value]] : [],
    ),
  );
}

function reply(response: ServerResponse, answer: Answer, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(answer.body);
  const type = answer.status === 200 ? {} : { 'x-amzn-errortype': String(answer.body.__type) };
  response
    .writeHead(answer.status, { ...headers, ...JSON_TYPE, ...type, 'content-length': String(Buffer.byteLength(body)) })
    .end(body);
}

export async function startUserExistence(options: UserExistenceOptions): Promise<UserExistenceStandIn> {
  const target = new URL(options.upstream);

  async function call(operation: string, input: Json): Promise<{ ok: boolean; body: Json }> {
    const response = await fetch(options.upstream, {
      method: 'POST',
      headers: { ...JSON_TYPE, 'x-amz-target': `${TARGET_PREFIX}${operation}` },
      body: JSON.stringify(input),
    });
    const text = await response.text();
    let body: Json = {};
    try {
      body = record(JSON.parse(text));
    } catch {
      // No JSON: only the status says anything.
    }
    return { ok: response.ok, body };
  }

  /** The user a password sign-in names, as the pool holds them before the call (or not). */
  async function lookUp(input: Json, userPoolId: string) {
    const typed = String(record(input.AuthParameters).USERNAME ?? '');
    const user = await call('AdminGetUser', { UserPoolId: userPoolId, Username: typed });
    return { typed, held: user.ok, user };
  }

  /** Pre authentication as Cognito calls it before a password sign-in; its error is the client's answer. */
  async function preAuthenticate(input: Json, userPoolId: string, found: Awaited<ReturnType<typeof lookUp>>) {
    if (!options.preAuthentication) return;
    const { typed, held, user } = found;
    if (!held && (options.userMigration || user.body.__type !== 'UserNotFoundException')) return;
    const attributes = Array.isArray(user.body.UserAttributes) ? user.body.UserAttributes : [];
    const event = {
      version: '1',
      triggerSource: 'PreAuthentication_Authentication',
      region: 'local',
      userPoolId,
      userName: held ? String(user.body.Username ?? typed) : typed,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: String(input.ClientId ?? '') },
      request: {
        userAttributes: held
          ? Object.fromEntries(attributes.map((a) => [String(record(a).Name), String(record(a).Value ?? '')]))
          : {},
        validationData: record(input.ClientMetadata),
        userNotFound: !held,
      },
      response: {},
    };
    await invokeTrigger(options.lambdaEndpoint, options.preAuthentication, 'PreAuthentication', event);
  }

  async function handle(
    operation: string,
    input: Json,
    headers: IncomingHttpHeaders,
    body: Buffer,
    response: ServerResponse,
  ) {
    let heldBefore: boolean | undefined;
    if (isPasswordSignIn(operation, input)) {
      try {
        const userPoolId = String(input.UserPoolId ?? options.userPoolId);
        const found = await lookUp(input, userPoolId);
        heldBefore = found.held;
        await preAuthenticate(input, userPoolId, found);
      } catch (error) {
        const refused =
          error instanceof TriggerFailure ? error : new TriggerFailure('InternalErrorException', String(error));
        reply(response, {
          status: refused.type === 'InternalErrorException' ? 500 : 400,
          body: { __type: refused.type, message: refused.message },
        });
        return;
      }
    }
    const upstream = await fetch(options.upstream, { method: 'POST', headers: passHeaders(headers), body });
    const text = await upstream.text();
    let answer: Json = {};
    try {
      answer = record(JSON.parse(text));
    } catch {
      // Not JSON: passed on as it came.
    }
    const type = String(answer.__type ?? upstream.headers.get('x-amzn-errortype') ?? '').split(':')[0] ?? '';
    const prevented = upstream.ok
      ? undefined
      : preventedAnswer(
          operation,
          input,
          { type: type.split('#').pop() ?? type, message: String(answer.message ?? '') },
          { heldBefore },
        );
    if (prevented) {
      reply(response, prevented);
      return;
    }
    const kept = Object.fromEntries(
      [...upstream.headers.entries()].filter(
        ([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name),
      ),
    );
    response.writeHead(upstream.status, { ...kept, 'content-length': String(Buffer.byteLength(text)) }).end(text);
  }

  const server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (request.method === 'GET' && serveIssuerDocument(path, options.issuer, response)) return;
      const body = await readBody(request);
      const header = request.headers['x-amz-target'];
      const operation =
        typeof header === 'string' && header.startsWith(TARGET_PREFIX) ? header.slice(TARGET_PREFIX.length) : '';
      let input: Json | undefined;
      try {
        input = operation ? record(JSON.parse(body.toString('utf8') || '{}')) : undefined;
      } catch {
        input = undefined;
      }
      if (!input || request.method !== 'POST') {
        forwardRequest(target, request, body, response);
        return;
      }
      if (!options.onOperation) {
        await handle(operation, input, request.headers, body, response);
        return;
      }
      const at = new Date();
      const startedAt = performance.now();
      const chunks: Buffer[] = [];
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) chunks.push(Buffer.from(chunk));
        return end(chunk, ...rest);
      }) as typeof response.end;
      await handle(operation, input, request.headers, body, response);
      const text = Buffer.concat(chunks).toString('utf8');
      const error = answeredError(response.statusCode, text);
      options.onOperation({
        at,
        durationMs: performance.now() - startedAt,
        operation,
        input,
        ...(error ? { error } : { output: answeredOutput(text) }),
      });
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
      else response.destroy();
    });
  });
  const listener = await listenOnLoopback(server, options.port);
  return { endpoint: listener.endpoint, stop: listener.close };
}
