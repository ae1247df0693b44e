/**
 * What the trigger answers Cognito for a legacy user. Pure.
 */
import { isCognitoOwnedAttribute, isWritableAttribute } from '../../shared/events/attributes.ts';
import type { UserMigrationResponse } from '../../shared/events/triggers/user-migration.ts';
import type { FoundUser } from './lookup.ts';

const VERIFIED_FLAGS = { email_verified: 'email', phone_number_verified: 'phone_number' } as const;

function flag(value: string): 'true' | 'false' {
  return ['true', '1', 'yes'].includes(value.trim().toLowerCase()) ? 'true' : 'false';
}

export interface MigratedAttributes {
  attributes: Record<string, string>;
  /** Names left out (not attributes a pool can hold, or Cognito's own): for a log line, never values. */
  dropped: string[];
}

/**
 * The user's attributes under Cognito's names, as the legacy system knew them: verified flags as it
 * recorded them ("true"/"false"), never `sub`, `identities` or `cognito:*`, nothing a pool cannot hold.
 *
 * `username` is answered only for pools that sign in by user name with the e-mail as an alias
 * (`signInAliases`), when the user typed the alias: Cognito then needs the real user name, and the typed
 * alias in the `email` attribute. Otherwise it is left out, since it must equal what the user typed.
 */
export function migratedAttributes(found: FoundUser, signInAliases: boolean): MigratedAttributes {
  const attributes: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(found.item.attributes ?? {})) {
    if (typeof value !== 'string' || value === '' || isCognitoOwnedAttribute(name) || !isWritableAttribute(name)) {
      dropped.push(name);
      continue;
    }
    attributes[name] = name in VERIFIED_FLAGS ? flag(value) : value;
  }
  for (const [flagName, attribute] of Object.entries(VERIFIED_FLAGS)) {
    if (attributes[flagName] !== undefined && attributes[attribute] === undefined) {
      delete attributes[flagName];
      dropped.push(flagName);
    }
  }
  if (signInAliases && found.via === 'email') attributes.username = found.item.usernameAsGiven;
  return { attributes, dropped };
}

/**
 * The whole answer: what the policy decided, and null for everything it did not, whatever the event's
 * `response` held when it came (Cognito sends nulls; nothing of the request may slip into the answer).
 * Always `messageAction: SUPPRESS`: the user knows their account, a welcome message would be noise.
 */
export function migrationResponse(decided: {
  userAttributes: Record<string, string>;
  finalUserStatus?: 'CONFIRMED' | 'RESET_REQUIRED';
  enableSMSMFA?: boolean;
}): UserMigrationResponse {
  return {
    userAttributes: decided.userAttributes,
    finalUserStatus: decided.finalUserStatus ?? null,
    messageAction: 'SUPPRESS',
    desiredDeliveryMediums: null,
    forceAliasCreation: null,
    enableSMSMFA: decided.enableSMSMFA ?? null,
  };
}

/** A password reset needs a verified address or phone number for Cognito to send the code to. */
export function hasVerifiedContact(attributes: Readonly<Record<string, string>>): boolean {
  return (
    (attributes.email_verified === 'true' && Boolean(attributes.email)) ||
    (attributes.phone_number_verified === 'true' && Boolean(attributes.phone_number))
  );
}

/** Cognito's words for a failed sign-in: an unknown user and a wrong password must read the same. */
export const INVALID_CREDENTIALS_MESSAGE = 'Incorrect username or password';

/** Cognito's words for a reset of a user it does not know: what every user we cannot migrate there gets. */
export const UNKNOWN_USER_RESET_MESSAGE = 'Username/client id combination not found';
