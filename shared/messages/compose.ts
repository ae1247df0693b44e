/** Builds the e-mail (HTML and text) and the SMS of a kind from a catalogue of templates. */
import type { Branding } from './branding.ts';
import { KIND_SPECS, type Locale, type MessageKind } from './kinds.ts';
import {
  escapeHtml,
  fillHtml,
  fillLayout,
  fillLine,
  fillText,
  stripControl,
  type EmailCopy,
  type EmailTemplate,
  type SmsTemplate,
  type Values,
} from './render.ts';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export type EmailForm = 'full' | 'short';
export type SmsForm = 'full' | 'short' | 'auto';

/** A message that cannot be built: a required value not given, or a kind without that channel. */
export class MessageError extends Error {
  override readonly name = 'MessageError';
}

function brandValues(branding: Branding): Record<string, string | undefined> {
  return { product: branding.product, supportEmail: branding.supportEmail, footer: branding.footer };
}

function merged(kind: MessageKind, values: Values, branding: Branding): Values {
  for (const name of KIND_SPECS[kind].required) {
    const value = values[name];
    if (value === undefined || value.trim() === '') throw new MessageError(`${kind}: the value "${name}" is required`);
  }
  // Branding first: a caller's value never replaces the product name or support address.
  return { ...values, ...brandValues(branding) };
}

/** Characters as Cognito counts them (code points, not UTF-16 units). */
export const characters = (text: string) => [...text].length;

const SAFE_URL = /^https?:\/\/[^\s]+$/u;

/** What one e-mail is made of: the layout, its locale's common lines and its kind's template in that locale. */
export interface EmailParts {
  layout: string;
  copy: EmailCopy;
  template: EmailTemplate;
}

export function composeEmail(
  { layout, copy, template }: EmailParts,
  kind: MessageKind,
  locale: Locale,
  values: Values,
  branding: Branding,
  form: EmailForm = 'full',
): RenderedEmail {
  const all = merged(kind, values, branding);
  const subject = fillLine(template.subject, all);
  const greeting = fillLine(copy.greeting, all);
  const intro = template.intro.map((p) => ({ text: fillText(p, all), html: fillHtml(p, all) }));
  const outro = template.outro.map((p) => ({ text: fillText(p, all), html: fillHtml(p, all) }));
  const highlight = template.highlight
    ? { text: fillLine(template.highlight, all), html: fillHtml(template.highlight, all) }
    : undefined;
  const button = template.button
    ? { label: fillLine(template.button.label, all), url: stripControl(fillLine(template.button.url, all)) }
    : undefined;
  const signOff = fillLine(copy.signOff, all);
  const support = fillLine(copy.support, all);
  const footer = branding.footer ? stripControl(branding.footer) : '';

  const text = [
    greeting,
    ...intro.map((p) => p.text),
    highlight?.text,
    button ? `${button.label}: ${button.url}` : undefined,
    ...outro.map((p) => p.text),
    signOff,
    [footer, support].filter(Boolean).join('\n'),
  ]
    .filter((part): part is string => !!part)
    .join('\n\n')
    .concat('\n');

  const { primaryColor, textColor } = branding;
  // Paragraph spacing comes from the layout's stylesheet: plain <p> reads well where styles are dropped.
  const p = (html: string) => (html ? `<p>${html}</p>` : '');
  const buttonHtml = !button
    ? ''
    : SAFE_URL.test(button.url)
      ? `<table role="presentation" cellspacing="0" cellpadding="0" style="margin:8px 0 24px"><tr><td style="border-radius:6px;background:${primaryColor}"><a href="${escapeHtml(button.url)}" style="display:inline-block;padding:12px 24px;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px">${escapeHtml(button.label)}</a></td></tr></table>`
      : p(`${escapeHtml(button.label)}: ${escapeHtml(button.url)}`);

  if (form === 'short') {
    const html = [
      p(escapeHtml(greeting)),
      ...intro.map((x) => p(x.html)),
      highlight ? p(`<b>${highlight.html}</b>`) : '',
      button ? p(`${escapeHtml(button.label)}: ${escapeHtml(button.url)}`) : '',
      ...outro.map((x) => p(x.html)),
      p(escapeHtml(signOff)),
    ].join('');
    return { subject, html, text };
  }

  const body = [
    `<h1 style="margin:0 0 24px;font-size:22px;line-height:1.3;color:${textColor}">${fillHtml(template.heading, all)}</h1>`,
    p(escapeHtml(greeting)),
    ...intro.map((x) => p(x.html)),
    highlight
      ? `<p style="margin:8px 0 24px;font-family:'Courier New',monospace;font-size:30px;font-weight:bold;letter-spacing:6px;color:${primaryColor}">${highlight.html}</p>`
      : '',
    buttonHtml,
    ...outro.map((x) => p(x.html)),
    p(escapeHtml(signOff)),
  ].join('\n');
  const html = fillLayout(
    layout,
    {
      lang: locale,
      subject,
      // The heading, not the first paragraph: a code or user name placeholder would appear twice, and
      // Cognito's substitution (and cognito-local's, which replaces the first only) is per occurrence.
      preheader: fillLine(template.heading, all),
      logoUrl: branding.logoUrl,
      primaryColor,
      backgroundColor: branding.backgroundColor,
      textColor,
      product: branding.product,
      supportLine: support,
      footer,
    },
    body,
  );
  return { subject, html, text };
}

/**
 * Both forms of a kind's SMS (`sms`: the kind's template in the locale wanted, undefined for a kind not
 * sent by SMS), filled in; callers that count differently (Cognito's placeholders) choose.
 */
export function composeSmsForms(
  sms: SmsTemplate | undefined,
  kind: MessageKind,
  values: Values,
  branding: Branding,
): { full: string; short: string } {
  const all = merged(kind, values, branding);
  if (!sms) throw new MessageError(`${kind}: there is no SMS of this kind`);
  return { full: fillLine(sms.full, all), short: fillLine(sms.short, all) };
}

export function composeSms(
  sms: SmsTemplate | undefined,
  kind: MessageKind,
  values: Values,
  branding: Branding,
  form: SmsForm = 'auto',
  limit = 140,
): string {
  const { full, short } = composeSmsForms(sms, kind, values, branding);
  if (form === 'full') return full;
  if (form === 'short') return short;
  return characters(full) <= limit ? full : short;
}
