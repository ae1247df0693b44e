/** Whether a sign-in earns a "new sign-in" notice, and its id. Pure. */
import { displayName } from '../../shared/mail/templates.ts';

export interface SignInFacts {
  sub: string;
  newDeviceUsed: boolean;
  userAttributes: Readonly<Record<string, string>>;
  now: number;
}

/** Retries of one sign-in land in the same minute; two new devices in one minute share a notice. */
const NOTICE_WINDOW_MS = 60_000;

export function newSignInNotice(
  facts: SignInFacts,
): { kind: 'new-sign-in'; id: string; to: string; name: string | undefined } | undefined {
  const { email, email_verified: verified } = facts.userAttributes;
  if (!facts.newDeviceUsed || !email || verified !== 'true') return undefined;
  return {
    kind: 'new-sign-in',
    id: `${facts.sub}#new-sign-in#${Math.floor(facts.now / NOTICE_WINDOW_MS)}`,
    to: email,
    name: displayName(facts.userAttributes),
  };
}
