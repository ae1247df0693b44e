/** The look and the names around every message, from configuration: a team rebrands without a code change. */
import { readConfig, type EnvReader, type SettingDescriptions } from '../config.ts';
import { lazy } from '../lazy.ts';
import { isLocale, type Locale } from './kinds.ts';

export interface Branding {
  /** The product's name, as messages say it ("Your Acme verification code"). */
  product: string;
  /** An https URL of the logo shown at the top of e-mails; none: the product name instead. */
  logoUrl?: string;
  /** CSS colours (`#rgb`, `#rrggbb` or a colour name) of buttons and headings, the page, the text. */
  primaryColor: string;
  backgroundColor: string;
  textColor: string;
  /** Where users write with questions; e-mails name it when set. */
  supportEmail?: string;
  /** A line under every e-mail (company, address). */
  footer?: string;
}

const COLOUR = /^(#[0-9a-f]{3}|#[0-9a-f]{6}|[a-z]{3,20})$/iu;

function colour(env: EnvReader, name: string, fallback: string): string {
  const value = env.string(name, fallback);
  if (COLOUR.test(value)) return value;
  env.problems.push(`${name}: expected a colour such as #2563eb`);
  return fallback;
}

/** The settings as the settings tables of docs/ list them (BRAND_*); the product name defaults to APP_NAME, as mail's does. */
export function readBranding(env: EnvReader): Branding {
  const logoUrl = env.string('BRAND_LOGO_URL');
  if (logoUrl !== undefined && !/^https:\/\/[^\s"'<>]+$/u.test(logoUrl)) {
    env.problems.push('BRAND_LOGO_URL: expected an https URL');
  }
  const supportEmail = env.string('BRAND_SUPPORT_EMAIL');
  if (supportEmail !== undefined && !/^[^\s@<>"]+@[^\s@<>"]+$/u.test(supportEmail)) {
    env.problems.push('BRAND_SUPPORT_EMAIL: expected an e-mail address');
  }
  return {
    product: env.string('BRAND_PRODUCT_NAME') ?? env.string('APP_NAME', 'our service'),
    logoUrl: logoUrl && /^https:\/\//u.test(logoUrl) ? logoUrl : undefined,
    primaryColor: colour(env, 'BRAND_PRIMARY_COLOR', '#2563eb'),
    backgroundColor: colour(env, 'BRAND_BACKGROUND_COLOR', '#f4f5f7'),
    textColor: colour(env, 'BRAND_TEXT_COLOR', '#1f2933'),
    supportEmail,
    footer: env.string('BRAND_FOOTER'),
  };
}

/** MESSAGES_DEFAULT_LOCALE: the language of users whose locale is unknown or untranslated (default en). */
export function readDefaultLocale(env: EnvReader): Locale {
  const value = env.string('MESSAGES_DEFAULT_LOCALE', 'en').toLowerCase();
  if (isLocale(value)) return value;
  env.problems.push('MESSAGES_DEFAULT_LOCALE: expected one of en, de, fr, es');
  return 'en';
}

export interface MessageSettings {
  branding: Branding;
  defaultLocale: Locale;
}

export function readMessageSettings(env: EnvReader): MessageSettings {
  return { branding: readBranding(env), defaultLocale: readDefaultLocale(env) };
}

/** The environment's settings, read once; an invalid one throws a ConfigError naming the variable. */
export const environmentMessageSettings = lazy(() => readConfig(readMessageSettings));

export const settingDescriptions: SettingDescriptions = {
  BRAND_PRODUCT_NAME: 'the product name messages speak of; unset: `APP_NAME`',
  BRAND_LOGO_URL: 'an https URL of the logo at the top of e-mails (unset: the name in text)',
  BRAND_PRIMARY_COLOR: 'the colour of buttons and links (`#rgb`, `#rrggbb` or a name)',
  BRAND_BACKGROUND_COLOR: "the e-mails' background colour",
  BRAND_TEXT_COLOR: "the e-mails' text colour",
  BRAND_SUPPORT_EMAIL: 'shown under every e-mail ("Questions? Write to us at ...")',
  BRAND_FOOTER: 'a line under every e-mail, e.g. company and address',
  MESSAGES_DEFAULT_LOCALE: 'the language of users whose locale is unknown or untranslated: `en`, `de`, `fr` or `es`',
};
