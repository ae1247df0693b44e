/** Which message a confirmation sends, to whom, under which id. Pure. */
import { displayName, type MessageKind } from '../../shared/mail/templates.ts';

export interface ConfirmationMessage {
  kind: MessageKind & ('welcome' | 'password-changed');
  id: string;
  to: string;
  name: string | undefined;
}

export interface ConfirmationFacts {
  triggerSource: 'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword';
  sub: string;
  userAttributes: Readonly<Record<string, string>>;
  /** Now, in epoch milliseconds. */
  now: number;
}

export interface MessageRules {
  requireVerifiedEmail: boolean;
  sendWelcome: boolean;
  sendPasswordChanged: boolean;
}

/** A password can be reset many times; retries of one reset fall in the same 10-minute window. */
const PASSWORD_NOTICE_WINDOW_MS = 10 * 60_000;

export function confirmationMessage(facts: ConfirmationFacts, rules: MessageRules): ConfirmationMessage | undefined {
  const { email, email_verified: verified } = facts.userAttributes;
  if (!email || (rules.requireVerifiedEmail && verified !== 'true')) return undefined;
  const name = displayName(facts.userAttributes);
  if (facts.triggerSource === 'PostConfirmation_ConfirmSignUp') {
    // One welcome per user, ever: the id carries no time.
    return rules.sendWelcome ? { kind: 'welcome', id: `${facts.sub}#welcome`, to: email, name } : undefined;
  }
  if (!rules.sendPasswordChanged) return undefined;
  const window = Math.floor(facts.now / PASSWORD_NOTICE_WINDOW_MS);
  return { kind: 'password-changed', id: `${facts.sub}#password-changed#${window}`, to: email, name };
}
