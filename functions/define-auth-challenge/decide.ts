/**
 * The define auth challenge decision, over the session's history: which challenge comes next, or
 * tokens, or failure. Pure.
 *
 * A session is an optional password step (SRP_A, then PASSWORD_VERIFIER, both succeeded) followed by
 * custom challenges. Every false custom result is a wrong answer, except a request for a new message
 * (the client's `action: resend`), which create auth challenge marks on the challenge it makes next
 * (origin `resent`) and which verify auth challenge never compares. Anything else in the history
 * (a device challenge, a custom challenge before the password, an answer after the session should
 * have ended) fails the session: define is the one place that can refuse, and it refuses what it
 * does not recognise.
 */
import type { ChallengeResult } from '../../shared/events/triggers/auth-challenge.ts';
import type { SessionRules } from '../../shared/passwordless/config.ts';
import { parseMetadata } from '../../shared/passwordless/metadata.ts';

export type FailureReason =
  | 'password-required'
  | 'password-failed'
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

export function decideNext(facts: SessionFacts, rules: SessionRules): Decision {
  const { session } = facts;
  let start = 0;
  if (session[0]?.challengeName === 'SRP_A') {
    if (!session[0].challengeResult) return fail('password-failed');
    if (session.length === 1) return { next: 'challenge', challengeName: 'PASSWORD_VERIFIER' };
    if (session[1]?.challengeName !== 'PASSWORD_VERIFIER') return fail('unexpected-challenge');
    if (!session[1].challengeResult) return fail('password-failed');
    start = 2;
  } else if (rules.requirePassword) {
    return fail('password-required');
  }

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
