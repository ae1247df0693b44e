/**
 * The sign-in attempts key: the pool and the user name in its one canonical form (normaliseUsername:
 * NFC, trimmed, lower case), the form the legacy directory is keyed by. Pre authentication counts under
 * it and post authentication resets it, so both must agree; migrate-user counts under the found legacy
 * user's key, so that no other spelling of a name (padded, upper case, decomposed) gets a fresh count;
 * and a user name that does not exist is counted and locked exactly like one that does.
 */
import { normaliseUsername } from './legacy-user.ts';

export function attemptKey(userPoolId: string, userName: string): string {
  return `${userPoolId}#${normaliseUsername(userName)}`;
}
