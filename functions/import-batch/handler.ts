/**
 * import-batch: the Distributed Map's steps over rows (shared/import/s3-map.ts). Step Functions invokes
 * it first to plan the run (the object's byte ranges of whole rows, into a manifest in S3), then once per
 * range: it reads its rows from S3 itself, validates them, writes the candidates to the legacy directory
 * and leaves a part object for the final step. No row passes through Step Functions. Not a Cognito
 * trigger.
 */
import { s3Client } from '../../shared/aws/s3.ts';
import { batchWriter, importDocumentClient } from '../../shared/import/directory.ts';
import { readImportJobConfig } from '../../shared/import/s3-job.ts';
import {
  checkStepEvent,
  planRanges,
  processRange,
  type BatchOutcome,
  type PlanOutcome,
} from '../../shared/import/s3-map.ts';
import { lazy } from '../../shared/lazy.ts';
import { createLogger } from '../../shared/runtime/observability.ts';

const log = createLogger('import-batch');
const config = lazy(() => readImportJobConfig());
const documents = lazy(() => importDocumentClient());

export const handler = async (event: unknown): Promise<PlanOutcome | BatchOutcome> => {
  const step = checkStepEvent(event);
  if (step.step === 'plan') {
    const plan = await planRanges(step, s3Client());
    log.info('import planned', { key: step.key, ranges: plan.ranges, rows: plan.rows });
    return plan;
  }
  const { table, concurrency, mapping } = config();
  const outcome = await processRange(step, {
    mapping,
    directory: batchWriter({ client: documents(), table, concurrency }),
    s3: s3Client(),
  });
  log.info('row batch', { key: step.key, ...outcome });
  return outcome;
};
