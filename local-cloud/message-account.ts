/**
 * Cognito's rule on a custom message answer and the pool's e-mail sending account, which cognito-local
 * does not apply. The guide (user-pool-lambda-custom-message, "Custom message response parameters"):
 * "If the EmailSendingAccount attribute of the user pool is not DEVELOPER and an emailMessage parameter
 * is returned, Amazon Cognito throws a 400 error code ... InvalidLambdaResponseException" (emailSubject
 * alike). cognito-local instead delivers whatever the function answers, and when a custom message
 * invocation fails it logs the error and delivers the code anyway: the user's call succeeds.
 *
 * This stand-in sits on both of cognito-local's sides, on one port:
 * - as its Lambda endpoint (`POST /2015-03-31/functions/{name}/invocations`): it hands the custom message
 *   event on as Cognito sends it (no message yet: null, where cognito-local writes empty strings), and
 *   holds the answer to the pool's account; a refused answer is recorded and goes back as a function
 *   error, so cognito-local delivers none of it;
 * - in front of its API: a call during which an answer for the same user was refused ends as Cognito's
 *   does, in a 400 InvalidLambdaResponseException, instead of cognito-local's success.
 * Everything else passes through untouched.
 */
import { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { EmailSendingAccount } from '../shared/events/definition.ts';
import { startCognitoLocal, type CognitoOptions, type LocalCognito, type PoolEmail } from './cognito.ts';
import { bothSidesServer, listenOnLoopback } from './ports.ts';

export interface MessageAccountOptions {
  /** The pool's account, as its EmailConfiguration says (cognito.ts writes the same into the pool). */
  emailSendingAccount: EmailSendingAccount;
  /** Where the functions run (the local Lambda endpoint). */
  lambdaEndpoint: string;
  /** cognito-local's API; read per request, since cognito-local starts after this (it needs our port). */
  cognitoEndpoint: () => string;
  port?: number;
}

export interface MessageAccountStandIn {
  /** Give this to cognito-local as its Lambda endpoint, and to clients as the Cognito endpoint. */
  endpoint: string;
  /** Answers refused so far (the user names and addresses they were for, never a message). */
  readonly refusals: readonly Refusal[];
  stop(): Promise<void>;
}

export interface Refusal {
  at: number;
  userPoolId: string;
  /** The user name, sub, e-mail address and phone number of the event's user, lower-cased. */
  identities: string[];
  problems: string[];
}

export const INVALID_LAMBDA_RESPONSE = 'InvalidLambdaResponseException';
const CUSTOM_MESSAGE_PARTS = ['smsMessage', 'emailMessage', 'emailSubject'] as const;

/**
 * What Cognito refuses in a custom message answer because of the pool's account: a returned e-mail
 * subject or body (any value but null) unless the pool sends with SES. Written here from the guide, not
 * taken from the event library, so that the library's own rule is tested against it.
 */
export function accountRefusals(account: EmailSendingAccount, answer: unknown): string[] {
  if (account === 'DEVELOPER') return [];
  const response = (answer as { response?: Record<string, unknown> } | null)?.response ?? {};
  return (['emailMessage', 'emailSubject'] as const)
    .filter((part) => response[part] !== null && response[part] !== undefined)
    .map((part) => `${part} is allowed only when the pool's EmailSendingAccount is DEVELOPER`);
}

type Json = Record<string, unknown>;
const record = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value ? value.toLowerCase() : undefined;

function eventIdentities(event: Json): string[] {
  const attributes = record(record(event.request).userAttributes);
  return [event.userName, attributes.sub, attributes.email, attributes.phone_number].flatMap((v) => text(v) ?? []);
}

/** The user an API call is about: its Username, the e-mail or phone it signs up with, or its token's user. */
function callIdentities(body: Json): string[] {
  const found = [text(body.Username)];
  for (const attribute of Array.isArray(body.UserAttributes) ? body.UserAttributes : []) {
    const { Name: name, Value: value } = record(attribute);
    if (name === 'email' || name === 'phone_number') found.push(text(value));
  }
  if (typeof body.AccessToken === 'string') {
    try {
      const claims = record(
        JSON.parse(Buffer.from(body.AccessToken.split('.')[1] ?? '', 'base64url').toString('utf8')),
      );
      found.push(text(claims.username), text(claims.sub));
    } catch {
      // Not a JWT: no user to match.
    }
  }
  return found.flatMap((v) => v ?? []);
}

function passHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (['host', 'content-length', 'connection', 'transfer-encoding'].includes(name) || value === undefined) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** An upstream answer's headers, less those fetch has dealt with (it decodes, and the length changes). */
function headersOf(upstream: Response): Record<string, string> {
  const dropped = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection']);
  return Object.fromEntries([...upstream.headers.entries()].filter(([name]) => !dropped.has(name)));
}

function reply(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) }).end(body);
}

export async function startMessageAccountStandIn(options: MessageAccountOptions): Promise<MessageAccountStandIn> {
  const refusals: Refusal[] = [];
  const account = options.emailSendingAccount;

  async function invoke(path: string, headers: IncomingHttpHeaders, body: Buffer, response: ServerResponse) {
    let event: Json | undefined;
    try {
      event = record(JSON.parse(body.toString('utf8')));
    } catch {
      event = undefined;
    }
    const customMessage = typeof event?.triggerSource === 'string' && event.triggerSource.startsWith('CustomMessage_');
    let forwardedBody: string | Buffer = body;
    if (event && customMessage) {
      // Cognito's event holds no message yet: null. cognito-local's empty strings would read as answers.
      const incoming = record(event.response);
      for (const part of CUSTOM_MESSAGE_PARTS) if (incoming[part] === '') incoming[part] = null;
      forwardedBody = JSON.stringify({ ...event, response: incoming });
    }
    const upstream = await fetch(new URL(path, options.lambdaEndpoint), {
      method: 'POST',
      headers: passHeaders(headers),
      body: forwardedBody,
    });
    const answerText = await upstream.text();
    const answerHeaders = headersOf(upstream);
    if (!event || !customMessage || upstream.status !== 200 || upstream.headers.get('x-amz-function-error')) {
      reply(response, upstream.status, answerHeaders, answerText);
      return;
    }
    let answer: unknown;
    try {
      answer = JSON.parse(answerText);
    } catch {
      answer = undefined;
    }
    const problems = accountRefusals(account, answer);
    if (problems.length === 0) {
      reply(response, upstream.status, answerHeaders, answerText);
      return;
    }
    refusals.push({
      at: Date.now(),
      userPoolId: String(event.userPoolId ?? ''),
      identities: eventIdentities(event),
      problems,
    });
    reply(
      response,
      200,
      { ...answerHeaders, 'x-amz-function-error': 'Unhandled' },
      JSON.stringify({ errorType: INVALID_LAMBDA_RESPONSE, errorMessage: problems.join('; ') }),
    );
  }

  async function api(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    response: ServerResponse,
  ) {
    const startedAt = Date.now();
    const upstream = await fetch(new URL(url, options.cognitoEndpoint()), {
      method,
      headers: passHeaders(headers),
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    });
    const answerText = await upstream.text();
    const answerHeaders = headersOf(upstream);
    let call: Json = {};
    try {
      call = record(JSON.parse(body.toString('utf8') || '{}'));
    } catch {
      // Not JSON: not a call about a user.
    }
    const users = new Set(callIdentities(call));
    const refused = refusals.find(
      (refusal) =>
        refusal.at >= startedAt &&
        (call.UserPoolId === undefined || call.UserPoolId === refusal.userPoolId) &&
        refusal.identities.some((identity) => users.has(identity)),
    );
    if (!refused) {
      reply(response, upstream.status, answerHeaders, answerText);
      return;
    }
    reply(
      response,
      400,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': INVALID_LAMBDA_RESPONSE },
      JSON.stringify({
        __type: INVALID_LAMBDA_RESPONSE,
        message: `Invalid CustomMessage response: ${refused.problems.join('; ')}`,
      }),
    );
  }

  const server = bothSidesServer({
    invoke,
    api,
    failed: (response, error) => reply(response, 502, { 'content-type': 'text/plain' }, String(error)),
  });
  const listener = await listenOnLoopback(server, options.port);
  return { endpoint: listener.endpoint, refusals, stop: listener.close };
}

export interface CognitoWithEmailAccount {
  cognito: LocalCognito;
  standIn: MessageAccountStandIn;
  /** Where clients call Cognito: cognito-local behind the stand-in. */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * cognito-local with a pool whose EmailConfiguration is `email`, calling its functions at
 * `lambdaEndpoint` and called by clients through the stand-in that holds custom messages to that
 * pool's account: pool, stand-in and (by the caller) the function's setting agree by construction.
 */
export async function startCognitoWithEmailAccount(
  options: Omit<CognitoOptions, 'email'> & { email: PoolEmail },
): Promise<CognitoWithEmailAccount> {
  let cognitoEndpoint = '';
  const standIn = await startMessageAccountStandIn({
    emailSendingAccount: options.email.account,
    lambdaEndpoint: options.lambdaEndpoint,
    cognitoEndpoint: () => cognitoEndpoint,
  });
  try {
    const cognito = await startCognitoLocal({ ...options, lambdaEndpoint: standIn.endpoint });
    cognitoEndpoint = cognito.endpoint;
    return {
      cognito,
      standIn,
      endpoint: standIn.endpoint,
      async stop() {
        await cognito.stop();
        await standIn.stop();
      },
    };
  } catch (error) {
    await standIn.stop();
    throw error;
  }
}
