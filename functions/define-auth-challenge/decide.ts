/**
 * The define auth challenge decision, over the session's history: which challenge comes next, or
 * tokens, or failure. Pure.
 *
 * A session is an optional prefix of steps Cognito runs itself, then custom challenges. The prefix
 * (the guide's session names, docs/passwordless.md, "What define auth challenge decides on each session entry", has the table): the password, as SRP
 * (SRP_A, then PASSWORD_VERIFIER) or checked by the server (ADMIN_NO_SRP_AUTH); Cognito's MFA
 * (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP); a remembered device (DEVICE_SRP_AUTH,
 * DEVICE_PASSWORD_VERIFIER). A failed step fails the session; a passed MFA or device step proves
 * neither the password nor our challenge, so tokens always need the custom challenge.
 *
 * Every false custom result is a wrong answer, except a request for a new message (the client's
 * `action: resend`), which create auth challenge marks on the challenge it makes next (origin
 * `resent`) and which verify auth challenge never compares. Anything else (a name the guide does not
 * list, a password step out of order, a Cognito step after a custom challenge, an answer after the
 * session should have ended) fails the session: define is the one place that can refuse, and it
 * refuses what it does not recognise.
 */
import type { ChallengeResult } from '../../shared/events/triggers/auth-challenge.ts';
import type { SessionRules } from '../../shared/passwordless/config.ts';
import { parseMetadata } from '../../shared/passwordless/metadata.ts';

export type FailureReason =
  | 'password-required'
  | 'password-failed'
  | 'mfa-failed'
  | 'device-failed'
  | 'unexpected-challenge'
  | 'too-many-wrong-answers'
  | 'too-many-messages'
  | 'answer-after-success'
  | 'user-not-found';

export type Decision =
  | { next: 'challenge'; challengeName: 'CUSTOM_CHALLENGE' | 'PASSWORD_VERIFIER' }
  | { next: 'tokens' }
  | { next: 'fail'; reason: FailureReason };

export interface SessionFacts {
  session: readonly ChallengeResult[];
  userNotFound: boolean;
  /** The client asked, with this answer, for a new code or link instead of answering. */
  resendRequested: boolean;
}

const fail = (reason: FailureReason): Decision => ({ next: 'fail', reason });
const custom: Decision = { next: 'challenge', challengeName: 'CUSTOM_CHALLENGE' };

const MFA_STEPS: ReadonlySet<string> = new Set(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']);
const DEVICE_STEPS: ReadonlySet<string> = new Set(['DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER']);

type Password = 'none' | 'srp-started' | 'verified';
type Prefix = { end: number; password: Password } | { failed: Decision };

/** Reads the steps before the first custom challenge: how far they go, and what they proved. */
function readPrefix(session: readonly ChallengeResult[]): Prefix {
  let password: Password = 'none';
  let end = 0;
  for (; end < session.length; end++) {
    const { challengeName: name, challengeResult: passed } = session[end] as ChallengeResult;
    if (name === 'CUSTOM_CHALLENGE') break;
    if (name === 'SRP_A' && end === 0) password = 'srp-started';
    else if (name === 'PASSWORD_VERIFIER' && password === 'srp-started') password = 'verified';
    else if (name === 'ADMIN_NO_SRP_AUTH' && end === 0) password = 'verified';
    else if (!MFA_STEPS.has(name) && !DEVICE_STEPS.has(name)) return { failed: fail('unexpected-challenge') };
    if (!passed) {
      const reason = MFA_STEPS.has(name) ? 'mfa-failed' : DEVICE_STEPS.has(name) ? 'device-failed' : 'password-failed';
      return { failed: fail(reason) };
    }
  }
  return { end, password };
}

export function decideNext(facts: SessionFacts, rules: SessionRules): Decision {
  const { session } = facts;
  const prefix = readPrefix(session);
  if ('failed' in prefix) return prefix.failed;
  const start = prefix.end;
  if (prefix.password === 'srp-started') {
    // SRP_A asks for the password verifier next; a custom challenge before it skipped the password.
    return start === session.length
      ? { next: 'challenge', challengeName: 'PASSWORD_VERIFIER' }
      : fail('unexpected-challenge');
  }
  if (rules.requirePassword && prefix.password !== 'verified') return fail('password-required');

  const challenges = session.slice(start);
  if (challenges.some((entry) => entry.challengeName !== 'CUSTOM_CHALLENGE')) return fail('unexpected-challenge');
  if (challenges.length === 0) return custom;

  const last = challenges.length - 1;
  const isResendRequest = (index: number): boolean =>
    index < last ? parseMetadata(challenges[index + 1]?.challengeMetadata)?.origin === 'resent' : facts.resendRequested;

  let wrong = 0;
  let messages = 1;
  for (let index = 0; index < last; index++) {
    const entry = challenges[index] as ChallengeResult;
    if (entry.challengeResult) return fail('answer-after-success');
    if (isResendRequest(index)) messages++;
    else wrong++;
  }
  // Checked before the last answer is looked at: a right answer after the session should have ended
  // (it cannot come from Cognito, which ends the session at the failure) must not issue tokens.
  if (wrong >= rules.maxWrongAnswers) return fail('too-many-wrong-answers');
  if (messages > rules.maxMessagesPerSession) return fail('too-many-messages');

  const lastEntry = challenges[last] as ChallengeResult;
  if (lastEntry.challengeResult) {
    // Verify never accepts an answer for a user who does not exist; if it did, no tokens for nobody.
    return facts.userNotFound ? fail('user-not-found') : { next: 'tokens' };
  }
  if (isResendRequest(last)) {
    return messages + 1 > rules.maxMessagesPerSession ? fail('too-many-messages') : custom;
  }
  return wrong + 1 >= rules.maxWrongAnswers ? fail('too-many-wrong-answers') : custom;
}
