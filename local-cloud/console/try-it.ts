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
import { decodedTokens, isPreTokenGeneration, jwtClaims, type DecodedTokens } from './tokens.ts';

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
  /**
   * The refresh token of the last sign-in made here, and whose it is: kept on the server like the
   * sessions, for the "Refresh tokens" action; the page never sees it.
   */
  lastSignIn?: { userName: string; refreshToken: string };
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

type Fields = Record<string, string>;

const field = (fields: Fields, name: string) => (fields[name] ?? '').trim();

/** The tokens' claims, marked by the last pre token generation that ran for this user. */
function decoded(result: AuthenticationResultType, recorder: ConsoleRecorder, userName: string): DecodedTokens {
  const preToken = recorder
    .list()
    .filter(
      (record): record is InvocationRecord =>
        record.kind === 'invocation' && isPreTokenGeneration(record) && recorder.concerns(record, userName),
    )
    .at(-1);
  return decodedTokens(result, preToken);
}

function failed(error: unknown): TryItAnswer {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: name, message };
}

function signedIn(
  result: AuthenticationResultType | undefined,
  context: TryItContext,
  email: string,
  message = 'Signed in',
): TryItAnswer {
  if (!result) return { ok: false, error: 'NoTokens', message: 'The pool answered without tokens' };
  // A refresh answers no new refresh token: the one it used stays the last sign-in's.
  if (result.RefreshToken) context.lastSignIn = { userName: email, refreshToken: result.RefreshToken };
  return { ok: true, message, tokens: decoded(result, context.recorder, email) };
}

/**
 * The user a magic-link token names (`v1.<payload>.<mac>`, shared/passwordless/magic-link.ts), read
 * without checking the MAC: the redeem asks the pool, whose verify function checks it.
 */
export function linkUserName(token: string): string {
  const name = jwtClaims(token).u;
  return typeof name === 'string' ? name : '';
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
  /**
   * InitiateAuth REFRESH_TOKEN_AUTH with the last sign-in's refresh token: Cognito calls pre token
   * generation with TokenGeneration_RefreshTokens, "when a user tries to refresh the identity and access
   * tokens" (developer guide, "Pre token generation Lambda trigger sources").
   */
  async refresh(context) {
    const last = context.lastSignIn;
    if (!last) return { ok: false, error: 'NoSignIn', message: 'Sign in here first: there is no refresh token yet' };
    const answer = await context.idp.send(
      new InitiateAuthCommand({
        ClientId: context.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: last.refreshToken },
      }),
    );
    return signedIn(answer.AuthenticationResult, context, last.userName, 'Tokens refreshed');
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
