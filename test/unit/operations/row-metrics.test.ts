/** The import's row counts, as the import-rows-rejected alarm reads them (infra/operations.cjs). */
import { publishRowCounts } from '../../../shared/import/row-metrics.ts';
import { createJobMetrics } from '../../../shared/runtime/observability.ts';
import { captureOutput } from '../../helpers/capture-output.ts';

describe('import row metrics', () => {
  it('publishes RowsRead and RowsRejected at once, in our namespace, with the service dimension only', () => {
    const output = captureOutput();
    try {
      publishRowCounts(createJobMetrics('import-assemble'), { rowsRead: 1200, rejected: 37 });
    } finally {
      output.restore();
    }
    const emf = output.records().find((line) => '_aws' in line) as Record<string, unknown> & {
      _aws: {
        CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }>;
      };
    };
    const [directive] = emf._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe(process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CognitoTriggers');
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(directive?.Metrics.map((m) => m.Name).sort()).toEqual(['RowsRead', 'RowsRejected']);
    expect(emf).toMatchObject({ service: 'import-assemble', RowsRead: 1200, RowsRejected: 37 });
  });
});
