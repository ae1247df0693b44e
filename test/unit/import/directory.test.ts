import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCSVHeaderCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { backoffMs, batchWriter, DirectoryWriteError, isRetryable } from '../../../shared/import/directory.ts';
import { headerFromPool } from '../../../shared/import/pool-header.ts';
import { DEFAULT_POOL_SETTINGS } from '../../../shared/import/pool.ts';
import type { LegacyUserItem } from '../../../shared/stores/legacy-user.ts';

const items = (n: number): LegacyUserItem[] =>
  Array.from({ length: n }, (_, i) => ({
    username: `u${i}`,
    usernameAsGiven: `U${i}`,
    attributes: {},
    mfaEnabled: false,
    importedAt: 'x',
  }));

type Request = { RequestItems: Record<string, Array<{ PutRequest: { Item: { username: string } } }>> };

/** A document client whose send() is `answer`, counting requests in flight. */
function fakeClient(answer: (request: Request) => Promise<unknown>) {
  const state = { inFlight: 0, maxInFlight: 0, requests: [] as Request[] };
  const client = {
    send: async (command: { input: Request }) => {
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      state.requests.push(command.input);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return await answer(command.input);
      } finally {
        state.inFlight -= 1;
      }
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, state };
}

const noSleep = async () => undefined;

describe('the directory loader', () => {
  it('puts 25 items a request with at most `concurrency` requests in flight', async () => {
    const { client, state } = fakeClient(async () => ({}));
    const written = await batchWriter({ client, table: 't', concurrency: 3, sleep: noSleep }).write(items(260));
    expect(written).toBe(260);
    expect(state.requests.map((r) => r.RequestItems.t?.length)).toEqual([25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 10]);
    expect(state.maxInFlight).toBe(3);
  });

  it('retries unprocessed items with growing, jittered pauses until none are left', async () => {
    let round = 0;
    const { client, state } = fakeClient(async (request) => {
      round += 1;
      const puts = request.RequestItems.t ?? [];
      return round < 3 ? { UnprocessedItems: { t: puts.slice(0, puts.length - 10) } } : {};
    });
    const pauses: number[] = [];
    const writer = batchWriter({
      client,
      table: 't',
      sleep: async (ms) => void pauses.push(ms),
      random: () => 0.5,
      baseDelayMs: 100,
    });
    await writer.write(items(25));
    expect(state.requests.map((r) => r.RequestItems.t?.length)).toEqual([25, 15, 5]);
    expect(pauses).toEqual([100, 200]);
    expect(backoffMs(10, 50, 5_000, () => 0.999)).toBeLessThan(5_000);
    expect(backoffMs(3, 50, 5_000, () => 0)).toBe(0);
  });

  it('retries throttling, and stops with a clear error on a failure that will not pass', async () => {
    let calls = 0;
    const throttled = fakeClient(async () => {
      calls += 1;
      if (calls < 3) throw Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
      return {};
    });
    await expect(batchWriter({ client: throttled.client, table: 't', sleep: noSleep }).write(items(3))).resolves.toBe(
      3,
    );

    const missing = fakeClient(async () => {
      throw Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
    });
    const failure = batchWriter({ client: missing.client, table: 't', sleep: noSleep }).write(items(100));
    await expect(failure).rejects.toBeInstanceOf(DirectoryWriteError);
    await expect(failure).rejects.toThrow(
      'writing to t failed after 1 attempt(s): ResourceNotFoundException: Requested resource not found',
    );
    // The first failure stops the workers from starting more requests.
    expect(missing.state.requests.length).toBeLessThanOrEqual(4);

    const stuck = fakeClient(async (request) => ({ UnprocessedItems: request.RequestItems }));
    await expect(
      batchWriter({ client: stuck.client, table: 't', sleep: noSleep, maxAttempts: 4 }).write(items(5)),
    ).rejects.toThrow('5 item(s) still unprocessed after 4 attempts');
    expect(isRetryable(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { name: 'ValidationException' }))).toBe(false);
  });
});

describe('the CSV header from the pool', () => {
  const cognito = (send: (command: unknown) => Promise<unknown>) =>
    ({ send }) as unknown as CognitoIdentityProviderClient;

  it("uses GetCSVHeader's answer, and its custom attributes count as declared", async () => {
    const header = ['name', 'email', 'email_verified', 'custom:plan', 'cognito:mfa_enabled', 'cognito:username'];
    const choice = await headerFromPool(
      cognito(async (command) => {
        expect(command).toBeInstanceOf(GetCSVHeaderCommand);
        return { CSVHeader: header };
      }),
      'pool',
      DEFAULT_POOL_SETTINGS,
    );
    expect(choice.source).toBe('pool');
    expect(choice.settings.csvHeader).toEqual(header);
    expect(choice.settings.customAttributes).toEqual(['custom:plan']);
  });

  it('falls back to the configured header when the pool cannot answer (cognito-local has no GetCSVHeader)', async () => {
    const choice = await headerFromPool(
      cognito(async () => {
        throw Object.assign(new Error('Cognito Local unsupported feature: Unsupported x-amz-target header'), {
          name: 'UnsupportedError',
        });
      }),
      'pool',
      DEFAULT_POOL_SETTINGS,
    );
    expect(choice).toEqual({
      settings: DEFAULT_POOL_SETTINGS,
      source: 'configuration',
      fallbackReason: 'UnsupportedError: Cognito Local unsupported feature: Unsupported x-amz-target header',
    });
  });
});
