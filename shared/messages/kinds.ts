/**
 * What each kind of message is for and which values it takes. The template files (templates/messages)
 * are checked against this at build time: a template that leaves out a required value, names one the
 * kind does not have, or cannot fit Cognito's limits with values of their nominal length fails the build.
 */
export const LOCALES = ['en', 'de', 'fr', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

export const MESSAGE_KINDS = [
  'sign-up-code',
  'sign-up-link',
  'admin-invitation',
  'resend-code',
  'forgot-password',
  'attribute-verification',
  'sign-in-code',
  'magic-link',
  'account-takeover',
  'welcome',
  'password-changed',
  'new-sign-in',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export type Channel = 'email' | 'sms';

export interface KindSpec {
  /** Values every template of the kind must show, in each channel it has (the code, the link, ...). */
  required: readonly string[];
  /** Values a template may show when given (`{{#x}}...{{/x}}` keeps a passage for when x is given). */
  optional: readonly string[];
  channels: readonly Channel[];
}

export const KIND_SPECS: Readonly<Record<MessageKind, KindSpec>> = {
  'sign-up-code': { required: ['code'], optional: ['name'], channels: ['email', 'sms'] },
  // The link is what the pool puts in its place: Cognito's `{##text##}` placeholder, replaced by an anchor.
  'sign-up-link': { required: ['link'], optional: ['name'], channels: ['email'] },
  'admin-invitation': { required: ['username', 'code'], optional: ['name'], channels: ['email', 'sms'] },
  'resend-code': { required: ['code'], optional: ['name'], channels: ['email', 'sms'] },
  'forgot-password': { required: ['code'], optional: ['name'], channels: ['email', 'sms'] },
  'attribute-verification': { required: ['code'], optional: ['name'], channels: ['email', 'sms'] },
  'sign-in-code': { required: ['code'], optional: ['name', 'minutes'], channels: ['email', 'sms'] },
  'magic-link': { required: ['link'], optional: ['name', 'minutes'], channels: ['email', 'sms'] },
  // Cognito's one-click links are how the user says whether the sign-in was theirs: the notice's point.
  'account-takeover': {
    required: ['validLink', 'invalidLink'],
    optional: ['name', 'time', 'ip', 'city', 'country', 'device', 'action', 'blocked'],
    channels: ['email'],
  },
  welcome: { required: [], optional: ['name'], channels: ['email'] },
  'password-changed': { required: [], optional: ['name'], channels: ['email'] },
  'new-sign-in': { required: [], optional: ['name', 'signInAt'], channels: ['email'] },
};

/** Branding values every template may use; they come from configuration (branding.ts). */
export const BRANDING_VALUES = ['product', 'supportEmail', 'footer'] as const;

/**
 * Cognito's limits (characters), the custom message trigger's being the tightest of the three routes a
 * message takes; SMS over 140 characters would be split (or refused by Cognito) and cost more.
 */
export const LIMITS = { subject: 140, email: 20_000, sms: 140 } as const;

/**
 * The values the build renders every template with to check it fits: realistic worst cases, not
 * Cognito's maxima (a 128-character user name would leave an SMS no room for words). At run time the
 * callers check the real message and fall back to the short form.
 */
export const NOMINAL_VALUES: Readonly<Record<string, string>> = {
  code: '123456',
  username: 'firstname.lastname@example.com',
  name: 'Maximilian',
  link: 'https://auth.example.com/magic?t=AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  minutes: '15',
  time: '2026-11-30T10:00:00Z',
  ip: '2001:db8:85a3:0:0:8a2e:370:7334',
  city: 'San Francisco',
  country: 'United States',
  device: 'Chrome 120 on Windows 11',
  action: 'BLOCK',
  blocked: 'yes',
  validLink: 'https://cognito-idp.example.com/feedback?valid=AbCdEfGhIjKlMnOpQrStUvWxYz',
  invalidLink: 'https://cognito-idp.example.com/feedback?invalid=AbCdEfGhIjKlMnOpQrStUvWxYz',
  signInAt: '2026-11-30T10:00:00Z',
  product: 'Example Product Name',
  supportEmail: 'support@example.com',
  footer: 'Example Ltd, 1 Example Street, Example City',
};

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

export function isMessageKind(value: string): value is MessageKind {
  return (MESSAGE_KINDS as readonly string[]).includes(value);
}
