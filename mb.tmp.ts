import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { resolveColumns } from './shared/import/columns.ts';
import { DEFAULT_POOL_SETTINGS as S } from './shared/import/pool.ts';
import { validateRow } from './shared/import/validate.ts';
import { cognitoFields, csvLine } from './shared/import/cognito-csv.ts';
import { createRowProcessor, legacyItem } from './shared/import/processor.ts';
import { LineCounter } from './shared/import/lines.ts';
const recs: string[][] = parse(readFileSync('/tmp/imp/s100k.csv'), { relax_column_count: true });
const header = recs.shift()!; const cols = resolveColumns(header);
const n = recs.length;
const time = (name: string, f: () => void) => { const t = performance.now(); f(); const ms = performance.now() - t; console.log(name.padEnd(14), (ms / n * 1000).toFixed(2), 'µs/row'); };
for (let k = 0; k < 2; k++) {
time('lines', () => { const c = new LineCounter(); for (const r of recs) c.next(r); });
time('validate', () => { for (const r of recs) validateRow(r, cols, S); });
const users = recs.map((r) => validateRow(r, cols, S)).filter((v) => v.ok).map((v) => (v as any).user);
time('fields', () => { for (const u of users) cognitoFields(u, S.csvHeader); });
const fs = users.map((u) => cognitoFields(u, S.csvHeader));
time('csvLine', () => { for (const f of fs) csvLine(f); });
time('item', () => { for (const u of users) legacyItem(u, 'x'); });
time('processor', () => { const p = createRowProcessor({ columns: cols, settings: S, importedAt: 'x' }); for (let i = 0; i < n; i += 2000) p.processBatch(recs.slice(i, i + 2000).map((fields, j) => ({ line: j, fields }))); });
time('byteLength', () => { for (const f of fs) Buffer.byteLength(f.join(',')); });
}
