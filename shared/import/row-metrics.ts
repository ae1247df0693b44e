/**
 * The rows an import read and rejected, as metrics of the job function that finished it (batch-import for
 * a file imported inline, import-assemble for one the state machine ran): the import-rows-rejected alarm
 * watches their ratio (infra/operations.cjs).
 */
import { MetricUnit, type Metrics } from '../runtime/observability.ts';

export function publishRowCounts(metrics: Metrics, counts: { rowsRead: number; rejected: number }): void {
  metrics.addMetric('RowsRead', MetricUnit.Count, counts.rowsRead);
  metrics.addMetric('RowsRejected', MetricUnit.Count, counts.rejected);
  metrics.publishStoredMetrics();
}
