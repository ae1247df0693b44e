/**
 * The notices' e-mails (welcome, password changed, new sign-in), from the one template set
 * (shared/messages, templates/messages): en, de, fr, es, HTML and text. The user's `locale` attribute
 * picks the language (`de-AT` finds `de`); anything without a translation gets MESSAGES_DEFAULT_LOCALE.
 */
import { environmentMessageSettings, renderEmail, resolveLocale as resolveMessageLocale } from '../messages/index.ts';

export { escapeHtml } from '../messages/index.ts';

export type MessageKind = 'welcome' | 'password-changed' | 'new-sign-in';

export interface MessageParams {
  /** The name to greet; the greeting goes without a name when there is none. */
  name?: string;
  /** The product name the message speaks of (kept with a failed notification, for its retry). */
  appName: string;
  /** For new-sign-in: when it happened (ISO time). */
  signInAt?: string;
}

/** The name a message greets the user by, from their attributes; none when they gave none. */
export function displayName(attributes: Readonly<Record<string, string>>): string | undefined {
  return attributes.given_name?.trim() || attributes.name?.trim() || attributes.preferred_username?.trim() || undefined;
}

export interface RenderedMessage {
  locale: string;
  subject: string;
  html: string;
  text: string;
}

/** `de-AT`, `de_AT` and `DE` all find German; an unknown or missing locale finds the default. */
export function resolveLocale(locale: string | undefined): string {
  return resolveMessageLocale(null, locale ? { locale } : null);
}

export function renderMessage(kind: MessageKind, locale: string | undefined, params: MessageParams): RenderedMessage {
  const language = resolveMessageLocale(null, locale ? { locale } : null);
  // The rest of the look from configuration (checked at cold start with the mail settings).
  const branding = { ...environmentMessageSettings().branding, product: params.appName };
  const values: Record<string, string> = {};
  if (params.name?.trim()) values.name = params.name.trim();
  if (params.signInAt) values.signInAt = params.signInAt;
  return { locale: language, ...renderEmail(kind, language, values, branding) };
}
