import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCSVHeaderCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  backoffMs,
  batchWriter,
  DirectoryWriteError,
  isRetryable,
  NOT_MIGRATED,
} from '../../../shared/import/directory.ts';
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

type Request = { TableName: string; Item: { username: string }; ConditionExpression?: string };

type MarkerRead = { RequestItems: Record<string, { Keys: Array<{ username: string }> }> };

/**
 * A document client whose send() is `answer` for puts, counting requests in flight; the writer's
 * read of migrated markers (BatchGetItem) finds those of `migrated` and is kept apart in `reads`.
 */
function fakeClient(answer: (request: Request) => Promise<unknown>, migrated: readonly string[] = []) {
  const state = { inFlight: 0, maxInFlight: 0, requests: [] as Request[], reads: [] as MarkerRead[] };
  const client = {
    send: async (command: { input: Request | MarkerRead }) => {
      if ('RequestItems' in command.input) {
        state.reads.push(command.input);
        const [[table, { Keys }]] = Object.entries(command.input.RequestItems) as [
          [string, { Keys: Array<{ username: string }> }],
        ];
        const found = Keys.filter((key) => migrated.some((name) => key.username === `MIGRATED#${name}`));
        return { Responses: { [table]: found } };
      }
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      state.requests.push(command.input as Request);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return await answer(command.input as Request);
      } finally {
        state.inFlight -= 1;
      }
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, state };
}

const noSleep = async () => undefined;
const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

describe('the directory loader', () => {
  it('puts each item on the condition that its user has not migrated, at most `concurrency` in flight', async () => {
    const { client, state } = fakeClient(async () => ({}));
    const result = await batchWriter({ client, table: 't', concurrency: 3, sleep: noSleep }).write(items(60));
    expect(result).toEqual({ written: 60, alreadyMigrated: [] });
    expect(state.requests).toHaveLength(60);
    expect(state.requests.every((r) => r.TableName === 't' && r.ConditionExpression === NOT_MIGRATED)).toBe(true);
    expect(NOT_MIGRATED).toBe('attribute_not_exists(migratedAt)');
    expect(state.maxInFlight).toBe(3);
  });

  it("leaves a migrated user's row alone and counts it, instead of failing the run", async () => {
    const { client } = fakeClient(async (request) => {
      if (request.Item.username === 'u1' || request.Item.username === 'u3') throw conditionFailed();
      return {};
    });
    const result = await batchWriter({ client, table: 't', sleep: noSleep }).write(items(5));
    expect(result.written).toBe(3);
    expect([...result.alreadyMigrated].sort()).toEqual(['u1', 'u3']);
  });

  it('writes no user whose migrated marker exists (the row may be gone with its TTL), and counts them', async () => {
    const { client, state } = fakeClient(async () => ({}), ['u2', 'u150']);
    const result = await batchWriter({ client, table: 't', sleep: noSleep }).write(items(201));
    expect(result.written).toBe(199);
    expect([...result.alreadyMigrated].sort()).toEqual(['u150', 'u2']);
    expect(state.requests.map((r) => r.Item.username)).not.toContain('u2');
    // 100 keys a request (BatchGetItem's limit), read strongly consistent.
    expect(state.reads.map((read) => read.RequestItems.t?.Keys.length)).toEqual([100, 100, 1]);
  });

  it('retries throttling with growing, jittered pauses, and stops with a clear error on a failure that will not pass', async () => {
    let calls = 0;
    const throttled = fakeClient(async () => {
      calls += 1;
      if (calls < 3) throw Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
      return {};
    });
    const pauses: number[] = [];
    await expect(
      batchWriter({
        client: throttled.client,
        table: 't',
        concurrency: 1,
        sleep: async (ms) => void pauses.push(ms),
        random: () => 0.5,
        baseDelayMs: 100,
      }).write(items(3)),
    ).resolves.toEqual({ written: 3, alreadyMigrated: [] });
    expect(pauses).toEqual([100, 200]);
    expect(backoffMs(10, 50, 5_000, () => 0.999)).toBeLessThan(5_000);
    expect(backoffMs(3, 50, 5_000, () => 0)).toBe(0);

    const missing = fakeClient(async () => {
      throw Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
    });
    const failure = batchWriter({ client: missing.client, table: 't', concurrency: 4, sleep: noSleep }).write(
      items(100),
    );
    await expect(failure).rejects.toBeInstanceOf(DirectoryWriteError);
    await expect(failure).rejects.toThrow(
      'writing to t failed after 1 attempt(s): ResourceNotFoundException: Requested resource not found',
    );
    // The first failure stops the workers from starting more requests.
    expect(missing.state.requests.length).toBeLessThanOrEqual(4);

    const stuck = fakeClient(async () => {
      throw Object.assign(new Error('x'), { name: 'ThrottlingException' });
    });
    await expect(
      batchWriter({ client: stuck.client, table: 't', sleep: noSleep, maxAttempts: 4 }).write(items(1)),
    ).rejects.toThrow('writing to t failed after 4 attempt(s): ThrottlingException');
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
