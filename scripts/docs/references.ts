/**
 * References from code, configuration and prose to a section of the documentation: `README, "Commands"`,
 * `(docs/migrate-user.md, Security)`, `docs/operations.md#failedopen`. README was split into docs/ and
 * pages will move again; a reference to a section that is not (or no longer) there sends a reader to
 * nothing, so test/docs/references.test.ts holds every one against the page it names.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { ROOT } from '../build.ts';
import { anchors, readMarkdown, sectionNames, slug } from './markdown.ts';

export interface Reference {
  /** The page as the repository holds it: README.md, ARCHITECTURE.md, docs/<page>.md. */
  page: string;
  /** A section named by its heading or bold lead, or a heading's anchor (`#...`). */
  section?: string;
  anchor?: string;
  /** README named without a section: always a failure. */
  vague?: true;
  /** The reference as written, for the failure message. */
  text: string;
  line: number;
}

const PAGE = String.raw`\b(README|ARCHITECTURE|docs/[a-z0-9-]+)(?:\.md)?`;
// `PAGE, "Section"` (quotes may be typographic), `(PAGE, Section)`, `PAGE#anchor`.
const QUOTED = new RegExp(String.raw`${PAGE}, ["“]([^"”]+)["”]`, 'gu');
const PARENTHESISED = new RegExp(String.raw`\(\s*(?:see\s+)?${PAGE}, ([^"“()\n]+?)\)`, 'gu');
const ANCHORED = new RegExp(String.raw`${PAGE}#([\p{L}\p{N}_-]+)`, 'gu');
// README alone in parentheses, after "see" or as the last item of a parenthesis: a pointer into a page
// of many sections that names none, which is how README's moved text lost its readers.
const VAGUE = /\((?:[^()\n]*?[;,]\s*)?(?:see\s+)?README(?:\.md)?\)/gu;
// In a page: `[migrate-user](migrate-user.md), "One lockout, two keys"`, the link relative to the page.
const LINKED = /\]\(([^)#\s]+\.md)\),? ["“]([^"”]+)["”]/gu;

const pageFile = (name: string): string => `${name}.md`;

/**
 * The references in a text. A reference may wrap inside a comment (`//`, ` * `, `#` at the next line's
 * start), so line breaks with their comment markers read as one space; line numbers are the start's.
 * `from`, the file's path in the repository, resolves a Markdown page's relative links.
 */
export function references(text: string, from?: string): Reference[] {
  const joined = text.replace(/\n[ \t]*(?:\/\/|\*(?!\*)|#(?!#))?[ \t]*/gu, (gap) => ' '.padEnd(gap.length, '\u0000'));
  const lineOf = (index: number): number => text.slice(0, index).split('\n').length;
  const clean = (value: string): string => value.replace(/\u0000/gu, '').trim();
  const found: Reference[] = [];
  for (const match of joined.matchAll(QUOTED)) {
    found.push({
      page: pageFile(match[1]!),
      section: clean(match[2]!),
      text: clean(match[0]),
      line: lineOf(match.index),
    });
  }
  for (const match of joined.matchAll(PARENTHESISED)) {
    // `(README.md, ARCHITECTURE.md, docs/)` lists pages: no section named.
    if (new RegExp(`^${PAGE}`, 'u').test(match[2]!) || /^docs\//u.test(match[2]!)) continue;
    found.push({
      page: pageFile(match[1]!),
      section: clean(match[2]!),
      text: clean(match[0]),
      line: lineOf(match.index),
    });
  }
  if (from?.endsWith('.md')) {
    for (const match of joined.matchAll(LINKED)) {
      const page = posix.normalize(posix.join(posix.dirname(from), decodeURIComponent(match[1]!)));
      found.push({ page, section: clean(match[2]!), text: clean(match[0]), line: lineOf(match.index) });
    }
  }
  for (const match of joined.matchAll(VAGUE)) {
    found.push({ page: 'README.md', vague: true, text: clean(match[0]), line: lineOf(match.index) });
  }
  for (const match of joined.matchAll(ANCHORED)) {
    found.push({ page: pageFile(match[1]!), anchor: match[2]!, text: clean(match[0]), line: lineOf(match.index) });
  }
  return found.sort((a, b) => a.line - b.line);
}

/** Why a reference leads nowhere, or undefined when the page has the section or anchor it names. */
export function brokenReason(reference: Reference, root: string = ROOT): string | undefined {
  if (reference.vague)
    return 'names README but no section: write the page and section, e.g. (docs/<page>.md, <section>)';
  if (!existsSync(join(root, reference.page))) return `no page ${reference.page}`;
  const markdown = readMarkdown(reference.page, root);
  if (reference.anchor !== undefined) {
    return anchors(markdown).has(reference.anchor)
      ? undefined
      : `no heading of ${reference.page} has the anchor #${reference.anchor}`;
  }
  const section = reference.section ?? '';
  return sectionNames(markdown).has(slug(section))
    ? undefined
    : `${reference.page} has no heading or bold lead "${section}"`;
}

/** Folders that hold nothing of ours that points at the docs: dependencies, output, local state, samples. */
const SKIPPED = new Set(['node_modules', '.git', '.local', 'dist', '.serverless', 'coverage', 'bench', 'events']);
const TEXT_FILE = /\.(?:ts|cts|mts|js|cjs|mjs|json|ya?ml|md|html|css|sh)$/u;

/** Every file of ours that may hold a reference: code, configuration, templates, prose, CI scripts. */
export function referencingFiles(root: string = ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(path);
      } else if (entry.isFile() && (TEXT_FILE.test(entry.name) || relative(root, dir) === '.ci')) {
        if (entry.name !== 'package-lock.json') found.push(relative(root, path).split('\\').join('/'));
      }
    }
  };
  walk(root);
  return found.sort();
}
