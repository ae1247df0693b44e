/**
 * The build's check of the template files: shape, placeholders and limits, for every kind in every
 * locale. Pure: takes the parsed files, returns the catalogue or every problem found (never the first only,
 * so a translator sees all of theirs at once).
 */
import type { Branding } from './branding.ts';
import { characters, composeEmail, composeSmsForms } from './compose.ts';
import {
  BRANDING_VALUES,
  KIND_SPECS,
  LIMITS,
  LOCALES,
  MESSAGE_KINDS,
  NOMINAL_VALUES,
  type Locale,
  type MessageKind,
} from './kinds.ts';
import {
  placeholdersIn,
  unconditionalPlaceholders,
  type Catalog,
  type EmailTemplate,
  type KindTemplates,
  type LocaleTemplates,
} from './render.ts';

export const LAYOUT_VALUES = [
  'lang',
  'subject',
  'preheader',
  'logoUrl',
  'primaryColor',
  'backgroundColor',
  'textColor',
  'product',
  'supportLine',
  'footer',
] as const;

/** What the build renders with: the default look with every optional branding value filled in. */
export const NOMINAL_BRANDING: Branding = {
  product: NOMINAL_VALUES.product ?? '',
  logoUrl: 'https://example.com/logo.png',
  primaryColor: '#2563eb',
  backgroundColor: '#f4f5f7',
  textColor: '#1f2933',
  supportEmail: NOMINAL_VALUES.supportEmail,
  footer: NOMINAL_VALUES.footer,
};

type Problems = string[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(problems: Problems, where: string, value: unknown, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || (!optional && value.trim() === '')) {
    problems.push(`${where}: expected ${optional ? 'text' : 'non-empty text'}`);
    return undefined;
  }
  return value;
}

function paragraphs(problems: Problems, where: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'string')) {
    problems.push(`${where}: expected a list of paragraphs`);
    return [];
  }
  return value as string[];
}

/** Unbalanced or misspelt markers: what is left once every well-formed token is removed. */
function syntaxProblems(where: string, template: string): string[] {
  const problems: string[] = [];
  const opened: string[] = [];
  for (const match of template.matchAll(/\{\{(#|\^|\/)?([A-Za-z][A-Za-z0-9]*)\}\}/gu)) {
    const [, marker, name = ''] = match;
    if (marker === '#' || marker === '^') opened.push(name);
    else if (marker === '/') {
      const top = opened.pop();
      if (top !== name) problems.push(`${where}: {{/${name}}} closes ${top ? `{{#${top}}}` : 'nothing'}`);
    }
  }
  if (opened.length) problems.push(`${where}: {{#${opened.join('}}, {{#')}}} not closed`);
  const rest = template.replace(/\{\{\{body\}\}\}/gu, '').replace(/\{\{(#|\^|\/)?([A-Za-z][A-Za-z0-9]*)\}\}/gu, '');
  if (/\{\{|\}\}/u.test(rest)) problems.push(`${where}: a {{ or }} that is no placeholder`);
  return problems;
}

function checkPlaceholders(problems: Problems, where: string, template: string, allowed: ReadonlySet<string>): void {
  problems.push(...syntaxProblems(where, template));
  for (const name of placeholdersIn(template)) {
    if (!allowed.has(name))
      problems.push(`${where}: unknown placeholder {{${name}}} (allowed: ${[...allowed].join(', ')})`);
  }
}

function requireAll(
  problems: Problems,
  where: string,
  templates: readonly string[],
  required: readonly string[],
): void {
  const shown = new Set(templates.flatMap((t) => [...unconditionalPlaceholders(t)]));
  for (const name of required) {
    if (!shown.has(name))
      problems.push(`${where}: lacks the required placeholder {{${name}}} (outside any {{#...}} section)`);
  }
}

function readKind(problems: Problems, where: string, kind: MessageKind, raw: unknown): KindTemplates | undefined {
  if (!isRecord(raw)) {
    problems.push(`${where}: missing`);
    return undefined;
  }
  const spec = KIND_SPECS[kind];
  const allowed = new Set([...spec.required, ...spec.optional, ...BRANDING_VALUES]);
  const email = isRecord(raw.email) ? raw.email : undefined;
  if (!email) problems.push(`${where}.email: missing`);
  const button = email && isRecord(email.button) ? email.button : undefined;
  if (email?.button !== undefined && !button) problems.push(`${where}.email.button: expected {label, url}`);
  const template: EmailTemplate = {
    subject: text(problems, `${where}.email.subject`, email?.subject) ?? '',
    heading: text(problems, `${where}.email.heading`, email?.heading) ?? '',
    intro: paragraphs(problems, `${where}.email.intro`, email?.intro),
    highlight: text(problems, `${where}.email.highlight`, email?.highlight, true),
    button: button
      ? {
          label: text(problems, `${where}.email.button.label`, button.label) ?? '',
          url: text(problems, `${where}.email.button.url`, button.url) ?? '',
        }
      : undefined,
    outro: paragraphs(problems, `${where}.email.outro`, email?.outro),
  };
  const parts: [string, string][] = [
    ['subject', template.subject],
    ['heading', template.heading],
    ...template.intro.map((p, i): [string, string] => [`intro[${i}]`, p]),
    ['highlight', template.highlight ?? ''],
    ['button.label', template.button?.label ?? ''],
    ['button.url', template.button?.url ?? ''],
    ...template.outro.map((p, i): [string, string] => [`outro[${i}]`, p]),
  ];
  for (const [name, part] of parts) checkPlaceholders(problems, `${where}.email.${name}`, part, allowed);
  requireAll(
    problems,
    `${where}.email`,
    [...template.intro, template.highlight ?? '', template.button?.url ?? '', ...template.outro],
    spec.required,
  );

  let sms: KindTemplates['sms'];
  if (spec.channels.includes('sms')) {
    const rawSms = isRecord(raw.sms) ? raw.sms : undefined;
    if (!rawSms) problems.push(`${where}.sms: missing (this kind is also sent by SMS)`);
    sms = {
      full: text(problems, `${where}.sms.full`, rawSms?.full) ?? '',
      short: text(problems, `${where}.sms.short`, rawSms?.short) ?? '',
    };
    for (const form of ['full', 'short'] as const) {
      checkPlaceholders(problems, `${where}.sms.${form}`, sms[form], allowed);
      requireAll(problems, `${where}.sms.${form}`, [sms[form]], spec.required);
    }
  } else if (raw.sms !== undefined) {
    problems.push(`${where}.sms: this kind is not sent by SMS`);
  }
  return { email: template, sms };
}

function readLocale(problems: Problems, locale: Locale, raw: unknown): LocaleTemplates | undefined {
  const where = `${locale}.yml`;
  if (!isRecord(raw)) {
    problems.push(`${where}: missing or not a mapping`);
    return undefined;
  }
  const common = new Set(['name', ...BRANDING_VALUES]);
  const greeting = text(problems, `${where} greeting`, raw.greeting) ?? '';
  const signOff = text(problems, `${where} signOff`, raw.signOff) ?? '';
  const support = text(problems, `${where} support`, raw.support, true) ?? '';
  checkPlaceholders(problems, `${where} greeting`, greeting, common);
  checkPlaceholders(problems, `${where} signOff`, signOff, common);
  checkPlaceholders(problems, `${where} support`, support, common);
  const rawKinds = isRecord(raw.kinds) ? raw.kinds : {};
  for (const name of Object.keys(rawKinds)) {
    if (!(MESSAGE_KINDS as readonly string[]).includes(name)) problems.push(`${where} kinds.${name}: no such kind`);
  }
  const kinds = {} as Record<MessageKind, KindTemplates>;
  for (const kind of MESSAGE_KINDS) {
    const read = readKind(problems, `${where} kinds.${kind}`, kind, rawKinds[kind]);
    if (read) kinds[kind] = read;
  }
  return { greeting, signOff, support, kinds };
}

/** Renders every message with nominal values and checks the limits (only on an otherwise valid catalogue). */
function limitProblems(catalog: Catalog): string[] {
  const problems: string[] = [];
  for (const locale of LOCALES) {
    for (const kind of MESSAGE_KINDS) {
      const where = `${locale}.yml kinds.${kind}`;
      const copy = catalog.locales[locale];
      const parts = { layout: catalog.layout, copy, template: copy.kinds[kind].email };
      const email = composeEmail(parts, kind, locale, NOMINAL_VALUES, NOMINAL_BRANDING);
      const subject = characters(email.subject);
      if (subject > LIMITS.subject)
        problems.push(`${where}.email.subject: ${subject} characters once filled in, over ${LIMITS.subject}`);
      const html = characters(email.html);
      if (html > LIMITS.email)
        problems.push(`${where}.email: ${html} characters of HTML once filled in, over ${LIMITS.email}`);
      if (!KIND_SPECS[kind].channels.includes('sms')) continue;
      const sms = composeSmsForms(copy.kinds[kind].sms, kind, NOMINAL_VALUES, NOMINAL_BRANDING);
      for (const form of ['full', 'short'] as const) {
        const length = characters(sms[form]);
        if (length > LIMITS.sms) {
          problems.push(
            `${where}.sms.${form}: ${length} characters once filled in with nominal values, over ${LIMITS.sms}`,
          );
        }
      }
    }
  }
  return problems;
}

export interface TemplateSources {
  layout: string;
  /** Each locale's file, parsed (undefined when absent). */
  locales: Readonly<Record<string, unknown>>;
}

export function validateTemplates(sources: TemplateSources): { catalog?: Catalog; problems: string[] } {
  const problems: string[] = [];
  if (!sources.layout.includes('{{{body}}}')) problems.push('layout.html: lacks {{{body}}}, where each message goes');
  checkPlaceholders(problems, 'layout.html', sources.layout.replace(/\{\{\{body\}\}\}/gu, ''), new Set(LAYOUT_VALUES));
  const locales = {} as Record<Locale, LocaleTemplates>;
  for (const locale of LOCALES) {
    const read = readLocale(problems, locale, sources.locales[locale]);
    if (read) locales[locale] = read;
  }
  if (problems.length) return { problems };
  const catalog: Catalog = { layout: sources.layout, locales };
  const limits = limitProblems(catalog);
  return limits.length ? { problems: limits } : { catalog, problems: [] };
}
