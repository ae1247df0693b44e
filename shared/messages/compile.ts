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
import { LOCALES } from './kinds.ts';
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

/** The generated module's text for the templates in `directory`; throws a TemplateError listing every problem. */
export function compileTemplates(directory = TEMPLATE_DIR): string {
  const { sources, problems } = readTemplateSources(directory);
  if (problems.length) throw new TemplateError(problems);
  const { catalog, problems: invalid } = validateTemplates(sources);
  if (!catalog) throw new TemplateError(invalid);
  // A string parsed on first use rather than an object literal: V8 evaluates a module's literal at
  // import, on every cold start, and parses JSON faster than it compiles the same object as code.
  return [
    '// Generated from templates/messages by `npm run build` (shared/messages/compile.ts). Edit the templates, not this file.',
    '// The catalogue (shared/messages/render.ts, Catalog) as JSON, parsed on first use.',
    `export const CATALOG_JSON = ${JSON.stringify(JSON.stringify(catalog))};`,
    '',
  ].join('\n');
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
