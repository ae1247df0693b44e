/**
 * import-batch: the Distributed Map's row-batch processor (shared/import/s3-map.ts). Step Functions
 * invokes it with one ItemBatcher batch; it validates the rows, writes the candidates to the legacy
 * directory and leaves a part object for the final step. Not a Cognito trigger.
 */
import { s3Client } from '../../shared/aws/s3.ts';
import { batchWriter, importDocumentClient } from '../../shared/import/directory.ts';
import { readImportJobConfig } from '../../shared/import/s3-job.ts';
import { checkBatchEvent, processMapBatch, type BatchOutcome } from '../../shared/import/s3-map.ts';
import { lazy } from '../../shared/lazy.ts';
import { createLogger } from '../../shared/runtime/observability.ts';

const log = createLogger('import-batch');
const config = lazy(() => readImportJobConfig());
const documents = lazy(() => importDocumentClient());

export const handler = async (event: unknown): Promise<BatchOutcome> => {
  const batch = checkBatchEvent(event);
  const { table, concurrency, mapping } = config();
  const outcome = await processMapBatch(batch, {
    mapping,
    directory: batchWriter({ client: documents(), table, concurrency }),
    s3: s3Client(),
  });
  log.info('row batch', { key: batch.BatchInput.key, ...outcome });
  return outcome;
};
