/** Whether a sign-in earns a "new sign-in" notice, and its series. Pure. */
import { displayName } from '../../shared/mail/templates.ts';

export interface SignInFacts {
  sub: string;
  newDeviceUsed: boolean;
  userAttributes: Readonly<Record<string, string>>;
}

/**
 * One notice per sign-in from a new device: the id names the user's series, and each occurrence of it
 * (a sign-in and Cognito's retries of it; shared/stores/occurrences.ts) is one message. Two new devices
 * within a minute share a notice.
 */
export function newSignInNotice(
  facts: SignInFacts,
): { kind: 'new-sign-in'; id: string; recurs: true; to: string; name: string | undefined } | undefined {
  const { email, email_verified: verified } = facts.userAttributes;
  if (!facts.newDeviceUsed || !email || verified !== 'true') return undefined;
  return {
    kind: 'new-sign-in',
    id: `${facts.sub}#new-sign-in`,
    recurs: true,
    to: email,
    name: displayName(facts.userAttributes),
  };
}
