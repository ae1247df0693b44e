/**
 * The template engine: `{{value}}`, `{{#value}}...{{/value}}` (the passage only when the value is given)
 * and `{{^value}}...{{/value}}` (only when it is not), nothing else, so a template cannot run code or reach anything but the values it is handed.
 * Values are escaped for where they land: HTML-escaped in HTML, control characters stripped everywhere.
 */
import type { Locale, MessageKind } from './kinds.ts';

export interface EmailTemplate {
  subject: string;
  heading: string;
  /** Paragraphs before the highlighted code or the button. */
  intro: readonly string[];
  /** Shown large and on its own: the code. */
  highlight?: string;
  button?: { label: string; url: string };
  /** Paragraphs after it. */
  outro: readonly string[];
}

/** The SMS, and the short form used when the full one would be over 140 characters once filled in. */
export interface SmsTemplate {
  full: string;
  short: string;
}

export interface KindTemplates {
  email: EmailTemplate;
  sms?: SmsTemplate;
}

/** The lines every e-mail of a locale has around its own. */
export interface EmailCopy {
  greeting: string;
  signOff: string;
  /** The support line under every e-mail, e.g. `{{#supportEmail}}Questions? {{supportEmail}}{{/supportEmail}}`. */
  support: string;
}

export interface LocaleTemplates extends EmailCopy {
  kinds: Readonly<Record<MessageKind, KindTemplates>>;
}

export interface Catalog {
  /** The responsive HTML around every e-mail's body (`{{{body}}}`), with branding placeholders. */
  layout: string;
  locales: Readonly<Record<Locale, LocaleTemplates>>;
}

export type Values = Readonly<Record<string, string | undefined>>;

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * C0 and C1 controls (line breaks included: a value never starts a new line of its own), DEL, and the
 * bidirectional overrides and isolates, which could make an SMS or subject read differently from what
 * it says.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

const TOKEN = /\{\{(#|\^|\/)?([A-Za-z][A-Za-z0-9]*)\}\}/gu;
const SECTION = /\{\{([#^])([A-Za-z][A-Za-z0-9]*)\}\}([\s\S]*?)\{\{\/\2\}\}/gu;
const HAS_SECTION = /\{\{([#^])([A-Za-z][A-Za-z0-9]*)\}\}[\s\S]*?\{\{\/\2\}\}/u;

/** Names of the values a template uses, sections included. */
export function placeholdersIn(template: string): Set<string> {
  const names = new Set<string>();
  for (const match of template.matchAll(TOKEN)) if (match[2]) names.add(match[2]);
  return names;
}

/** Names used outside any section: those the message always shows. */
export function unconditionalPlaceholders(template: string): Set<string> {
  return placeholdersIn(template.replace(SECTION, ''));
}

const given = (values: Values, name: string): string | undefined => {
  const value = values[name];
  return value !== undefined && value.trim() !== '' ? value : undefined;
};

/**
 * Fills a template: `literal` transforms the template's own text, `value` each value put in. Sections
 * are resolved first (nested sections of different names work; the same name nested does not).
 */
export function fill(
  template: string,
  values: Values,
  literal: (text: string) => string,
  value: (text: string) => string,
): string {
  let resolved = template;
  for (let depth = 0; depth < 8 && HAS_SECTION.test(resolved); depth += 1) {
    resolved = resolved.replace(SECTION, (_all, kind: string, name: string, inner: string) =>
      (kind === '#') === !!given(values, name) ? inner : '',
    );
  }
  let out = '';
  let last = 0;
  for (const match of resolved.matchAll(TOKEN)) {
    out += literal(resolved.slice(last, match.index));
    // A stray section marker (unbalanced) is dropped; the build refuses such a template.
    if (!match[1] && match[2]) out += value(given(values, match[2]) ?? '');
    last = match.index + match[0].length;
  }
  return out + literal(resolved.slice(last));
}

const same = (text: string) => text;
const oneLine = (text: string) => text.replace(/\s*\n\s*/gu, ' ');

export const fillText = (template: string, values: Values) => fill(template, values, same, stripControl).trim();
export const fillLine = (template: string, values: Values) =>
  fill(template, values, oneLine, stripControl).replace(/\s+/gu, ' ').trim();
export const fillHtml = (template: string, values: Values) =>
  fill(
    template,
    values,
    (text) => escapeHtml(text).replace(/\n/gu, '<br>'),
    (text) => escapeHtml(stripControl(text)),
  ).trim();

/** Fills the layout: its own text is HTML; `{{{body}}}` takes the body as built; values are escaped. */
export function fillLayout(layout: string, values: Values, body: string): string {
  const [before = '', after = ''] = layout.split('{{{body}}}');
  const escape = (text: string) => escapeHtml(stripControl(text));
  return fill(before, values, same, escape) + body + fill(after, values, same, escape);
}
