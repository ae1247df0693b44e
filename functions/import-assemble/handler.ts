/**
 * import-assemble: the state machine's final step (shared/import/s3-finish.ts). After the Distributed
 * Map, it turns the batches' parts into rejects.csv, the Cognito import files and summary.json under
 * results/<name>/, repairs the directory where a later duplicate overwrote a row, and runs the Cognito
 * import jobs when the stack asks. Not a Cognito trigger.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { clientConfig, clientSettings } from '../../shared/aws/client-config.ts';
import { s3Client } from '../../shared/aws/s3.ts';
import { batchWriter, importDocumentClient } from '../../shared/import/directory.ts';
import { importJobClaims } from '../../shared/import/job-claims.ts';
import { importJobsStep } from '../../shared/import/jobs.ts';
import { finishImport } from '../../shared/import/s3-finish.ts';
import { executionName, readImportJobConfig, type JobSummary } from '../../shared/import/s3-job.ts';
import { checkExecutionInput } from '../../shared/import/s3-map.ts';
import { lazy } from '../../shared/lazy.ts';
import { publishRowCounts } from '../../shared/import/row-metrics.ts';
import { createJobMetrics, createLogger } from '../../shared/runtime/observability.ts';

const log = createLogger('import-assemble');
const metrics = createJobMetrics('import-assemble');
const config = lazy(() => readImportJobConfig());
const documents = lazy(() => importDocumentClient());
const cognito = lazy(() => new CognitoIdentityProviderClient(clientConfig({ ...clientSettings(), maxAttempts: 3 })));

export const handler = async (event: unknown): Promise<Pick<JobSummary, 'rowsRead' | 'accepted' | 'rejected'>> => {
  const input = checkExecutionInput(event);
  const options = config();
  const summary = await finishImport({
    s3: s3Client(),
    input,
    directory: batchWriter({ client: documents(), table: options.table, concurrency: options.concurrency }),
    documentClient: documents(),
    table: options.table,
    afterImport: importJobsStep({
      enabled: options.startJobs,
      client: cognito,
      userPoolId: options.userPoolId,
      cloudWatchLogsRoleArn: options.jobsRoleArn,
      jobName: executionName(input.key, input.etag),
      claims: () => importJobClaims(documents(), options.table),
      source: input,
      log,
    }),
  });
  const { rowsRead, accepted, rejected } = summary;
  log.info('import assembled', { key: input.key, rowsRead, accepted, rejected });
  publishRowCounts(metrics, summary);
  // The state's output stays small (Step Functions passes at most 256 KB): the summary is in S3.
  return { rowsRead, accepted, rejected };
};
