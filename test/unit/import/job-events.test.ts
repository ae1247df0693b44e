/**
 * The deployed import's sample events (events/batch-import, events/import-batch, events/import-assemble)
 * are what S3 and the state machine hand its functions: each passes the check its function makes, and
 * they describe one import (the batch and the final step carry the execution input batch-import starts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { s3Records } from '../../../functions/batch-import/import-object.ts';
import { resolveColumns } from '../../../shared/import/columns.ts';
import { DEFAULT_POOL_SETTINGS } from '../../../shared/import/pool.ts';
import { createRowProcessor } from '../../../shared/import/processor.ts';
import { isImportKey, workPrefix } from '../../../shared/import/s3-job.ts';
import { checkBatchEvent, checkExecutionInput, fieldsOf } from '../../../shared/import/s3-map.ts';
import { jobFunctionNames } from '../../../scripts/build.ts';

const sample = (folder: string, name: string): unknown =>
  JSON.parse(readFileSync(join(process.cwd(), 'events', folder, name), 'utf8'));

describe("the deployed import's sample events", () => {
  const [record, ...more] = s3Records(sample('batch-import', 'ObjectCreated_Put.json'));
  const execution = checkExecutionInput(sample('import-assemble', 'ExecutionInput.json'));
  const batch = checkBatchEvent(sample('import-batch', 'ItemBatch.json'));

  it('cover every job function', () => {
    expect(jobFunctionNames().sort()).toEqual(['batch-import', 'import-assemble', 'import-batch']);
  });

  it('batch-import: one S3 record of a CSV under imports/', () => {
    expect(more).toHaveLength(0);
    expect(record).toEqual({
      eventName: 'ObjectCreated:Put',
      bucket: execution.bucket,
      key: execution.key,
      etag: execution.etag,
    });
    expect(isImportKey(record!.key)).toBe(true);
  });

  it('import-assemble: the execution input batch-import would start for that object', () => {
    expect(execution.workPrefix).toBe(workPrefix(execution.key, execution.etag));
    expect(execution.settings).toEqual(DEFAULT_POOL_SETTINGS);
    expect(execution).toMatchObject({ batchSize: 1000, maxConcurrency: 10, toleratedFailurePercentage: 0 });
  });

  it("import-batch: that execution's batch input, and rows the processor accepts and rejects as the CLI would", () => {
    const { batchSize: _b, maxConcurrency: _m, toleratedFailurePercentage: _t, ...batchInput } = execution;
    expect(batch.BatchInput).toEqual(batchInput);
    const processor = createRowProcessor({
      columns: resolveColumns(batch.BatchInput.header),
      settings: batch.BatchInput.settings,
      importedAt: batch.BatchInput.importedAt,
    });
    const { accepted, rejected } = processor.processBatch(
      batch.Items.map(({ index, row }) => ({ line: index + 2, fields: fieldsOf(row, batch.BatchInput.header) })),
    );
    expect(accepted.map(({ item }) => [item.username, item.passwordHash !== undefined])).toEqual([
      ['ada.lovelace', true],
      ['grace.hopper', false],
    ]);
    expect(rejected).toEqual([{ line: 4, column: 'username', reason: 'username-invalid', username: '' }]);
  });
});
