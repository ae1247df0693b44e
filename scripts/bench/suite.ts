/**
 * What a bench suite hands the runner (scripts/bench.ts), and the few helpers suites share. A suite is a
 * module under scripts/bench/ exporting `run(): Promise<SuiteResult>`; the runner lists it in SUITES.
 */

/** A table for people: the runner prints it; results.json holds `figures` instead. */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
}

export interface SuiteResult {
  /** The targets the suite checks, by name (written to results.json beside the figures). */
  targets: Record<string, number>;
  /** Everything measured, as written to results.json under the suite's name (plain JSON data). */
  figures: unknown;
  tables: Table[];
  /** One line per missed target; any line makes `npm run bench` exit 1. */
  misses: string[];
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Nearest-rank percentile: a value that was measured, never an interpolation. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export const round = (value: number, digits = 1): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

export const kib = (bytes: number): number => round(bytes / 1024, 1);

/**
 * Runs `work` with stdout and stderr swallowed: handlers log JSON and flush EMF metrics on every
 * invocation, which is neither what we time nor what a person wants on the terminal.
 */
export async function silenced<T>(work: () => Promise<T>): Promise<T> {
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  const swallow = (() => true) as typeof process.stdout.write;
  process.stdout.write = swallow;
  process.stderr.write = swallow;
  try {
    return await work();
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

/** Progress for the person waiting, on stderr so that stdout keeps only the tables. */
export const progress = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

/** A table as aligned text: first column left-aligned, the others right-aligned. */
export function formatTable(table: Table): string {
  const all = [table.columns, ...table.rows];
  const widths = table.columns.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [table.title, line(table.columns), rule, ...table.rows.map(line)].join('\n');
}

/** The same table in Markdown, for pasting into docs/testing.md#benchmarks. */
export function markdownTable(table: Table): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [row(table.columns), row(table.columns.map(() => '---')), ...table.rows.map(row)].join('\n');
}
