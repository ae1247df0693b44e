/**
 * Compiles templates/messages into shared/messages/catalog.generated.ts, the module the bundles carry
 * (no file is read at run time). `npm run build` runs it first and fails on a template problem; the
 * generated module is committed so that tests and `npm run invoke` run without a build, and a unit test
 * fails when it is older than the templates.
 *
 * Build-time only: it reads files and uses the yaml package, which no handler imports.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { KIND_SPECS, LOCALES, MESSAGE_KINDS, type Channel, type MessageKind } from './kinds.ts';
import type { LocaleTemplates } from './render.ts';
import { validateTemplates, type TemplateSources } from './validate.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const TEMPLATE_DIR = join(ROOT, 'templates', 'messages');
export const GENERATED_FILE = join(ROOT, 'shared', 'messages', 'catalog.generated.ts');

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(readonly problems: readonly string[]) {
    super(`message templates (templates/messages):\n  ${problems.join('\n  ')}`);
  }
}

export function readTemplateSources(directory = TEMPLATE_DIR): { sources: TemplateSources; problems: string[] } {
  const problems: string[] = [];
  const layoutFile = join(directory, 'layout.html');
  const layout = existsSync(layoutFile) ? readFileSync(layoutFile, 'utf8') : '';
  if (!layout) problems.push('layout.html: missing');
  const locales: Record<string, unknown> = {};
  for (const locale of LOCALES) {
    const file = join(directory, `${locale}.yml`);
    if (!existsSync(file)) {
      problems.push(`${locale}.yml: missing`);
      continue;
    }
    try {
      locales[locale] = parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${locale}.yml: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  return { sources: { layout, locales }, problems };
}

/** The generated module's name for a kind's templates in one channel: `EMAIL_SIGN_UP_CODE`, `SMS_MAGIC_LINK`. */
export function templateConstant(channel: Channel, kind: MessageKind): string {
  return `${channel.toUpperCase()}_${kind.toUpperCase().replaceAll('-', '_')}`;
}

/** The generated module's text for the templates in `directory`; throws a TemplateError listing every problem. */
export function compileTemplates(directory = TEMPLATE_DIR): string {
  const { sources, problems } = readTemplateSources(directory);
  if (problems.length) throw new TemplateError(problems);
  const { catalog, problems: invalid } = validateTemplates(sources);
  if (!catalog) throw new TemplateError(invalid);
  // Strings parsed on first use rather than object literals: V8 evaluates a module's literal at import,
  // on every cold start, and parses JSON faster than it compiles the same object as code.
  const json = (value: unknown) => JSON.stringify(JSON.stringify(value));
  const byLocale = <T>(pick: (templates: LocaleTemplates) => T) =>
    Object.fromEntries(LOCALES.map((locale) => [locale, pick(catalog.locales[locale])]));
  const lines = [
    '// Generated from templates/messages by `npm run build` (shared/messages/compile.ts). Edit the templates, not this file.',
    '// The catalogue (shared/messages/render.ts, Catalog) in pieces: the layout, then JSON parsed on first use: the',
    "// e-mails' common lines, and each kind's e-mail and SMS apart, by locale. A function renders through a set",
    '// of the kinds it sends (shared/messages/index.ts, emailRenderer), so that its bundle carries their',
    '// templates and no others; EVERY_EMAIL and EVERY_SMS are every kind, for whatever sends them all.',
    "import type { MessageKind } from './kinds.ts';",
    '',
    `export const LAYOUT = ${JSON.stringify(catalog.layout)};`,
    `export const EMAIL_COPY = ${json(byLocale(({ greeting, signOff, support }) => ({ greeting, signOff, support })))};`,
  ];
  const every: Record<Channel, string[]> = { email: [], sms: [] };
  for (const kind of MESSAGE_KINDS) {
    for (const channel of KIND_SPECS[kind].channels) {
      const name = templateConstant(channel, kind);
      lines.push(`export const ${name} = ${json(byLocale((templates) => templates.kinds[kind][channel]))};`);
      every[channel].push(`  '${kind}': ${name},`);
    }
  }
  lines.push(
    '',
    `export const EVERY_EMAIL = {\n${every.email.join('\n')}\n} as const satisfies Readonly<Record<MessageKind, string>>;`,
    '',
    `export const EVERY_SMS = {\n${every.sms.join('\n')}\n} as const satisfies Readonly<Partial<Record<MessageKind, string>>>;`,
    '',
  );
  return lines.join('\n');
}

/** Writes the generated module when the templates changed it; returns whether it did. */
export function writeCatalog(directory = TEMPLATE_DIR, target = GENERATED_FILE): boolean {
  const source = compileTemplates(directory);
  if (existsSync(target) && readFileSync(target, 'utf8') === source) return false;
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, source);
  renameSync(temporary, target);
  return true;
}
