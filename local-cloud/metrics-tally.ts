/**
 * The local stack's outcome counts: the functions run in `npm start`'s process, and Powertools prints
 * their metrics there as EMF JSON lines on stdout. The tally reads those lines once, as they pass on the
 * way to the log file (never by re-reading the file), sums every Count metric per function (`service`)
 * and keeps `.local/metrics.json` current; `table()` shows, per function, the counts the deployed
 * dashboard shows (infra/operations.cjs: invocations, errors and each function's outcome metrics).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Declared {
  folder: string;
  outcomes: string[];
}

/** The dashboard's functions, in its order, and what it shows of each. */
function dashboardRows(): Array<{ folder: string; metrics: string[] }> {
  const require = createRequire(import.meta.url);
  const { declaration } = require(fileURLToPath(new URL('../infra/operations.cjs', import.meta.url))) as {
    declaration: { FUNCTIONS: Record<string, Declared> };
  };
  return Object.values(declaration.FUNCTIONS).map((fn) => ({
    folder: fn.folder,
    metrics: [...new Set(['Invocations', 'Errors', ...fn.outcomes])],
  }));
}

/** Where a stack's counts go: .local/metrics.json for npm start's own stack file, else beside the stack file. */
export function metricsFileFor(stackFile: string, defaultStackFile: string): string {
  return stackFile === defaultStackFile
    ? join(dirname(defaultStackFile), 'metrics.json')
    : stackFile.replace(/(\.json)?$/, '.metrics.json');
}

export type Counts = Record<string, Record<string, number>>;

export interface MetricsTally {
  /** A chunk of what the process writes to stdout. */
  write(chunk: string | Uint8Array): void;
  counts(): Counts;
  /** One line per function that ran: its dashboard counts. */
  table(): string;
  /** Writes the file now (it is otherwise written shortly after each change). */
  flush(): void;
}

interface EmfDirective {
  Metrics?: Array<{ Name?: unknown; Unit?: unknown }>;
}

function sum(value: unknown): number {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.reduce<number>((total, item) => total + sum(item), 0);
  return 0;
}

export function metricsTally(file: string, now: () => Date = () => new Date()): MetricsTally {
  const counts: Counts = {};
  const rows = dashboardRows();
  let pending = '';
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ updatedAt: now().toISOString(), functions: counts }, null, 2)}\n`);
  };

  const count = (line: string) => {
    if (!line.includes('"_aws"')) return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const aws = record._aws as { CloudWatchMetrics?: EmfDirective[] } | undefined;
    const service = record.service;
    if (typeof service !== 'string' || !Array.isArray(aws?.CloudWatchMetrics)) return;
    for (const directive of aws.CloudWatchMetrics)
      for (const metric of directive.Metrics ?? []) {
        if (metric.Unit !== 'Count' || typeof metric.Name !== 'string') continue;
        const of = (counts[service] ??= {});
        of[metric.Name] = (of[metric.Name] ?? 0) + sum(record[metric.Name]);
      }
    timer ??= setTimeout(flush, 500).unref();
  };

  return {
    write(chunk) {
      pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) count(line);
    },
    counts: () => structuredClone(counts),
    table() {
      const ran = rows.filter((row) => counts[row.folder]);
      if (!ran.length) return 'no function has run yet';
      const width = Math.max(...ran.map((row) => row.folder.length));
      return ran
        .map(
          (row) =>
            `${row.folder.padEnd(width)}  ${row.metrics.map((metric) => `${metric} ${counts[row.folder]?.[metric] ?? 0}`).join('  ')}`,
        )
        .join('\n');
    },
    flush,
  };
}
