/**
 * The one template set: every message the suite sends (custom message, the custom e-mail and SMS
 * senders, custom auth, the notices), per kind and locale, e-mail (HTML and text) and SMS. Templates are
 * files in templates/messages, compiled into the bundle at build time.
 */
import { environmentMessageSettings, type Branding } from './branding.ts';
import { CATALOG_JSON } from './catalog.generated.ts';
import { lazy } from '../lazy.ts';
import { composeEmail, composeSms, composeSmsForms, type EmailForm, type RenderedEmail, type SmsForm } from './compose.ts';
import { isLocale, type Locale, type MessageKind } from './kinds.ts';
import type { Catalog, Values } from './render.ts';

export type { Locale, MessageKind, Channel } from './kinds.ts';
export { LOCALES, MESSAGE_KINDS, KIND_SPECS, LIMITS, isLocale, isMessageKind } from './kinds.ts';
export type { Branding, MessageSettings } from './branding.ts';
export { readBranding, readDefaultLocale, readMessageSettings, environmentMessageSettings } from './branding.ts';
export type { RenderedEmail, EmailForm, SmsForm } from './compose.ts';
export { MessageError, characters } from './compose.ts';
export { escapeHtml, stripControl } from './render.ts';

/** BCP 47 `de-AT`, `de_AT`, `DE` find `de`; anything else finds nothing. */
export function localeOf(tag: string | null | undefined): Locale | undefined {
  const language = tag?.trim().toLowerCase().split(/[-_]/u)[0] ?? '';
  return isLocale(language) ? language : undefined;
}

/**
 * The message's language: the app's `clientMetadata.locale` (what the user chose in this session), else
 * the user's `locale` attribute, else the configured default (MESSAGES_DEFAULT_LOCALE, `en`). A tag we
 * have no translation for counts as absent, so the next one is tried.
 */
export function resolveLocale(
  clientMetadata?: Record<string, string> | null,
  userAttributes?: Record<string, string> | null,
  fallback?: Locale,
): Locale {
  return (
    localeOf(clientMetadata?.locale) ??
    localeOf(userAttributes?.locale) ??
    fallback ??
    defaultLocale()
  );
}

const catalog = lazy(() => JSON.parse(CATALOG_JSON) as Catalog);

function defaultLocale(): Locale {
  try {
    return environmentMessageSettings().defaultLocale;
  } catch {
    // An invalid setting is reported by the function's own configuration check at cold start.
    return 'en';
  }
}

function defaultBranding(): Branding {
  return environmentMessageSettings().branding;
}

/**
 * The e-mail of a kind: subject, responsive HTML (values HTML-escaped) and plain text. `form: 'short'`
 * is the HTML without the layout, for when the full one would be over a limit. Throws a MessageError
 * when a value the kind requires is missing.
 */
export function renderEmail(
  kind: MessageKind,
  locale: Locale,
  values: Readonly<Record<string, string>>,
  branding: Branding = defaultBranding(),
  options: { form?: EmailForm } = {},
): { subject: string; html: string; text: string } {
  return composeEmail(catalog(), kind, locale, values, branding, options.form) satisfies RenderedEmail;
}

/**
 * The SMS of a kind, values stripped of control characters: the full form when it fits 140 characters,
 * else the short one (`form` forces either). Throws a MessageError for a kind not sent by SMS.
 */
export function renderSms(
  kind: MessageKind,
  locale: Locale,
  values: Readonly<Record<string, string>>,
  branding: Branding = defaultBranding(),
  options: { form?: SmsForm } = {},
): string {
  return composeSms(catalog(), kind, locale, values, branding, options.form);
}

/** Both SMS forms, for a caller that measures the message as Cognito will send it (custom message). */
export function renderSmsForms(
  kind: MessageKind,
  locale: Locale,
  values: Values,
  branding: Branding = defaultBranding(),
): { full: string; short: string } {
  return composeSmsForms(catalog(), kind, locale, values, branding);
}
