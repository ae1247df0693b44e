/**
 * Which legacy user the typed sign-in name refers to. Pure: the handler runs the reads this plans.
 *
 * - `username`: the name is the legacy user name.
 * - `email`: the name is an e-mail address (pools that sign in by e-mail), found through EmailIndex.
 * - `both`: either; when both find someone, the user name wins (a legacy user name may look like an
 *   address, and it is the one key that is unique by construction).
 *
 * A name that is no address is never looked up by e-mail: its shape is known to whoever typed it, so
 * skipping that read tells them nothing.
 */
import type { LegacyUserItem } from '../../shared/stores/legacy-user.ts';

export const LOOKUP_MODES = ['username', 'email', 'both'] as const;
export type LookupMode = (typeof LOOKUP_MODES)[number];

export interface LookupPlan {
  byUsername: boolean;
  byEmail: boolean;
}

export function lookupPlan(typed: string, mode: LookupMode): LookupPlan {
  return { byUsername: mode !== 'email', byEmail: mode !== 'username' && typed.includes('@') };
}

export interface FoundUser {
  item: LegacyUserItem;
  via: 'username' | 'email';
}

export function pickUser(
  byUsername: LegacyUserItem | undefined,
  byEmail: LegacyUserItem | undefined,
): FoundUser | undefined {
  if (byUsername) return { item: byUsername, via: 'username' };
  if (byEmail) return { item: byEmail, via: 'email' };
  return undefined;
}
