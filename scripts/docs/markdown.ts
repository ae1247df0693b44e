/**
 * The repository's Markdown, as the docs tests and `npm run docs` see it: which files there are, the
 * anchors their headings get on GitHub, and the relative links they hold.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../build.ts';

/** Folders that hold no documentation of ours: dependencies, build output, local state. */
const SKIPPED = new Set(['node_modules', '.git', '.local', 'dist', '.serverless', 'coverage']);

/** Every Markdown file of the repository, relative to its root, sorted. */
export function markdownFiles(root: string = ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.md')) {
        found.push(relative(root, join(dir, entry.name)).split('\\').join('/'));
      }
    }
  };
  walk(root);
  return found.sort();
}

/** The lines outside fenced code blocks, with their 1-based line numbers. */
function proseLines(markdown: string): { line: string; number: number }[] {
  const lines: { line: string; number: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((line, index) => {
    const opener = /^\s*(`{3,}|~{3,})/u.exec(line)?.[1];
    if (opener && (fence === undefined || opener.startsWith(fence))) {
      fence = fence === undefined ? opener : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line, number: index + 1 });
  });
  return lines;
}

/**
 * GitHub's heading anchor (github-slugger): the rendered text lower-cased, punctuation dropped, each
 * space a hyphen. Rendered text: a code span's content, a link's text, no emphasis markers.
 */
export function slug(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/gu, '$1')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/gu, '$1')
    .replace(/(\*\*|__|\*)(.+?)\1/gu, '$2');
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /gu, '-');
}

/** The anchors of a Markdown text's headings, a repeated one numbered (-1, -2 ...) as GitHub does. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const { line } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/u.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/**
 * The sections of a Markdown text a reference may name: its headings, and the paragraphs that open with
 * a bold lead (`**One lockout, two keys.** Both triggers ...`), which is how the pages name their
 * sections below a heading. Each by its slug, so that `Security`, `security` and `**Security.**` meet.
 */
export function sectionNames(markdown: string): Set<string> {
  const result = new Set<string>();
  for (const { line } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/u.exec(line)?.[1];
    const lead = /^\*\*(.+?)\*\*/u.exec(line)?.[1];
    const name = heading ?? lead?.replace(/[.:]\s*$/u, '');
    if (name !== undefined) result.add(slug(name));
  }
  return result;
}

export interface Link {
  target: string;
  line: number;
}

/** Inline links and images outside code: `[text](target)`, the target without a title. */
export function links(markdown: string): Link[] {
  const found: Link[] = [];
  for (const { line, number } of proseLines(markdown)) {
    const prose = line.replace(/`[^`]*`/gu, '');
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/gu)) {
      if (match[1]) found.push({ target: match[1], line: number });
    }
  }
  return found;
}

export function readMarkdown(file: string, root: string = ROOT): string {
  return readFileSync(join(root, file), 'utf8');
}
