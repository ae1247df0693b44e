/**
 * The one template set: every message the suite sends (custom message, the custom e-mail and SMS
 * senders, custom auth, the notices), per kind and locale, e-mail (HTML and text) and SMS. Templates are
 * files in templates/messages, compiled into the bundles at build time: a function that sends a few
 * kinds renders through a renderer of those (emailRenderer, smsRenderer), and its bundle carries their
 * templates only.
 */
import { environmentMessageSettings, type Branding } from './branding.ts';
import { lazy } from '../lazy.ts';
import { EMAIL_COPY, EVERY_EMAIL, EVERY_SMS, LAYOUT } from './catalog.generated.ts';
import {
  composeEmail,
  composeSms,
  composeSmsForms,
  MessageError,
  type EmailForm,
  type RenderedEmail,
  type SmsForm,
} from './compose.ts';
import { isLocale, KIND_SPECS, type Locale, type MessageKind } from './kinds.ts';
import type { EmailCopy, EmailTemplate, SmsTemplate, Values } from './render.ts';

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
  return localeOf(clientMetadata?.locale) ?? localeOf(userAttributes?.locale) ?? fallback ?? defaultLocale();
}

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
 * A set of templates: for each kind it has, that kind's templates in one channel as the generated
 * catalogue holds them (`{ 'sign-up-code': EMAIL_SIGN_UP_CODE }`, from catalog.generated.ts). A function
 * names the kinds it sends, and its bundle carries those templates and no others.
 */
export type TemplateSet<K extends MessageKind = MessageKind> = Readonly<Record<K, string>>;

type ByLocale<T> = Readonly<Record<Locale, T>>;

/** Each kind's templates of a set, parsed on first use of the kind. */
function parsedSet<T>(set: Readonly<Partial<Record<MessageKind, string>>>, channel: string) {
  const parsed = new Map<MessageKind, ByLocale<T>>();
  return (kind: MessageKind, locale: Locale): T => {
    let templates = parsed.get(kind);
    if (!templates) {
      const json = Object.hasOwn(set, kind) ? set[kind] : undefined;
      // A kind the function does not send: its templates are not in this bundle.
      if (json === undefined) throw new MessageError(`${kind}: not among the ${channel} messages of this set`);
      templates = JSON.parse(json) as ByLocale<T>;
      parsed.set(kind, templates);
    }
    return templates[locale];
  };
}

// Pure: a bundle that never renders an e-mail drops it, and the lines common to every e-mail with it.
const emailCopy = /* @__PURE__ */ lazy(() => JSON.parse(EMAIL_COPY) as ByLocale<EmailCopy>);

export type EmailRenderer = (
  kind: MessageKind,
  locale: Locale,
  values: Readonly<Record<string, string>>,
  branding?: Branding,
  options?: { form?: EmailForm },
) => RenderedEmail;

/**
 * Renders the e-mails of the kinds in `set`: subject, responsive HTML (values HTML-escaped) and plain
 * text. `form: 'short'` is the HTML without the layout, for when the full one would be over a limit.
 * Throws a MessageError when a value the kind requires is missing, or for a kind not in the set.
 */
export function emailRenderer<K extends MessageKind>(set: TemplateSet<K>): EmailRenderer {
  const template = parsedSet<EmailTemplate>(set, 'e-mail');
  return (kind, locale, values, branding = defaultBranding(), options = {}) => {
    const parts = {
      layout: LAYOUT,
      copy: emailCopy()[locale],
      template: template(kind, locale),
    };
    return composeEmail(parts, kind, locale, values, branding, options.form);
  };
}

export interface SmsRenderer {
  /**
   * The SMS of a kind, values stripped of control characters: the full form when it fits 140
   * characters, else the short one (`form` forces either).
   */
  sms(
    kind: MessageKind,
    locale: Locale,
    values: Readonly<Record<string, string>>,
    branding?: Branding,
    options?: { form?: SmsForm },
  ): string;
  /** Both forms, for a caller that measures the message as Cognito will send it (custom message). */
  forms(kind: MessageKind, locale: Locale, values: Values, branding?: Branding): { full: string; short: string };
}

/**
 * Renders the SMS of the kinds in `set`. Throws a MessageError for a kind not sent by SMS or not in the
 * set, and when a value the kind requires is missing.
 */
export function smsRenderer<K extends MessageKind>(set: TemplateSet<K>): SmsRenderer {
  const parsed = parsedSet<SmsTemplate>(set, 'SMS');
  const template = (kind: MessageKind, locale: Locale) =>
    KIND_SPECS[kind].channels.includes('sms') ? parsed(kind, locale) : undefined;
  return {
    sms: (kind, locale, values, branding = defaultBranding(), options = {}) =>
      composeSms(template(kind, locale), kind, values, branding, options.form),
    forms: (kind, locale, values, branding = defaultBranding()) =>
      composeSmsForms(template(kind, locale), kind, values, branding),
  };
}

// Every kind, for the functions that render through the whole catalogue (custom message, custom auth,
// the notices) and for tests. Made on first use, so that a bundle that renders through a set of its own
// does not carry the whole catalogue (pure: a bundle that never calls them drops them).
const everyEmail = /* @__PURE__ */ lazy(() => emailRenderer(EVERY_EMAIL));
const everySms = /* @__PURE__ */ lazy(() => smsRenderer(EVERY_SMS));

/** The e-mail of any kind (emailRenderer over every kind). */
export function renderEmail(
  kind: MessageKind,
  locale: Locale,
  values: Readonly<Record<string, string>>,
  branding?: Branding,
  options?: { form?: EmailForm },
): RenderedEmail {
  return everyEmail()(kind, locale, values, branding, options);
}

/** The SMS of any kind sent by SMS (smsRenderer over every such kind). */
export function renderSms(
  kind: MessageKind,
  locale: Locale,
  values: Readonly<Record<string, string>>,
  branding?: Branding,
  options?: { form?: SmsForm },
): string {
  return everySms().sms(kind, locale, values, branding, options);
}

/** Both SMS forms of any kind sent by SMS, for a caller that measures the message as Cognito will send it (custom message). */
export function renderSmsForms(
  kind: MessageKind,
  locale: Locale,
  values: Values,
  branding?: Branding,
): { full: string; short: string } {
  return everySms().forms(kind, locale, values, branding);
}
