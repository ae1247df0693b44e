/**
 * The legacy directory's item: one user of the system a pool replaces, as the import writes it and the
 * migrate-user trigger reads it. Keyed by the normalised user name; `email` (normalised) feeds EmailIndex
 * for pools that sign in by e-mail. Both sides must normalise the same way, so the rule lives here.
 */

export interface LegacyUserItem {
  /** Table key: the normalised legacy login name. */
  username: string;
  /** The login name as the export spelled it (answered to Cognito as the user's name). */
  usernameAsGiven: string;
  /** Normalised e-mail, present only when the user has one (a GSI key may not be empty). */
  email?: string;
  /** Cognito attribute names and values (`email`, `email_verified`, `phone_number`, `custom:*`, ...). */
  attributes: Record<string, string>;
  /** The stored hash (see shared/passwords/formats.ts); absent: the user must reset the password. */
  passwordHash?: string;
  mfaEnabled: boolean;
  importedAt: string;
  /** Set (conditionally) by the first successful migration. */
  migratedAt?: string;
  /** TTL, epoch seconds: set after migration so the hash does not outlive its use. */
  expiresAt?: number;
}

/** Cognito user names are case-insensitive in pools created since 2020 (the default): compare them so. */
export function normaliseUsername(username: string): string {
  return username.normalize('NFC').trim().toLowerCase();
}

export function normaliseEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/**
 * The key of the marker left when a user migrates: the row itself goes with its TTL (and its
 * `migratedAt` with it), the marker stays, so that re-importing an old export cannot bring the hash
 * back. Normalised user names are lower case, so an upper-case prefix never meets a user's key: no
 * lookup can find a marker, and no import row can write one.
 */
export const MIGRATED_MARKER_PREFIX = 'MIGRATED#';

export const migratedMarkerKey = (username: string): string =>
  `${MIGRATED_MARKER_PREFIX}${normaliseUsername(username)}`;

/** The marker: the key and when the user first migrated; no hash, no attributes, no TTL. */
export interface MigratedMarker {
  username: string;
  migratedAt: string;
}
