/**
 * The suite's e-mails, in English and German, HTML and text. The user's `locale` attribute picks the
 * language (`de-AT` finds `de`); anything without a translation gets English.
 */
export type MessageKind = 'welcome' | 'password-changed' | 'new-sign-in';

export interface MessageParams {
  /** The name to greet; the greeting goes without a name when there is none. */
  name?: string;
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

interface Copy {
  subject: (p: MessageParams) => string;
  greeting: (name: string | undefined) => string;
  paragraphs: (p: MessageParams) => string[];
  signOff: (p: MessageParams) => string;
}

const ENGLISH: Record<MessageKind, Copy> = {
  welcome: {
    subject: (p) => `Welcome to ${p.appName}`,
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    paragraphs: (p) => [
      `Your ${p.appName} account is ready. We are glad to have you with us.`,
      'You can sign in at any time with the email address you registered.',
    ],
    signOff: (p) => `The ${p.appName} team`,
  },
  'password-changed': {
    subject: (p) => `Your ${p.appName} password was changed`,
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    paragraphs: () => [
      'The password of your account was just changed.',
      'If this was you, there is nothing more to do. If it was not, reset your password now and contact our support team.',
    ],
    signOff: (p) => `The ${p.appName} team`,
  },
  'new-sign-in': {
    subject: (p) => `New sign-in to your ${p.appName} account`,
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    paragraphs: (p) => [
      `Your account was signed in to from a new device${p.signInAt ? ` at ${p.signInAt}` : ''}.`,
      'If this was you, there is nothing more to do. If it was not, change your password now.',
    ],
    signOff: (p) => `The ${p.appName} team`,
  },
};

const GERMAN: Record<MessageKind, Copy> = {
  welcome: {
    subject: (p) => `Willkommen bei ${p.appName}`,
    greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
    paragraphs: (p) => [
      `Ihr Konto bei ${p.appName} ist eingerichtet. Schön, dass Sie dabei sind.`,
      'Sie können sich jederzeit mit der E-Mail-Adresse anmelden, mit der Sie sich registriert haben.',
    ],
    signOff: (p) => `Ihr ${p.appName}-Team`,
  },
  'password-changed': {
    subject: (p) => `Ihr Passwort bei ${p.appName} wurde geändert`,
    greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
    paragraphs: () => [
      'Das Passwort Ihres Kontos wurde soeben geändert.',
      'Wenn Sie das waren, ist nichts weiter zu tun. Wenn nicht, setzen Sie Ihr Passwort sofort zurück und wenden Sie sich an unseren Support.',
    ],
    signOff: (p) => `Ihr ${p.appName}-Team`,
  },
  'new-sign-in': {
    subject: (p) => `Neue Anmeldung bei Ihrem ${p.appName}-Konto`,
    greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
    paragraphs: (p) => [
      `Ihr Konto wurde von einem neuen Gerät aus angemeldet${p.signInAt ? ` (${p.signInAt})` : ''}.`,
      'Wenn Sie das waren, ist nichts weiter zu tun. Wenn nicht, ändern Sie bitte sofort Ihr Passwort.',
    ],
    signOff: (p) => `Ihr ${p.appName}-Team`,
  },
};

const TRANSLATIONS: Readonly<Record<string, Record<MessageKind, Copy>>> = { en: ENGLISH, de: GERMAN };

/** `de-AT`, `de_AT` and `DE` all find German; an unknown or missing locale finds English. */
export function resolveLocale(locale: string | undefined): string {
  const language = locale?.trim().toLowerCase().split(/[-_]/u)[0] ?? '';
  return Object.hasOwn(TRANSLATIONS, language) ? language : 'en';
}

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

export function renderMessage(kind: MessageKind, locale: string | undefined, params: MessageParams): RenderedMessage {
  const language = resolveLocale(locale);
  const copy = (TRANSLATIONS[language] ?? ENGLISH)[kind];
  const subject = copy.subject(params);
  const greeting = copy.greeting(params.name?.trim() || undefined);
  const paragraphs = copy.paragraphs(params);
  const signOff = copy.signOff(params);
  const text = [greeting, '', ...paragraphs.flatMap((p) => [p, '']), signOff, ''].join('\n');
  const html = [
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #1f2933;">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p>${escapeHtml(signOff)}</p>`,
    '</body></html>',
  ].join('\n');
  return { locale: language, subject, html, text };
}
