/**
 * Columns of a legacy export: which column holds the login name, the hash, the MFA flag and each Cognito
 * attribute. Default names are Cognito's own attribute names plus `username`, `password_hash` and
 * `mfa_enabled`; a mapping renames another export's columns to these. Pure.
 */
import { STANDARD_ATTRIBUTES } from '../events/attributes.ts';

/** Cognito's standard attributes (OIDC claims), in the order GetCSVHeader lists them for a pool. */
export { STANDARD_ATTRIBUTES };

export const BOOLEAN_ATTRIBUTES: ReadonlySet<string> = new Set(['email_verified', 'phone_number_verified']);

export const USERNAME_COLUMN = 'username';
export const HASH_COLUMN = 'password_hash';
export const MFA_COLUMN = 'mfa_enabled';

/** The header GetCSVHeader answers for a pool with these custom attributes (its order: standard, custom, cognito:*). */
export function defaultCsvHeader(customAttributes: readonly string[] = []): string[] {
  return [
    ...STANDARD_ATTRIBUTES,
    ...customAttributes.map((name) => (name.startsWith('custom:') ? name : `custom:${name}`)),
    'cognito:mfa_enabled',
    'cognito:username',
  ];
}

/** Export column name → our column name (`username`, `password_hash`, `mfa_enabled` or a Cognito attribute). */
export type ColumnMapping = Readonly<Record<string, string>>;

/** Where each of our columns is in a row, after mapping. */
export interface ResolvedColumns {
  /** The header as the file has it (for messages). */
  fileHeader: readonly string[];
  username: number;
  passwordHash: number | undefined;
  mfaEnabled: number | undefined;
  /** Cognito attributes (standard and `custom:*`) and their row positions. */
  attributes: ReadonlyArray<{ name: string; index: number }>;
  /** File columns that are none of ours: left out, and reported once. */
  ignored: readonly string[];
}

export class HeaderError extends Error {
  override readonly name = 'HeaderError';
}

const STANDARD: ReadonlySet<string> = new Set(STANDARD_ATTRIBUTES);

export function isAttributeColumn(name: string): boolean {
  return STANDARD.has(name) || (name.startsWith('custom:') && name.length > 'custom:'.length);
}

/**
 * Resolves a file's header through the mapping. Throws HeaderError when the user name column is missing
 * (after mapping), when `requiredColumns` are missing, or when two file columns map to the same name.
 */
export function resolveColumns(
  fileHeader: readonly string[],
  mapping: ColumnMapping = {},
  requiredColumns: readonly string[] = [],
): ResolvedColumns {
  const seen = new Map<string, number>();
  const ignored: string[] = [];
  fileHeader.forEach((raw, index) => {
    const column = raw.trim();
    const name = Object.hasOwn(mapping, column) ? (mapping[column] as string) : column;
    if (name === USERNAME_COLUMN || name === HASH_COLUMN || name === MFA_COLUMN || isAttributeColumn(name)) {
      if (seen.has(name)) throw new HeaderError(`two columns map to ${name}: the header is ambiguous`);
      seen.set(name, index);
    } else {
      ignored.push(column);
    }
  });
  const missing = [USERNAME_COLUMN, ...requiredColumns].filter((name) => !seen.has(name));
  if (missing.length) {
    throw new HeaderError(`the header lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  return {
    fileHeader,
    username: seen.get(USERNAME_COLUMN) as number,
    passwordHash: seen.get(HASH_COLUMN),
    mfaEnabled: seen.get(MFA_COLUMN),
    attributes: [...seen].filter(([name]) => isAttributeColumn(name)).map(([name, index]) => ({ name, index })),
    ignored,
  };
}

/** A mapping file's content: `{ "<export column>": "<our column>" }`, checked so a typo fails early. */
export function parseMapping(json: unknown): ColumnMapping {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new HeaderError('a mapping is a JSON object { "<export column>": "<column>" }');
  }
  const mapping: Record<string, string> = {};
  for (const [from, to] of Object.entries(json)) {
    if (typeof to !== 'string') throw new HeaderError(`mapping for ${from} must be a string`);
    if (to !== USERNAME_COLUMN && to !== HASH_COLUMN && to !== MFA_COLUMN && !isAttributeColumn(to)) {
      throw new HeaderError(
        `mapping ${from} → ${to}: ${to} is not username, password_hash, mfa_enabled or a Cognito attribute`,
      );
    }
    mapping[from] = to;
  }
  return Object.freeze(mapping);
}
