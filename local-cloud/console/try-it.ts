/**
 * The console's "Try it" forms: what an app does with the local pool, done for the person at the page,
 * so that every trigger can be driven without writing a client. Tokens never reach the page: a sign-in
 * answers with the tokens' decoded claims, each marked with what pre token generation did to it.
 */
import {
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import type { ConsoleRecorder, InvocationRecord } from './recorder.ts';

export interface TryItContext {
  idp: CognitoIdentityProviderClient;
  clientId: string;
  recorder: ConsoleRecorder;
  /** Where a magic link sent from the console leads: the console's own sign-in page. */
  magicLinkRedirect: string;
  /**
   * Cognito's auth sessions, kept here: the page holds a random handle, so that no session token reaches
   * it. Created by createTryItContext.
   */
  sessions: Map<string, string>;
}

/** A handle for a session (the page's only reference to it). */
function holdSession(context: TryItContext, session: string | undefined): { session?: string } {
  if (!session) return {};
  const handle = randomUUID();
  context.sessions.set(handle, session);
  // The pool's auth session lasts 3 minutes; the handles need not outlive many.
  if (context.sessions.size > 100) context.sessions.delete(context.sessions.keys().next().value ?? '');
  return { session: handle };
}

/** What the page is told: a short result, never a token, a password or a code. */
export type TryItAnswer =
  | { ok: true; message: string; session?: string; tokens?: DecodedTokens }
  | { ok: false; error: string; message: string; session?: string };

export interface MarkedClaim {
  name: string;
  value: unknown;
  /** Set by the pre token generation answer (claimsToAddOrOverride, groups), or left as Cognito made it. */
  added: boolean;
}

export interface DecodedTokens {
  id: MarkedClaim[];
  access: MarkedClaim[];
  /** Claims pre token generation removed (claimsToSuppress), which the tokens therefore lack. */
  suppressed: string[];
}

type Fields = Record<string, string>;

const field = (fields: Fields, name: string) => (fields[name] ?? '').trim();

/** A JWT's payload, unverified: the console shows what the page's own sign-in received. */
export function jwtClaims(token: string | undefined): Record<string, unknown> {
  const payload = token?.split('.')[1];
  if (!payload) return {};
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const asObject = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * The claim names the last pre token generation answer for this user set, per token, and those it
 * suppressed: V1 (`claimsOverrideDetails`) and V2/V3 (`claimsAndScopeOverrideDetails`) answers. Only names
 * are read: the recorded answer's values are redacted.
 */
export function preTokenChanges(invocation: InvocationRecord | undefined): {
  id: Set<string>;
  access: Set<string>;
  suppressed: Set<string>;
} {
  const changes = { id: new Set<string>(), access: new Set<string>(), suppressed: new Set<string>() };
  const response = asObject(asObject(invocation?.answer).response);
  const v1 = asObject(response.claimsOverrideDetails);
  const v2 = asObject(response.claimsAndScopeOverrideDetails);
  const idDetails = Object.keys(v2).length > 0 ? asObject(v2.idTokenGeneration) : v1;
  const accessDetails = asObject(v2.accessTokenGeneration);
  const groups = Object.keys(v2).length > 0 ? asObject(v2.groupOverrideDetails) : asObject(v1.groupOverrideDetails);
  for (const name of Object.keys(asObject(idDetails.claimsToAddOrOverride))) changes.id.add(name);
  for (const name of Object.keys(asObject(accessDetails.claimsToAddOrOverride))) changes.access.add(name);
  if (Object.keys(groups).length > 0) {
    for (const name of ['cognito:groups', 'cognito:roles', 'cognito:preferred_role']) changes.id.add(name);
    changes.access.add('cognito:groups');
  }
  for (const list of [idDetails.claimsToSuppress, accessDetails.claimsToSuppress]) {
    if (Array.isArray(list)) for (const name of list) if (typeof name === 'string') changes.suppressed.add(name);
  }
  return changes;
}

function decoded(result: AuthenticationResultType, recorder: ConsoleRecorder, userName: string): DecodedTokens {
  const preToken = recorder
    .list()
    .filter(
      (record): record is InvocationRecord =>
        record.kind === 'invocation' &&
        (record.triggerSource ?? '').startsWith('TokenGeneration_') &&
        recorder.concerns(record, userName),
    )
    .at(-1);
  const changes = preTokenChanges(preToken);
  const mark = (claims: Record<string, unknown>, added: Set<string>) =>
    Object.entries(claims).map(([name, value]) => ({ name, value, added: added.has(name) }));
  return {
    id: mark(jwtClaims(result.IdToken), changes.id),
    access: mark(jwtClaims(result.AccessToken), changes.access),
    suppressed: [...changes.suppressed],
  };
}

function failed(error: unknown): TryItAnswer {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: name, message };
}

function signedIn(result: AuthenticationResultType | undefined, context: TryItContext, email: string): TryItAnswer {
  if (!result) return { ok: false, error: 'NoTokens', message: 'The pool answered without tokens' };
  return { ok: true, message: 'Signed in', tokens: decoded(result, context.recorder, email) };
}

/**
 * The user a magic-link token names (`v1.<payload>.<mac>`, shared/passwordless/magic-link.ts), read
 * without checking the MAC: the redeem asks the pool, whose verify function checks it.
 */
export function linkUserName(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    const name = asObject(payload).u;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}

/** The actions the page may ask for, by name. Each answers as the pool did, in words a person reads. */
export const TRY_IT_ACTIONS: Record<string, (context: TryItContext, fields: Fields) => Promise<TryItAnswer>> = {
  async 'sign-up'({ idp, clientId }, fields) {
    const email = field(fields, 'email');
    const answer = await idp.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: email,
        Password: fields.password ?? '',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    return {
      ok: true,
      message: answer.UserConfirmed ? 'Signed up and confirmed' : 'Signed up: the code is in Messages',
    };
  },
  async confirm({ idp, clientId }, fields) {
    await idp.send(
      new ConfirmSignUpCommand({
        ClientId: clientId,
        Username: field(fields, 'email'),
        ConfirmationCode: field(fields, 'code'),
      }),
    );
    return { ok: true, message: 'Confirmed' };
  },
  async 'sign-in'(context, fields) {
    const email = field(fields, 'email');
    const answer = await context.idp.send(
      new InitiateAuthCommand({
        ClientId: context.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: fields.password ?? '' },
      }),
    );
    if (answer.ChallengeName) return { ok: true, message: `Challenge: ${answer.ChallengeName}` };
    return signedIn(answer.AuthenticationResult, context, email);
  },
  async 'code-start'(context, fields) {
    const answer = await context.idp.send(
      new InitiateAuthCommand({
        ClientId: context.clientId,
        AuthFlow: 'CUSTOM_AUTH',
        AuthParameters: { USERNAME: field(fields, 'email') },
        ClientMetadata: { signInMethod: 'EMAIL_OTP' },
      }),
    );
    return {
      ok: true,
      message: 'If the address can sign in, a code is in Messages',
      ...holdSession(context, answer.Session),
    };
  },
  async 'code-answer'(context, fields) {
    const email = field(fields, 'email');
    const answer = await context.idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: context.clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: context.sessions.get(field(fields, 'session')),
        ChallengeResponses: { USERNAME: email, ANSWER: field(fields, 'code') },
      }),
    );
    if (!answer.AuthenticationResult)
      return {
        ok: false,
        error: 'WrongCode',
        message: 'Not signed in: try the code again',
        ...holdSession(context, answer.Session),
      };
    return signedIn(answer.AuthenticationResult, context, email);
  },
  async 'link-start'({ idp, clientId, magicLinkRedirect }, fields) {
    await idp.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'CUSTOM_AUTH',
        AuthParameters: { USERNAME: field(fields, 'email') },
        ClientMetadata: { signInMethod: 'MAGIC_LINK', redirectUri: magicLinkRedirect },
      }),
    );
    return { ok: true, message: 'If the address can sign in, a link is in Messages' };
  },
  async 'link-redeem'(context, fields) {
    const email = field(fields, 'email') || linkUserName(field(fields, 'token'));
    const redeem = { signInMethod: 'MAGIC_LINK', action: 'redeem' };
    const opened = await context.idp.send(
      new InitiateAuthCommand({
        ClientId: context.clientId,
        AuthFlow: 'CUSTOM_AUTH',
        AuthParameters: { USERNAME: email },
        ClientMetadata: redeem,
      }),
    );
    const answer = await context.idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: context.clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: opened.Session,
        ChallengeResponses: { USERNAME: email, ANSWER: field(fields, 'token') },
        ClientMetadata: redeem,
      }),
    );
    if (!answer.AuthenticationResult)
      return { ok: false, error: 'LinkRefused', message: 'Not signed in: the link is used, expired or not valid' };
    return signedIn(answer.AuthenticationResult, context, email);
  },
  async 'forgot-password'({ idp, clientId }, fields) {
    await idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: field(fields, 'email') }));
    return { ok: true, message: 'If the account exists, a reset code is in Messages' };
  },
  async 'confirm-forgot-password'({ idp, clientId }, fields) {
    await idp.send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: field(fields, 'email'),
        ConfirmationCode: field(fields, 'code'),
        Password: fields.password ?? '',
      }),
    );
    return { ok: true, message: 'Password changed' };
  },
};

/** Runs an action; the pool's refusals are answers (the page shows them), not failures of the console. */
export async function tryIt(context: TryItContext, action: string, fields: Fields): Promise<TryItAnswer | undefined> {
  const run = Object.hasOwn(TRY_IT_ACTIONS, action) ? TRY_IT_ACTIONS[action] : undefined;
  if (!run) return undefined;
  try {
    return await run(context, fields);
  } catch (error) {
    return failed(error);
  }
}
