/**
 * Every Markdown file of the repository (README.md, ARCHITECTURE.md, docs/, test/conformance/README.md ...)
 * passes the project's prettier, and every relative link in it leads somewhere: the file exists and,
 * for `#anchor`, a heading of that file has GitHub's anchor for it (github-slugger's rules).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { check, resolveConfig } from 'prettier';
import { ROOT } from '../../scripts/build.ts';
import { anchors, links, markdownFiles, readMarkdown, slug } from '../../scripts/docs/markdown.ts';

/**
 * Pages written this round in another branch (alarms and runbooks, issue 19): links to them are checked
 * once they exist, so that this branch's pages can already point at them; the merge makes them strict.
 */
const PAGES_OF_OTHER_BRANCHES = new Set(['docs/operations.md']);

const files = markdownFiles();

describe('Markdown files', () => {
  it('finds the documentation: README, ARCHITECTURE and the docs/ pages', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'ARCHITECTURE.md', 'docs/pre-signup.md']));
    expect(files.some((file) => file.includes('node_modules'))).toBe(false);
  });

  it.each(files)('%s passes prettier --check', async (file) => {
    const path = join(ROOT, file);
    const options = (await resolveConfig(path)) ?? {};
    expect(await check(readMarkdown(file), { ...options, filepath: path })).toBe(true);
  });

  it.each(files)('%s: every relative link and #anchor resolves', (file) => {
    const broken: string[] = [];
    for (const { target, line } of links(readMarkdown(file))) {
      if (/^[a-z][a-z0-9+.-]*:/iu.test(target)) continue; // https:, mailto: ...
      const [path = '', anchor] = target.split('#', 2);
      const linked =
        path === ''
          ? file
          : normalize(join(dirname(file), decodeURIComponent(path)))
              .split('\\')
              .join('/');
      if (!existsSync(join(ROOT, linked))) {
        if (!PAGES_OF_OTHER_BRANCHES.has(linked)) broken.push(`line ${line}: ${target} (no ${linked})`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (!linked.endsWith('.md') || statSync(join(ROOT, linked)).isDirectory()) {
        broken.push(`line ${line}: ${target} (an anchor into a file that is not Markdown)`);
      } else if (!anchors(readMarkdown(linked)).has(anchor)) {
        broken.push(`line ${line}: ${target} (no heading of ${linked} has the anchor #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('anchors as GitHub makes them', () => {
  it('lower-cases, drops punctuation, keeps hyphens and underscores, a hyphen per space', () => {
    expect(slug('Messages: custom-message, custom-email-sender, custom-sms-sender')).toBe(
      'messages-custom-message-custom-email-sender-custom-sms-sender',
    );
    expect(slug('passwordless sign-in (define-auth-challenge, verify-auth-challenge)')).toBe(
      'passwordless-sign-in-define-auth-challenge-verify-auth-challenge',
    );
    expect(slug('`npm start` and `LOG_HASH_KEY`')).toBe('npm-start-and-log_hash_key');
    expect(slug('What **this** is: [a link](x.md)')).toBe('what-this-is-a-link');
    expect(slug('Größe & Co.')).toBe('größe--co');
  });

  it('numbers a repeated heading, and ignores headings inside code', () => {
    const text = '# Tests\n\n## Tests\n\n```sh\n# Tests\n```\n\n## Other\n';
    expect([...anchors(text)]).toEqual(['tests', 'tests-1', 'other']);
  });

  it('reads links outside code only', () => {
    const text = 'See [a](a.md#x) and `[b](b.md)`.\n\n```md\n[c](c.md)\n```\n![img](i.png "title")\n';
    expect(links(text).map((link) => link.target)).toEqual(['a.md#x', 'i.png']);
  });
});
