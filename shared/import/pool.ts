/**
 * What the import must know about the target user pool: the rules Cognito will apply to each imported
 * user. From a JSON config file and CLI options over these defaults (the pool this project deploys:
 * e-mail is the user name and is auto-verified, MFA off); the CSV header preferably from the pool itself.
 */
import { defaultCsvHeader, isAttributeColumn } from './columns.ts';

export type ContactAttribute = 'email' | 'phone_number';
export type AliasAttribute = ContactAttribute | 'preferred_username';
export type MfaMode = 'OFF' | 'OPTIONAL' | 'ON';

export interface PoolSettings {
  /** Attributes every user must have (the pool's schema `Required: true`). */
  requiredAttributes: readonly string[];
  /** Declared custom attributes, with their `custom:` prefix. */
  customAttributes: readonly string[];
  /** Cognito needs each imported user to have at least one of these, verified. */
  autoVerifiedAttributes: readonly ContactAttribute[];
  /** Sign-in by e-mail / phone instead of a user name (UsernameAttributes). */
  usernameAttributes: readonly ContactAttribute[];
  /** Sign-in by e-mail / phone / preferred user name besides the user name (AliasAttributes). */
  aliasAttributes: readonly AliasAttribute[];
  mfa: MfaMode;
  /** The columns of each Cognito import file, in order (GetCSVHeader). */
  csvHeader: readonly string[];
}

export const DEFAULT_POOL_SETTINGS: PoolSettings = Object.freeze<PoolSettings>({
  requiredAttributes: ['email'],
  customAttributes: [],
  autoVerifiedAttributes: ['email'],
  usernameAttributes: ['email'],
  aliasAttributes: [],
  mfa: 'OFF',
  csvHeader: defaultCsvHeader(),
});

export class PoolSettingsError extends Error {
  override readonly name = 'PoolSettingsError';
}

const CONTACTS: readonly string[] = ['email', 'phone_number'];
const ALIASES: readonly string[] = ['email', 'phone_number', 'preferred_username'];
const MFA_MODES: readonly string[] = ['OFF', 'OPTIONAL', 'ON'];

function names(value: unknown, what: string, allowed?: readonly string[]): string[] {
  const list =
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw new PoolSettingsError(`${what} must be a list of names`);
  }
  const bad = allowed ? list.filter((item) => !allowed.includes(item)) : [];
  if (bad.length) throw new PoolSettingsError(`${what}: ${bad.join(', ')} not one of ${allowed?.join(', ')}`);
  return list;
}

const withPrefix = (name: string) => (name.startsWith('custom:') ? name : `custom:${name}`);

/**
 * Settings from a partial object (a config file's JSON, CLI options as comma lists) over `base`.
 * Custom attributes named in the CSV header count as declared: GetCSVHeader lists exactly those.
 */
export function poolSettings(
  partial: Record<string, unknown>,
  base: PoolSettings = DEFAULT_POOL_SETTINGS,
): PoolSettings {
  const known = new Set([
    'requiredAttributes',
    'customAttributes',
    'autoVerifiedAttributes',
    'usernameAttributes',
    'aliasAttributes',
    'mfa',
    'csvHeader',
  ]);
  const unknown = Object.keys(partial).filter((key) => !known.has(key));
  if (unknown.length)
    throw new PoolSettingsError(`unknown pool setting${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  const given = <T>(key: string, read: (value: unknown) => T, fallback: T): T =>
    partial[key] === undefined ? fallback : read(partial[key]);

  const customAttributes = given('customAttributes', (v) => names(v, 'customAttributes').map(withPrefix), [
    ...base.customAttributes,
  ]);
  const requiredAttributes = given('requiredAttributes', (v) => names(v, 'requiredAttributes'), [
    ...base.requiredAttributes,
  ]);
  const badRequired = requiredAttributes.filter((name) => !isAttributeColumn(name));
  if (badRequired.length)
    throw new PoolSettingsError(`requiredAttributes: ${badRequired.join(', ')} is no Cognito attribute`);
  const csvHeader = given('csvHeader', (v) => names(v, 'csvHeader'), undefined);
  const mfa = given(
    'mfa',
    (v) => {
      const mode = typeof v === 'string' ? v.toUpperCase() : v;
      if (typeof mode !== 'string' || !MFA_MODES.includes(mode))
        throw new PoolSettingsError('mfa must be OFF, OPTIONAL or ON');
      return mode as MfaMode;
    },
    base.mfa,
  );
  const usernameAttributes = given(
    'usernameAttributes',
    (v) => names(v, 'usernameAttributes', CONTACTS) as ContactAttribute[],
    [...base.usernameAttributes],
  );
  const aliasAttributes = given('aliasAttributes', (v) => names(v, 'aliasAttributes', ALIASES) as AliasAttribute[], [
    ...base.aliasAttributes,
  ]);
  if (usernameAttributes.length && aliasAttributes.length) {
    throw new PoolSettingsError('a pool has usernameAttributes or aliasAttributes, not both');
  }
  return withHeader(
    {
      requiredAttributes,
      customAttributes,
      autoVerifiedAttributes: given(
        'autoVerifiedAttributes',
        (v) => names(v, 'autoVerifiedAttributes', CONTACTS) as ContactAttribute[],
        [...base.autoVerifiedAttributes],
      ),
      usernameAttributes,
      aliasAttributes,
      mfa,
      csvHeader: base.csvHeader,
    },
    csvHeader ?? (partial.customAttributes === undefined ? base.csvHeader : defaultCsvHeader(customAttributes)),
  );
}

/** The settings with `header` as the Cognito file header; its custom attributes become declared ones. */
export function withHeader(settings: PoolSettings, header: readonly string[]): PoolSettings {
  for (const column of ['cognito:username', 'cognito:mfa_enabled']) {
    if (!header.includes(column)) throw new PoolSettingsError(`the CSV header lacks ${column}`);
  }
  const declared = new Set([...settings.customAttributes, ...header.filter((c) => c.startsWith('custom:'))]);
  return { ...settings, customAttributes: [...declared], csvHeader: [...header] };
}

/** Contact attributes that must be unique in the file: those a user signs in with. */
export function uniqueContacts(settings: PoolSettings): ContactAttribute[] {
  return (['email', 'phone_number'] as const).filter(
    (name) => settings.usernameAttributes.includes(name) || settings.aliasAttributes.includes(name),
  );
}
