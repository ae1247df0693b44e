/**
 * What the local console shows, recorded once as it happens: each trigger and job invocation (at the
 * Lambda endpoint), each Cognito operation a client makes (at the outermost stand-in), each message a user
 * would receive. Invocations and operations pass through the logs' own redaction before they are kept,
 * so no password, code, hash or token can reach the page; messages are the local inbox and are kept as
 * delivered (their codes are the local pool's fixed test codes and local magic links).
 */
import { redactLogValue, REDACTED } from '../../shared/runtime/redact.ts';
import { userNameHash } from '../../shared/runtime/observability.ts';
import { FAILED_OPEN_LOG_MESSAGE } from '../../shared/runtime/trigger.ts';
import type { ObservedInvocation } from '../lambda-server.ts';
import {
  claimChangesOf,
  decodedTokens,
  isPreTokenGeneration,
  jwtClaims,
  type ClaimChanges,
  type DecodedTokens,
} from './tokens.ts';

/** What became of an invocation, as the dashboard counts it. */
export type InvocationOutcome = 'answered' | 'refused' | 'failed-open' | 'error';

export interface InvocationRecord {
  kind: 'invocation';
  id: number;
  /** When it started (ISO 8601). */
  at: string;
  durationMs: number;
  functionName: string;
  triggerSource?: string;
  outcome: InvocationOutcome;
  /** A refusal's user-facing text (what Cognito shows the client), or an error's type. */
  reason?: string;
  userRef?: string;
  /**
   * Pseudonyms of the names the user signs in with (e-mail, phone number, preferred user name): the
   * pool's user name is often a generated one, and a client's call names the user by an alias.
   */
  aliasRefs: string[];
  event: unknown;
  answer: unknown;
  /** The function's log lines for this invocation, parsed where they are JSON. */
  logs: unknown[];
  /** A pre token generation's answer, as claim names added and suppressed (read before redaction). */
  claimChanges?: ClaimChanges;
}

export interface OperationRecord {
  kind: 'operation';
  id: number;
  at: string;
  durationMs: number;
  /** The Cognito API action (SignUp, InitiateAuth, RespondToAuthChallenge, ...). */
  operation: string;
  /** The auth flow or challenge, where there is one (USER_PASSWORD_AUTH, CUSTOM_CHALLENGE, ...). */
  detail?: string;
  userRef?: string;
  status: 'ok' | 'error';
  error?: { type: string; message: string };
  /** The invocations it caused, in order (ids of InvocationRecords). */
  invocations: number[];
}

export interface MessageRecord {
  kind: 'message';
  id: number;
  at: string;
  channel: 'email' | 'sms';
  /** Who sent it: the custom message function through cognito-local, SES (our senders), the SMS outbox. */
  via: 'cognito' | 'ses' | 'sms-outbox';
  to: string;
  subject?: string;
  text?: string;
  html?: string;
}

/**
 * A user's last sign-in through the local pool (any client: an SDK, Try it, a magic link, a refresh):
 * the decoded claims of the ID and access tokens it was answered, never the tokens, the refresh token or
 * the session.
 */
export interface SignInRecord {
  at: string;
  /** The operation that answered the tokens (its id in the timeline), and its flow or challenge. */
  operationId: number;
  operation: string;
  detail?: string;
  tokens: DecodedTokens;
}

export type ConsoleRecord = InvocationRecord | OperationRecord | MessageRecord;
type New<T extends ConsoleRecord> = Omit<T, 'id' | 'kind'>;

/** At most this many of each kind are kept: the console is for what just happened. */
const KEPT = 1_000;

/** A value as the logs would show it: secret and personal keys' values gone, secrets in text masked. */
export function redacted(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value, redactLogValue)) as unknown;
}

const asObject = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

function parsedLine(line: string): unknown {
  try {
    return redacted(JSON.parse(line));
  } catch {
    return redacted(line);
  }
}

/** The outcome of an invocation, from what the Lambda endpoint saw and the function logged. */
export function invocationOutcome(
  error: { errorType: string; errorMessage: string } | undefined,
  logs: readonly unknown[],
): { outcome: InvocationOutcome; reason?: string } {
  if (error?.errorType === 'UserFacingError') return { outcome: 'refused', reason: error.errorMessage };
  if (error) return { outcome: 'error', reason: error.errorType };
  const failedOpen = logs.some((line) => asObject(line).message === FAILED_OPEN_LOG_MESSAGE);
  return failedOpen ? { outcome: 'failed-open' } : { outcome: 'answered' };
}

export interface ConsoleRecorder {
  readonly userPoolId: string;
  /** The pseudonym the logs give a user name (`userRef`). */
  userRef(userName: string | undefined): string | undefined;
  /** Whether an invocation concerns the user a client named `name` (by user name or an alias). */
  concerns(invocation: InvocationRecord, name: string | undefined): boolean;
  invocation(input: ObservedInvocation): InvocationRecord;
  operation(input: {
    at: Date;
    durationMs: number;
    operation: string;
    input: unknown;
    /**
     * The pool's answer, when it succeeded: read for the tokens' claims and user of a sign-in, then
     * dropped (not kept, not sent on).
     */
    output?: unknown;
    error?: { type: string; message: string };
  }): OperationRecord;
  /** The last sign-in of the pool user named `userName` (the tokens' `cognito:username`). */
  lastSignIn(userName: string): SignInRecord | undefined;
  message(input: New<MessageRecord>): MessageRecord;
  list(): ConsoleRecord[];
  /** Calls `listener` with every record added from now on; answers the function that stops it. */
  subscribe(listener: (record: ConsoleRecord) => void): () => void;
}

export function createConsoleRecorder(userPoolId: string): ConsoleRecorder {
  let nextId = 1;
  const invocations: InvocationRecord[] = [];
  const operations: OperationRecord[] = [];
  const messages: MessageRecord[] = [];
  const listeners = new Set<(record: ConsoleRecord) => void>();
  // By the pool's user name, least recently signed in first (so the oldest goes when there are too many).
  const signIns = new Map<string, SignInRecord>();
  const userRef = (userName: string | undefined) => userNameHash(userPoolId, userName);

  function keep<T extends ConsoleRecord>(list: T[], record: T): T {
    list.push(record);
    if (list.length > KEPT) list.shift();
    for (const listener of listeners) listener(record);
    return record;
  }

  /**
   * The operation an invocation belongs to: the one of the same user still running when it started (an
   * operation is recorded when it ends, so it is matched to the invocations that ended inside it).
   */
  function causedBy(operation: OperationRecord): number[] {
    const start = Date.parse(operation.at);
    const end = start + operation.durationMs;
    return invocations
      .filter((invocation) => {
        const at = Date.parse(invocation.at);
        return (
          operation.userRef !== undefined &&
          refersTo(invocation, operation.userRef) &&
          at >= start &&
          at + invocation.durationMs <= end + 1
        );
      })
      .map((invocation) => invocation.id);
  }

  return {
    userPoolId,
    userRef,
    concerns: (invocation, name) => {
      const ref = userRef(name);
      return ref !== undefined && refersTo(invocation, ref);
    },
    invocation({ at, durationMs, functionName, event, answer, error, lines }) {
      const logs = lines.map(parsedLine);
      const source = asObject(event);
      return keep(invocations, {
        kind: 'invocation',
        id: nextId++,
        at: at.toISOString(),
        durationMs,
        functionName,
        ...(typeof source.triggerSource === 'string' ? { triggerSource: source.triggerSource } : {}),
        ...invocationOutcome(error, logs),
        ...withUserRef(userRef(typeof source.userName === 'string' ? source.userName : undefined)),
        aliasRefs: aliasesOf(event).flatMap((alias) => userRef(alias) ?? []),
        event: redacted(event),
        answer: error ? redacted(error) : redacted(answer ?? null),
        logs,
        ...(typeof source.triggerSource === 'string' && source.triggerSource.startsWith('TokenGeneration_') && !error
          ? { claimChanges: claimChangesOf(answer) }
          : {}),
      });
    },
    operation({ at, durationMs, operation, input, output, error }) {
      const request = asObject(input);
      const parameters = asObject(request.AuthParameters ?? request.ChallengeResponses);
      const tokens = asObject(asObject(output).AuthenticationResult);
      const idToken = typeof tokens.IdToken === 'string' ? tokens.IdToken : undefined;
      const accessToken = typeof tokens.AccessToken === 'string' ? tokens.AccessToken : undefined;
      const signedInAs = jwtClaims(idToken)['cognito:username'] ?? jwtClaims(accessToken).username;
      // A refresh names no user: its tokens do.
      const userName = [request.Username, parameters.USERNAME, signedInAs].find(
        (value) => typeof value === 'string',
      ) as string | undefined;
      const detail = [request.AuthFlow, request.ChallengeName].find((value) => typeof value === 'string') as
        string | undefined;
      const record: OperationRecord = {
        kind: 'operation',
        id: nextId++,
        at: at.toISOString(),
        durationMs,
        operation,
        ...(detail ? { detail } : {}),
        ...withUserRef(userRef(userName)),
        status: error ? 'error' : 'ok',
        ...(error ? { error: { type: error.type, message: redactedText(error.message) } } : {}),
        invocations: [],
      };
      record.invocations = causedBy(record);
      if (typeof signedInAs === 'string' && (idToken || accessToken)) {
        const preToken = record.invocations
          .map((id) => invocations.find((invocation) => invocation.id === id))
          .filter((invocation): invocation is InvocationRecord => invocation !== undefined)
          .filter(isPreTokenGeneration)
          .at(-1);
        signIns.delete(signedInAs);
        signIns.set(signedInAs, {
          at: record.at,
          operationId: record.id,
          operation,
          ...(detail ? { detail } : {}),
          tokens: decodedTokens({ IdToken: idToken, AccessToken: accessToken }, preToken),
        });
        if (signIns.size > KEPT) signIns.delete(signIns.keys().next().value ?? '');
      }
      return keep(operations, record);
    },
    lastSignIn: (userName) => signIns.get(userName),
    message(input) {
      return keep(messages, { ...input, kind: 'message', id: nextId++ });
    },
    list: () => [...invocations, ...operations, ...messages].sort((a, b) => a.id - b.id),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const refersTo = (invocation: InvocationRecord, ref: string) =>
  invocation.userRef === ref || invocation.aliasRefs.includes(ref);

/** The sign-in aliases among the event's user attributes. */
function aliasesOf(event: unknown): string[] {
  const attributes = asObject(asObject(asObject(event).request).userAttributes);
  return ['email', 'phone_number', 'preferred_username'].flatMap((name) => {
    const value = attributes[name];
    return typeof value === 'string' && value !== '' ? [value] : [];
  });
}

const withUserRef = (ref: string | undefined) => (ref ? { userRef: ref } : {});
const redactedText = (text: string) => {
  const value = redacted(text);
  return typeof value === 'string' ? value : REDACTED;
};
