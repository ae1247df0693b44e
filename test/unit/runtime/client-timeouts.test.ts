/**
 * A hung service ends each attempt at the request timeout, by itself (no abort signal), so the retry still
 * fits Cognito's budget. The stand-in never answers.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { clientConfig } from '../../../shared/aws/client-config.ts';
import { startStandIn, type StandIn } from '../../helpers/faults.ts';

let hanging: StandIn;
beforeAll(async () => {
  hanging = await startStandIn('dynamodb', { behaviour: 'hang' });
});
afterAll(() => hanging.stop());

it('fails a request that gets no answer at the request timeout, then retries once', async () => {
  const client = new DynamoDBClient({
    ...clientConfig({ region: 'us-east-1', maxAttempts: 2, connectionTimeoutMs: 1_000, requestTimeoutMs: 200 }),
    endpoint: hanging.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  hanging.requests = 0;
  try {
    await expect(client.send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'x' } } }))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(hanging.requests).toBe(2);
  } finally {
    client.destroy();
  }
});
