/**
 * `npm run docs`: writes each settings table into its page (scripts/docs/settings.ts), and the
 * per-function section of docs/operations.md (scripts/docs/operations.ts), and formats the page. `npm run docs -- --check` writes nothing and exits 1 when a page is out of step, naming it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build.ts';
import { format, resolveConfig } from 'prettier';
import { OPERATIONS_PAGE, renderOperationsPage } from './docs/operations.ts';
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
{
  const file = join(ROOT, OPERATIONS_PAGE);
  const text = readFileSync(file, 'utf8');
  const rendered = await format(await renderOperationsPage(text), {
    ...(await resolveConfig(file)),
    filepath: file,
  });
  if (rendered !== text) {
    stale.push(OPERATIONS_PAGE);
    if (!check) writeFileSync(file, rendered);
  }
}
if (check && stale.length) {
  console.error(`error: settings tables out of step with the code in ${stale.join(', ')}: run npm run docs`);
  process.exit(1);
}
console.log(stale.length ? `updated ${stale.join(', ')}` : 'every settings table is up to date');
