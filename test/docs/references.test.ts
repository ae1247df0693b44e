/**
 * Every reference to a section of the documentation, in code, comments, configuration, error texts and
 * pages (`docs/migrate-user.md, "One lockout, two keys"`, `(docs/deploying.md, Secrets)`,
 * `docs/operations.md#failedopen`), names a page that exists and a section that page has: a heading (or
 * its GitHub anchor, scripts/docs/markdown.ts's) or a paragraph's bold lead. README was split into docs/
 * and left some 60 references to sections that had moved; this holds the next move to the same account.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/build.ts';
import { brokenReason, references, referencingFiles, type Reference } from '../../scripts/docs/references.ts';

/** A reference written the way the scanner reads it, built here so this file holds none itself. */
const quoted = (page: string, section: string): string => `${page}, "${section}"`;
const parenthesised = (page: string, section: string): string => `(${page}, ${section})`;
const anchored = (page: string, anchor: string): string => `${page}#${anchor}`;

describe('references to sections of the documentation', () => {
  const files = referencingFiles();

  it('scans code, configuration and pages, not dependencies or samples', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'serverless.yml',
        'infra/import.yml',
        'functions/pre-signup/policy.ts',
        'docs/operations.md',
      ]),
    );
    expect(files.some((file) => /node_modules|^events\//u.test(file))).toBe(false);
  });

  it.each(files)('%s: every section it names is there', (file) => {
    const broken = references(readFileSync(join(ROOT, file), 'utf8'), file)
      .map((reference) => ({ reference, reason: brokenReason(reference) }))
      .filter(({ reason }) => reason !== undefined)
      .map(({ reference, reason }) => `line ${reference.line}: ${reference.text} (${reason})`);
    expect(broken).toEqual([]);
  });
});

describe('reading references', () => {
  const sections = (text: string): Partial<Reference>[] =>
    references(text).map(({ page, section, anchor }) => ({ page, section, anchor }));

  it('reads a quoted section, a parenthesised one and an anchor; README and docs/ pages alike', () => {
    expect(sections(`see ${quoted('README', 'Commands')} and (docs/deploying.md, Secrets).`)).toEqual([
      { page: 'README.md', section: 'Commands', anchor: undefined },
      { page: 'docs/deploying.md', section: 'Secrets', anchor: undefined },
    ]);
    expect(sections('alarm: docs/operations.md#failedopen')).toEqual([
      { page: 'docs/operations.md', section: undefined, anchor: 'failedopen' },
    ]);
  });

  it('reads a reference wrapped across comment lines, at the line it starts on', () => {
    const text = `/**\n * the two cannot be one key: ${'docs/migrate-user.md'}, "One lockout,\n * two keys", says why\n */`;
    expect(references(text)).toEqual([
      expect.objectContaining({ page: 'docs/migrate-user.md', section: 'One lockout, two keys', line: 2 }),
    ]);
    expect(sections(`# a YAML comment (${'docs/import.md'}, The deployed\n  # import): more`)).toEqual([
      { page: 'docs/import.md', section: 'The deployed import', anchor: undefined },
    ]);
  });

  it('in a page, reads a link followed by a quoted section, relative to the page', () => {
    const text = `the lockout ([migrate-user](migrate-user.md), "One lockout, two keys"; more)`;
    expect(references(text, 'docs/pre-authentication.md')).toEqual([
      expect.objectContaining({ page: 'docs/migrate-user.md', section: 'One lockout, two keys' }),
    ]);
    expect(references('[Deploying](docs/deploying.md), "Secrets"', 'README.md')).toEqual([
      expect.objectContaining({ page: 'docs/deploying.md', section: 'Secrets' }),
    ]);
    expect(references(text, 'scripts/x.ts')).toEqual([]);
  });

  it('takes README named without a section for a failure', () => {
    const readme = 'README';
    const found = references(`the lock message (${readme}).\n# nobody may (see ${readme}).\n(a hash; ${readme})`);
    expect(found.map((reference) => [reference.line, reference.vague])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    expect(brokenReason(found[0]!)).toMatch(/^names README but no section/u);
    expect(references(`(${readme}, "Commands") and ${readme}'s sign-up`).some((reference) => reference.vague)).toBe(
      false,
    );
  });

  it('takes a list of pages in parentheses for no section', () => {
    expect(sections('(README.md, ARCHITECTURE.md, docs/ ...)')).toEqual([]);
  });
});

describe('what a reference may name', () => {
  const root = mkdtempSync(join(tmpdir(), 'references-'));
  mkdirSync(join(root, 'docs'));
  writeFileSync(
    join(root, 'docs', 'page.md'),
    '# Page\n\n## Metrics and alarms\n\n**One lockout, two keys.** Text.\n\n**Who may write `imports/`.** Text.\n\n```md\n## In code\n```\n',
  );
  const reason = (text: string): (string | undefined)[] => references(text).map((found) => brokenReason(found, root));

  it('a heading by its text or anchor, or a bold lead, as written in code spans or not', () => {
    expect(reason(quoted('docs/page.md', 'Metrics and alarms'))).toEqual([undefined]);
    expect(reason(anchored('docs/page.md', 'metrics-and-alarms'))).toEqual([undefined]);
    expect(reason(quoted('docs/page.md', 'One lockout, two keys'))).toEqual([undefined]);
    expect(reason(parenthesised('docs/page.md', 'Who may write imports/'))).toEqual([undefined]);
  });

  it('refuses a section the page lacks, a heading inside code, an anchor of a bold lead, a missing page', () => {
    expect(reason(quoted('docs/page.md', 'One lockout'))).toEqual([
      'docs/page.md has no heading or bold lead "One lockout"',
    ]);
    expect(reason(quoted('docs/page.md', 'In code'))).toEqual(['docs/page.md has no heading or bold lead "In code"']);
    expect(reason(anchored('docs/page.md', 'one-lockout-two-keys'))).toEqual([
      'no heading of docs/page.md has the anchor #one-lockout-two-keys',
    ]);
    expect(reason(parenthesised('README', 'Security notes'))).toEqual(['no page README.md']);
  });
});
