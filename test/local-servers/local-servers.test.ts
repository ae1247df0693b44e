/**
 * The local servers start, work as the AWS services they stand in for, and stop. Each block starts its
 * own servers; the start times are printed for reference.
 */
import type { Context } from 'aws-lambda';
import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  cognitoClientFor,
  createTables,
  dynamoDbClientFor,
  freePort,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  loadTableDefinitions,
  resolveServerlessVariables,
  startCognitoLocal,
  startDynamoDbLocal,
  startLambdaServer,
  startSesLocal,
  waitFor,
  type LocalCognito,
  type LocalDynamoDb,
  type LocalLambda,
  type LocalSes,
} from '../../local-cloud/index.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/tables.yml', import.meta.url));
const TABLE_NAMES = { profiles: 'profiles-local', attempts: 'attempts-local' };

function logStart(what: string, ms: number): void {
  process.stdout.write(`${what} ready in ${ms} ms\n`);
}

describe('ports', () => {
  it('finds a free port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
  });

  it('names what it waited for when the time runs out', async () => {
    await expect(waitFor(async () => false, { what: 'the impossible', timeoutMs: 50, intervalMs: 10 })).rejects.toThrow(
      'Timed out after 50 ms waiting for the impossible',
    );
  });
});

describe('table definitions', () => {
  it('resolves Serverless variables by their last segment and rejects unknown ones', () => {
    expect(resolveServerlessVariables('${self:custom.tables.profiles}', TABLE_NAMES)).toBe('profiles-local');
    expect(() => resolveServerlessVariables('${self:custom.tables.other}', TABLE_NAMES)).toThrow(
      'Unknown variable ${self:custom.tables.other}',
    );
  });

  it('reads the tables of a CloudFormation file and nothing else', () => {
    const definitions = loadTableDefinitions(FIXTURE, TABLE_NAMES);
    expect(definitions.map((table) => table.tableName)).toEqual(['profiles-local', 'attempts-local']);
    expect(definitions[0]?.timeToLive).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(definitions[0]?.createTable.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('byEmail');
  });
});

describe('DynamoDB Local', () => {
  let db: LocalDynamoDb;
  beforeAll(async () => {
    db = await startDynamoDbLocal();
    logStart('DynamoDB Local', db.startMs);
  });
  afterAll(() => db?.stop());

  it('creates the tables of the file, with TTL and GSI, idempotently', async () => {
    const definitions = loadTableDefinitions(FIXTURE, TABLE_NAMES);
    expect(await createTables(db.endpoint, definitions)).toEqual([
      { tableName: 'profiles-local', created: true },
      { tableName: 'attempts-local', created: true },
    ]);
    expect(await createTables(db.endpoint, definitions)).toEqual([
      { tableName: 'profiles-local', created: false },
      { tableName: 'attempts-local', created: false },
    ]);

    const client = dynamoDbClientFor(db.endpoint);
    try {
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(['attempts-local', 'profiles-local']);
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'profiles-local' }));
      expect(ttl.TimeToLiveDescription).toEqual({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'profiles-local' }));
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byEmail']);
    } finally {
      client.destroy();
    }
  });
});

describe('SES', () => {
  let ses: LocalSes;
  beforeAll(async () => {
    ses = await startSesLocal();
    logStart('SES', ses.startMs);
  });
  afterAll(() => ses?.stop());

  it('keeps what SendEmail (v2) sends until cleared', async () => {
    const response = await fetch(`${ses.endpoint}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // The server wants an AWS-style Authorization header, but never checks the signature.
        authorization: `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/20250101/${LOCAL_REGION}/ses/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify({
        FromEmailAddress: 'no-reply@example.com',
        Destination: { ToAddresses: ['alice@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Welcome' },
            Body: { Text: { Data: 'Hello Alice' }, Html: { Data: '<p>Hello Alice</p>' } },
          },
        },
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ MessageId: expect.any(String) });

    const [email, ...others] = await ses.messages();
    expect(others).toEqual([]);
    expect(email).toMatchObject({
      from: 'no-reply@example.com',
      destination: { to: ['alice@example.com'], cc: [], bcc: [] },
      subject: 'Welcome',
      body: { text: 'Hello Alice', html: '<p>Hello Alice</p>' },
    });
    expect(Math.abs((email?.at ?? 0) - Date.now() / 1000)).toBeLessThan(60);

    await ses.clear();
    expect(await ses.messages()).toEqual([]);
  });
});

describe('Lambda server', () => {
  let lambda: LocalLambda;
  let client: LambdaClient;
  beforeAll(async () => {
    lambda = await startLambdaServer({
      echo: async (event) => ({ echoed: event }),
      lazy: { load: async () => async () => 'loaded' },
      // A module whose load takes 1.5 s (a cold bundle on a loaded machine), answering its time left.
      slowToLoad: {
        load: async () => {
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          return async (_event: unknown, context: Context) => context.getRemainingTimeInMillis();
        },
      },
      fails: async () => {
        throw new TypeError('broken');
      },
    });
    client = new LambdaClient({
      endpoint: lambda.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await lambda?.stop();
  });

  const invoke = (FunctionName: string, payload: unknown) =>
    client.send(new InvokeCommand({ FunctionName, Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
  const json = (payload: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(payload)) as unknown;

  it('invokes by name or ARN and answers with the result', async () => {
    expect(json((await invoke('echo', { a: 1 })).Payload)).toEqual({ echoed: { a: 1 } });
    expect(json((await invoke('arn:aws:lambda:us-east-1:000000000000:function:echo', { b: 2 })).Payload)).toEqual({
      echoed: { b: 2 },
    });
    expect(json((await invoke('lazy', {})).Payload)).toBe('loaded');
    expect(json((await invoke('lazy', {})).Payload)).toBe('loaded');
  });

  // Lambda loads a function's module in its init phase, before the invocation's timeout starts; a local
  // endpoint that started the clock first let a cold load on a loaded machine eat a trigger's budget
  // (a custom sender's first delivery in a loaded npm test ran out of its send deadline).
  it("loads a function's module before its invocation's clock starts, as Lambda's init phase", async () => {
    const remaining = json((await invoke('slowToLoad', {})).Payload) as number;
    expect(remaining).toBeGreaterThan(6_000 - 1_000);
  });

  it('reports a thrown error as Lambda does', async () => {
    const result = await invoke('fails', {});
    expect(result.FunctionError).toBe('Unhandled');
    expect(json(result.Payload)).toMatchObject({ errorType: 'TypeError', errorMessage: 'broken' });
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    await expect(invoke('missing', {})).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: missing',
    });
  });

  it('records invocations until cleared', () => {
    expect(lambda.invocations.map(({ functionName, ok }) => [functionName, ok])).toEqual([
      ['echo', true],
      ['echo', true],
      ['lazy', true],
      ['lazy', true],
      ['slowToLoad', true],
      ['fails', false],
    ]);
    lambda.clear();
    expect(lambda.invocations).toEqual([]);
  });
});

describe('cognito-local with triggers', () => {
  let lambda: LocalLambda;
  let cognito: LocalCognito;
  let deny = false;
  beforeAll(async () => {
    lambda = await startLambdaServer({
      'pre-sign-up': async (event) => {
        if (deny) throw new Error('nope');
        return event;
      },
    });
    cognito = await startCognitoLocal({ lambdaEndpoint: lambda.endpoint, triggers: { PreSignUp: 'pre-sign-up' } });
    logStart('cognito-local', cognito.startMs);
  });
  afterAll(async () => {
    await cognito?.stop();
    await lambda?.stop();
  });

  it('signs up (through PreSignUp), confirms with the fixed code and signs in', async () => {
    const client = cognitoClientFor(cognito.endpoint);
    const ClientId = cognito.clientId;
    const Username = 'alice@example.com';
    const Password = 'Passw0rd!';
    try {
      const signUp = await client.send(
        new SignUpCommand({
          ClientId,
          Username,
          Password,
          UserAttributes: [
            { Name: 'given_name', Value: 'Alice' },
            { Name: 'custom:tenant', Value: 't1' },
          ],
        }),
      );
      expect(signUp.UserConfirmed).toBe(false);
      expect(lambda.invocations).toMatchObject([
        {
          functionName: 'pre-sign-up',
          ok: true,
          event: {
            triggerSource: 'PreSignUp_SignUp',
            userPoolId: cognito.userPoolId,
            request: { userAttributes: { email: Username } },
          },
        },
      ]);

      await client.send(new ConfirmSignUpCommand({ ClientId, Username, ConfirmationCode: cognito.confirmationCode }));
      const auth = await client.send(
        new InitiateAuthCommand({
          ClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: Username, PASSWORD: Password },
        }),
      );
      expect(auth.AuthenticationResult?.IdToken).toEqual(expect.any(String));
    } finally {
      client.destroy();
    }
  });

  it('answers UserLambdaValidationException when PreSignUp throws', async () => {
    const client = cognitoClientFor(cognito.endpoint);
    deny = true;
    try {
      await expect(
        client.send(
          new SignUpCommand({ ClientId: cognito.clientId, Username: 'bob@example.com', Password: 'Passw0rd!' }),
        ),
      ).rejects.toMatchObject({
        name: 'UserLambdaValidationException',
        message: expect.stringContaining('failed with error nope'),
      });
    } finally {
      deny = false;
      client.destroy();
    }
  });

  it('removes its temporary data directory when stopped', async () => {
    const other = await startCognitoLocal({ lambdaEndpoint: lambda.endpoint, triggers: {} });
    expect(existsSync(`${other.dataDir}/.cognito/db/${other.userPoolId}.json`)).toBe(true);
    await other.stop();
    expect(existsSync(other.dataDir)).toBe(false);
  });
});
