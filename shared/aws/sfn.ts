/** Step Functions, for the one function that starts import executions. */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { lazy } from '../lazy.ts';
import { clientConfig, jobClientSettings } from './client-config.ts';

export const sfnClient = lazy(() => new SFNClient(clientConfig(jobClientSettings(10_000))));

/**
 * Starts an execution named `name`; answers false when one of that name exists already (a standard
 * workflow refuses a reused name for 90 days: the duplicate delivery of an S3 event starts nothing).
 */
export async function startExecutionOnce(
  client: SFNClient,
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<{ started: boolean; executionArn?: string }> {
  try {
    const started = await client.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return { started: true, executionArn: started.executionArn };
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return { started: false };
    throw error;
  }
}
