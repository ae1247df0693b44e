/**
 * batch-import: a CSV put under imports/ in the import bucket is imported into the legacy directory and
 * Cognito import files under results/<name>/ (docs/import.md, "The deployed import"). Not a Cognito trigger: S3
 * invokes it asynchronously (and retries it twice on an error).
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { clientConfig, clientSettings } from '../../shared/aws/client-config.ts';
import { s3Client } from '../../shared/aws/s3.ts';
import { sfnClient, startExecutionOnce } from '../../shared/aws/sfn.ts';
import { batchWriter, importDocumentClient } from '../../shared/import/directory.ts';
import { importJobClaims } from '../../shared/import/job-claims.ts';
import { importJobsStep } from '../../shared/import/jobs.ts';
import { headerFromPool } from '../../shared/import/pool-header.ts';
import { executionName, readImportJobConfig } from '../../shared/import/s3-job.ts';
import { lazy } from '../../shared/lazy.ts';
import { publishRowCounts } from '../../shared/import/row-metrics.ts';
import { createJobMetrics, createLogger } from '../../shared/runtime/observability.ts';
import { importObject, s3Records, type RecordOutcome } from './import-object.ts';

const log = createLogger('batch-import');
const metrics = createJobMetrics('batch-import');
const config = lazy(() => readImportJobConfig());
const documents = lazy(() => importDocumentClient());
const cognito = lazy(() => new CognitoIdentityProviderClient(clientConfig({ ...clientSettings(), maxAttempts: 3 })));
/** The pool's CSV header when the pool answers GetCSVHeader, else the configured one (as the CLI). */
const settings = lazy(async () => {
  const { settings: configured, userPoolId } = config();
  if (!userPoolId) return configured;
  const choice = await headerFromPool(cognito(), userPoolId, configured);
  if (choice.fallbackReason)
    log.warn('GetCSVHeader unavailable: using the configured CSV header', { reason: choice.fallbackReason });
  return choice.settings;
});

export const handler = async (event: unknown): Promise<RecordOutcome[]> => {
  const options = config();
  const outcomes: RecordOutcome[] = [];
  for (const record of s3Records(event)) {
    const outcome = await importObject(record, {
      s3: s3Client(),
      config: options,
      settings: await settings(),
      directory: batchWriter({ client: documents(), table: options.table, concurrency: options.concurrency }),
      startExecution: async (name, input) =>
        (await startExecutionOnce(sfnClient(), options.stateMachineArn ?? '', name, input)).started,
      afterImport: importJobsStep({
        enabled: options.startJobs,
        client: cognito,
        userPoolId: options.userPoolId,
        cloudWatchLogsRoleArn: options.jobsRoleArn,
        jobName: executionName(record.key, record.etag),
        claims: () => importJobClaims(documents(), options.table),
        source: record,
        log,
      }),
      log,
    });
    log.info('import object', { key: record.key, outcome: outcome.outcome });
    if (outcome.outcome === 'imported') publishRowCounts(metrics, outcome.summary);
    outcomes.push(outcome);
  }
  return outcomes;
};
