/**
 * `npm run docs`: writes each settings table into its page (scripts/docs/settings.ts) and formats the
 * page. `npm run docs -- --check` writes nothing and exits 1 when a page is out of step, naming it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build.ts';
import { renderPage, settingsPages } from './docs/settings.ts';

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const page of settingsPages()) {
  const text = readFileSync(join(ROOT, page), 'utf8');
  const rendered = await renderPage(page, text);
  if (rendered === text) continue;
  stale.push(page);
  if (!check) writeFileSync(join(ROOT, page), rendered);
}
if (check && stale.length) {
  console.error(`error: settings tables out of step with the code in ${stale.join(', ')}: run npm run docs`);
  process.exit(1);
}
console.log(stale.length ? `updated ${stale.join(', ')}` : 'every settings table is up to date');
