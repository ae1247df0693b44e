/** Which message a confirmation sends, to whom, under which id. Pure. */
import { displayName, type MessageKind } from '../../shared/mail/templates.ts';

export interface ConfirmationMessage {
  kind: MessageKind & ('welcome' | 'password-changed');
  /** The welcome's id; for a password notice, the series whose occurrences are the messages. */
  id: string;
  /** Set for the password notice: a password can be reset again, and each reset is one message. */
  recurs?: true;
  to: string;
  name: string | undefined;
}

export interface ConfirmationFacts {
  triggerSource: 'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword';
  sub: string;
  userAttributes: Readonly<Record<string, string>>;
}

export interface MessageRules {
  requireVerifiedEmail: boolean;
  sendWelcome: boolean;
  sendPasswordChanged: boolean;
}

export function confirmationMessage(facts: ConfirmationFacts, rules: MessageRules): ConfirmationMessage | undefined {
  const { email, email_verified: verified } = facts.userAttributes;
  if (!email || (rules.requireVerifiedEmail && verified !== 'true')) return undefined;
  const name = displayName(facts.userAttributes);
  if (facts.triggerSource === 'PostConfirmation_ConfirmSignUp') {
    // One welcome per user, ever: the id carries no time.
    return rules.sendWelcome ? { kind: 'welcome', id: `${facts.sub}#welcome`, to: email, name } : undefined;
  }
  if (!rules.sendPasswordChanged) return undefined;
  // Nothing in the event tells a second reset from a Cognito retry of the first (the event is the same,
  // and the request id is new on every attempt): the message is the reset's occurrence, opened by its
  // first attempt and joined by the retries that follow within seconds (shared/stores/occurrences.ts).
  return { kind: 'password-changed', id: `${facts.sub}#password-changed`, recurs: true, to: email, name };
}
