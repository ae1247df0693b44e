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
import { normaliseUsername, type LegacyUserItem } from '../../shared/stores/legacy-user.ts';

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

/**
 * A name typed with white space at either end. Cognito's user names hold none, and the directory is
 * keyed by the trimmed name, so such a name would reach a user under a spelling nobody chose: it is
 * refused as an unknown name is (same reads, same work, same answer).
 */
export function hasOuterWhiteSpace(typed: string): boolean {
  const composed = typed.normalize('NFC');
  return composed.trim() !== composed;
}

export interface Lookup {
  /** The user the name signs in as; never one reached through a padded spelling. */
  found: FoundUser | undefined;
  /**
   * The name the attempt counts under: the found user's key whenever the reads found one (padded or not,
   * by user name or by e-mail), so that every spelling of a user meets the same counter; otherwise the
   * typed name, which the attempts key normalises as the directory key is normalised.
   */
  attemptName: string;
}

export function resolveLookup(
  typed: string,
  byUsername: LegacyUserItem | undefined,
  byEmail: LegacyUserItem | undefined,
): Lookup {
  const match = pickUser(byUsername, byEmail);
  return {
    found: hasOuterWhiteSpace(typed) ? undefined : match,
    attemptName: match ? match.item.username : normaliseUsername(typed),
  };
}
