/**
 * The deployed import's sample events (events/batch-import, events/import-batch, events/import-assemble)
 * are what S3 and the state machine hand its functions: each passes the check its function makes, they
 * describe one import (the plan, the range and the final step carry the execution input batch-import
 * starts), and they are what `npm run events` writes (scripts/job-events.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { s3Records } from '../../../functions/batch-import/import-object.ts';
import { resolveColumns } from '../../../shared/import/columns.ts';
import { DEFAULT_POOL_SETTINGS } from '../../../shared/import/pool.ts';
import { createRowProcessor } from '../../../shared/import/processor.ts';
import { isImportKey, workPrefix } from '../../../shared/import/s3-job.ts';
import { checkExecutionInput, checkStepEvent, rangeRows } from '../../../shared/import/s3-map.ts';
import { jobFunctionNames } from '../../../scripts/build.ts';
import { jobSampleFiles, SAMPLE_EXPORT } from '../../../scripts/job-events.ts';

const sample = (folder: string, name: string): unknown =>
  JSON.parse(readFileSync(join(process.cwd(), 'events', folder, name), 'utf8'));

describe("the deployed import's sample events", () => {
  const [record, ...more] = s3Records(sample('batch-import', 'ObjectCreated_Put.json'));
  const execution = checkExecutionInput(sample('import-assemble', 'ExecutionInput.json'));
  const plan = checkStepEvent(sample('import-batch', 'PlanRanges.json'));
  const batch = checkStepEvent(sample('import-batch', 'ProcessRange.json'));

  it('cover every job function, and are the ones npm run events writes', async () => {
    expect(jobFunctionNames().sort()).toEqual(['batch-import', 'import-assemble', 'import-batch']);
    for (const file of await jobSampleFiles()) expect(readFileSync(file.path, 'utf8')).toBe(file.content);
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

  it('import-batch: the plan of that object, and a range of it holding no row, only where the rows are', async () => {
    const { bucket, key, etag, workPrefix: prefix, batchSize, header, settings, importedAt } = execution;
    expect(plan).toEqual({ step: 'plan', bucket, key, etag, workPrefix: prefix, batchSize });
    if (batch.step !== 'batch') throw new Error('ProcessRange.json is no range');
    expect(batch).toMatchObject({ bucket, key, etag, workPrefix: prefix, header, settings, importedAt });
    expect(JSON.stringify(batch)).not.toMatch(/ada|grace|\$2b\$/);
    const { range } = batch;
    const rows = await rangeRows(Readable.from([Buffer.from(SAMPLE_EXPORT).subarray(range.start, range.end)]), range);
    const processor = createRowProcessor({ columns: resolveColumns(header), settings, importedAt });
    const { accepted, rejected } = processor.processBatch(rows.map((row) => ({ ...row, line: row.line + 2 })));
    expect(accepted.map(({ item }) => [item.username, item.passwordHash !== undefined])).toEqual([
      ['ada.lovelace', true],
      ['grace.hopper', false],
    ]);
    expect(rejected).toEqual([{ line: 4, column: 'username', reason: 'username-invalid', username: '' }]);
  });
});
