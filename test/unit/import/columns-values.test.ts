import {
  defaultCsvHeader,
  HeaderError,
  parseMapping,
  resolveColumns,
  STANDARD_ATTRIBUTES,
} from '../../../shared/import/columns.ts';
import {
  DEFAULT_POOL_SETTINGS,
  poolSettings,
  PoolSettingsError,
  uniqueContacts,
  withHeader,
} from '../../../shared/import/pool.ts';
import { isE164, isValidEmail, isValidUsername, parseBoolean } from '../../../shared/import/values.ts';

describe('column mapping', () => {
  it('takes Cognito attribute names, username, password_hash and mfa_enabled by default', () => {
    const columns = resolveColumns(['username', 'password_hash', 'email', 'custom:tenant', 'mfa_enabled', 'shoe_size']);
    expect(columns.username).toBe(0);
    expect(columns.passwordHash).toBe(1);
    expect(columns.mfaEnabled).toBe(4);
    expect(columns.attributes).toEqual([
      { name: 'email', index: 2 },
      { name: 'custom:tenant', index: 3 },
    ]);
    expect(columns.ignored).toEqual(['shoe_size']);
  });

  it("renames another export's columns through a mapping file", () => {
    const mapping = parseMapping({
      login: 'username',
      pw: 'password_hash',
      mail: 'email',
      'Mail verified': 'email_verified',
    });
    const columns = resolveColumns(['login', 'pw', 'mail', 'Mail verified'], mapping, ['email']);
    expect(columns.username).toBe(0);
    expect(columns.passwordHash).toBe(1);
    expect(columns.attributes.map((a) => a.name)).toEqual(['email', 'email_verified']);
  });

  it('refuses a header without the user name or a required column, or with two columns for one name', () => {
    expect(() => resolveColumns(['email'])).toThrow(new HeaderError('the header lacks the required column username'));
    expect(() => resolveColumns(['username'], {}, ['email', 'name'])).toThrow('lacks the required columns email, name');
    expect(() => resolveColumns(['username', 'login'], { login: 'username' })).toThrow('two columns map to username');
  });

  it('refuses a mapping to a name that is not ours', () => {
    expect(() => parseMapping({ a: 'favourite_colour' })).toThrow(
      'is not username, password_hash, mfa_enabled or a Cognito attribute',
    );
    expect(() => parseMapping(['x'])).toThrow(HeaderError);
    expect(() => parseMapping({ a: 1 })).toThrow('must be a string');
  });

  it("builds GetCSVHeader's header: standard attributes, custom ones, then cognito:mfa_enabled and cognito:username", () => {
    expect(defaultCsvHeader(['tenant'])).toEqual([
      ...STANDARD_ATTRIBUTES,
      'custom:tenant',
      'cognito:mfa_enabled',
      'cognito:username',
    ]);
  });
});

describe('pool settings', () => {
  it("default to this project's pool: e-mail signs in and is auto-verified and required, MFA off", () => {
    expect(DEFAULT_POOL_SETTINGS).toMatchObject({
      requiredAttributes: ['email'],
      autoVerifiedAttributes: ['email'],
      usernameAttributes: ['email'],
      mfa: 'OFF',
    });
    expect(uniqueContacts(DEFAULT_POOL_SETTINGS)).toEqual(['email']);
  });

  it('read comma lists and JSON lists, and the header declares custom attributes', () => {
    const settings = poolSettings({
      usernameAttributes: [],
      aliasAttributes: 'email,phone_number',
      mfa: 'optional',
      customAttributes: 'tenant',
    });
    expect(settings.mfa).toBe('OPTIONAL');
    expect(settings.customAttributes).toEqual(['custom:tenant']);
    expect(settings.csvHeader).toContain('custom:tenant');
    expect(uniqueContacts(settings)).toEqual(['email', 'phone_number']);
    expect(
      withHeader(settings, ['email', 'custom:plan', 'cognito:mfa_enabled', 'cognito:username']).customAttributes,
    ).toEqual(['custom:tenant', 'custom:plan']);
  });

  it('refuse what no pool can be', () => {
    expect(() => poolSettings({ mfa: 'sometimes' })).toThrow(PoolSettingsError);
    expect(() => poolSettings({ autoVerifiedAttributes: ['address'] })).toThrow('not one of email, phone_number');
    expect(() => poolSettings({ aliasAttributes: ['email'] })).toThrow(
      'usernameAttributes or aliasAttributes, not both',
    );
    expect(() => poolSettings({ colour: 'blue' })).toThrow('unknown pool setting colour');
    expect(() => poolSettings({ csvHeader: ['email'] })).toThrow('the CSV header lacks cognito:username');
  });
});

describe('values', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['1', true],
    ['yes', true],
    ['YES', true],
    ['false', false],
    ['False', false],
    ['0', false],
    ['no', false],
    [' No ', false],
    ['', undefined],
    ['maybe', null],
    ['2', null],
    ['y', null],
  ])('parses the boolean %p as %p', (text, expected) => {
    expect(parseBoolean(text)).toBe(expected);
  });

  it("accepts user names by Cognito's pattern: no whitespace or controls, at most 128 characters", () => {
    for (const ok of ['jana', 'Jana.Novak', 'jana@example.com', 'josé', '用户', 'a'.repeat(128), 'x+y_z-1']) {
      expect(isValidUsername(ok)).toBe(true);
    }
    for (const bad of ['', 'jana novak', ' jana', 'jana\t', 'ja\nna', 'a\u00a0b', 'a'.repeat(129), 'a\u0000']) {
      expect(isValidUsername(bad)).toBe(false);
    }
  });

  it('checks e-mail syntax without refusing real addresses', () => {
    for (const ok of ['a@example.com', 'first.last+tag@sub.example.co.uk', "o'brien@example.ie", 'müller@bücher.de']) {
      expect(isValidEmail(ok)).toBe(true);
    }
    for (const bad of [
      '',
      'plain',
      'a@',
      '@example.com',
      'a b@example.com',
      'a@example',
      'a@@example.com',
      'a@example..com',
    ]) {
      expect(isValidEmail(bad)).toBe(false);
    }
  });

  it('accepts E.164 phone numbers only', () => {
    for (const ok of ['+15555550100', '+491701234567', '+12']) expect(isE164(ok)).toBe(true);
    for (const bad of ['15555550100', '+0123', '+1 555 0100', '+1234567890123456', '555-0100', '+'])
      expect(isE164(bad)).toBe(false);
  });
});
