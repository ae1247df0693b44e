/**
 * The deployed import in `npx serverless package`'s template: the state machine (its definition the file
 * the tests validate and the local driver runs), the bucket's notification to batch-import, and a
 * least-privilege role for each of its functions and for Cognito's import-job logs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { loadDefinition } from '../../local-cloud/map-driver.ts';
import { packaged, PACKAGING_TEST_TIMEOUT_MS } from '../helpers/serverless-package.ts';

const ROOT = process.cwd();

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
}
type Statement = { Effect: string; Action: string[]; Resource: unknown; Condition?: unknown };
type Policies = Array<{ PolicyName: string; PolicyDocument: { Statement: Statement[] } }>;

const sub = (text: string) => ({ 'Fn::Sub': text });
const BUCKET = 'arn:${AWS::Partition}:s3:::cognito-triggers-dev-imports-${AWS::AccountId}-${AWS::Region}';
// Directory items go in one conditional PutItem each (never over a migrated user), after a BatchGetItem
// of their migrated markers; the final step also deletes the items of rows its replay rejected, one
// conditional DeleteItem each (never a migrated user's row).
const TABLE_WRITE = {
  Effect: 'Allow',
  Action: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
  Resource: { 'Fn::GetAtt': ['LegacyUsersTable', 'Arn'] },
};
// The roles that run Cognito import jobs claim the object first (a conditional PutItem) and record the
// jobs in the claim, whose key alone they may update.
const CLAIM_UPDATE = {
  Effect: 'Allow',
  Action: ['dynamodb:UpdateItem'],
  Resource: { 'Fn::GetAtt': ['LegacyUsersTable', 'Arn'] },
  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IMPORT-JOB#*'] } },
};
const TABLE_WRITE_AND_DELETE = {
  ...TABLE_WRITE,
  Action: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem'],
};

const validate = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator: string) => string;
};

describe('the import state machine definition', () => {
  it('is valid Amazon States Language', () => {
    const result = validate(loadDefinition());
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('is checked for real: a Map without its ItemProcessor is refused', () => {
    const broken = loadDefinition() as unknown as { States: Record<string, Record<string, unknown>> };
    delete broken.States.ProcessRanges?.ItemProcessor;
    expect(validate(broken).isValid).toBe(false);
  });

  it("keeps the map's output small: the batch count, not every batch's answer (a state carries at most 256 KB)", () => {
    const map = loadDefinition().States.ProcessRanges as unknown as Record<string, unknown>;
    expect(map).toMatchObject({ ResultSelector: { 'batches.$': 'States.ArrayLength($)' }, ResultPath: '$.map' });
  });

  // Standard executions keep each state's input and output for 90 days: no state may carry a row.
  it('plans byte ranges first, and maps over the manifest of ranges, never over the CSV', () => {
    const { StartAt, States } = loadDefinition() as unknown as {
      StartAt: string;
      States: Record<string, Record<string, unknown>>;
    };
    expect(StartAt).toBe('PlanRanges');
    expect(States.PlanRanges).toMatchObject({
      Type: 'Task',
      Parameters: { FunctionName: '${ImportBatchFunctionArn}', Payload: { step: 'plan' } },
      ResultPath: '$.plan',
      Next: 'ProcessRanges',
    });
    expect(States.ProcessRanges).toMatchObject({
      Type: 'Map',
      ItemReader: { ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Key.$': '$.plan.manifest' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } },
      MaxConcurrencyPath: '$.maxConcurrency',
      ToleratedFailurePercentagePath: '$.toleratedFailurePercentage',
      ItemSelector: { step: 'batch', 'range.$': '$$.Map.Item.Value' },
    });
    expect(States.ProcessRanges?.ItemBatcher).toBeUndefined();
    expect(JSON.stringify(loadDefinition())).not.toContain('"CSV"');
  });
});

/** What CloudFormation makes of Fn::If / Fn::Not / Fn::Equals / AWS::NoValue with the template's conditions. */
function resolve(conditions: Record<string, unknown>, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(conditions, item));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [fn, args] = entries[0] ?? [];
  const list = args as unknown[];
  if (entries.length === 1 && fn === 'Fn::If')
    return resolve(conditions, resolve(conditions, conditions[list[0] as string]) ? list[1] : list[2]);
  if (entries.length === 1 && fn === 'Fn::Not') return !resolve(conditions, list[0]);
  if (entries.length === 1 && fn === 'Fn::Equals') return resolve(conditions, list[0]) === resolve(conditions, list[1]);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolve(conditions, item);
    const noValue =
      typeof resolved === 'object' && resolved !== null && (resolved as { Ref?: unknown }).Ref === 'AWS::NoValue';
    if (!noValue) out[key] = resolved;
  }
  return out;
}

describe('serverless package: the deployed import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sls-import-'));
  let resources: Record<string, Resource>;
  let conditions: Record<string, unknown>;
  beforeAll(() => {
    const { template } = packaged<{ Resources: Record<string, Resource>; Conditions?: Record<string, unknown> }>();
    resources = template.Resources;
    conditions = template.Conditions ?? {};
  }, PACKAGING_TEST_TIMEOUT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const policies = (role: string) => (resources[role]?.Properties.Policies ?? []) as Policies;
  const statements = (role: string, policy: string) =>
    policies(role).find((p) => p.PolicyName === policy)?.PolicyDocument.Statement;

  it('deploys the state machine from the definition file, with the two step functions substituted', () => {
    const machine = resources.ImportStateMachine;
    expect(machine?.Type).toBe('AWS::StepFunctions::StateMachine');
    expect(machine?.Properties).toMatchObject({
      StateMachineName: 'cognito-triggers-dev-import',
      StateMachineType: 'STANDARD',
      RoleArn: { 'Fn::GetAtt': ['ImportStateMachineRole', 'Arn'] },
      DefinitionSubstitutions: {
        ImportBatchFunctionArn: { 'Fn::GetAtt': ['ImportBatchLambdaFunction', 'Arn'] },
        ImportAssembleFunctionArn: { 'Fn::GetAtt': ['ImportAssembleLambdaFunction', 'Arn'] },
      },
    });
    expect(machine?.Properties.Definition).toEqual(loadDefinition());
  });

  it('invokes batch-import for each CSV created under imports/, and lets only the bucket do so', () => {
    const bucket = resources.ImportBucket;
    expect(bucket?.Properties.NotificationConfiguration).toEqual({
      LambdaConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Filter: {
            S3Key: {
              Rules: [
                { Name: 'prefix', Value: 'imports/' },
                { Name: 'suffix', Value: '.csv' },
              ],
            },
          },
          Function: { 'Fn::GetAtt': ['BatchImportLambdaFunction', 'Arn'] },
        },
      ],
    });
    expect(bucket?.DependsOn).toEqual(['BatchImportS3Permission']);
    expect(resources.BatchImportS3Permission?.Properties).toMatchObject({
      Principal: 's3.amazonaws.com',
      SourceArn: sub(BUCKET),
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    expect(bucket?.Properties.PublicAccessBlockConfiguration).toMatchObject({
      BlockPublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('gives the stack parameters to the functions', () => {
    const environment = (
      resources.BatchImportLambdaFunction?.Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(environment).toMatchObject({
      LEGACY_USERS_TABLE: 'cognito-triggers-dev-legacy-users',
      IMPORT_INLINE_MAX_BYTES: '50000000',
      IMPORT_MAP_CONCURRENCY: '10',
      IMPORT_MAP_BATCH_SIZE: '1000',
      IMPORT_MAP_TOLERATED_FAILURE_PERCENT: '0',
      IMPORT_START_JOBS: 'false',
      IMPORT_USER_POOL_ID: { Ref: 'CognitoUserPoolUsers' },
      IMPORT_JOBS_ROLE_ARN: { 'Fn::GetAtt': ['ImportJobsLogsRole', 'Arn'] },
      IMPORT_STATE_MACHINE_ARN: sub(
        'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:cognito-triggers-dev-import',
      ),
    });
    expect(resources.BatchImportLambdaFunction?.Properties).toMatchObject({ Timeout: 900, MemorySize: 1769 });
  });

  it('lets batch-import read imports/, write results/, load the directory and start the import', () => {
    expect(
      policies('BatchImportRole')
        .map((p) => p.PolicyName)
        .sort(),
    ).toEqual(['bucket', 'import', 'key', 'logs', 'tables']);
    expect(statements('BatchImportRole', 'bucket')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [sub(`${BUCKET}/imports/*`), sub(`${BUCKET}/results/*`)] },
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: sub(`${BUCKET}/results/*`) },
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: sub(BUCKET),
        Condition: { StringLike: { 's3:prefix': ['results/*'] } },
      },
    ]);
    expect(statements('BatchImportRole', 'tables')).toEqual([TABLE_WRITE, CLAIM_UPDATE]);
    expect(statements('BatchImportRole', 'import')?.map((s) => s.Action)).toEqual([
      ['states:StartExecution'],
      [
        'cognito-idp:GetCSVHeader',
        'cognito-idp:CreateUserImportJob',
        'cognito-idp:StartUserImportJob',
        'cognito-idp:DescribeUserImportJob',
      ],
      ['iam:PassRole'],
    ]);
  });

  it('lets the row-batch Lambda read imports/ (its ranges), write work/ and load the directory', () => {
    expect(
      policies('ImportBatchRole')
        .map((p) => p.PolicyName)
        .sort(),
    ).toEqual(['bucket', 'key', 'logs', 'tables']);
    expect(statements('ImportBatchRole', 'bucket')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: sub(`${BUCKET}/imports/*`) },
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: sub(`${BUCKET}/work/*`) },
    ]);
    expect(resources.ImportBatchLambdaFunction?.Properties).toMatchObject({ Timeout: 900 });
    expect(statements('ImportBatchRole', 'tables')).toEqual([TABLE_WRITE]);
  });

  it('lets the final step read the parts and the source, write results/, remove the parts and stale results', () => {
    const bucket = statements('ImportAssembleRole', 'bucket') ?? [];
    expect(bucket.map((s) => s.Action[0])).toEqual([
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
      's3:ListBucket',
    ]);
    expect(bucket[2]?.Resource).toEqual([sub(`${BUCKET}/work/*`), sub(`${BUCKET}/results/*`)]);
    expect(statements('ImportAssembleRole', 'tables')).toEqual([TABLE_WRITE_AND_DELETE, CLAIM_UPDATE]);
  });

  it('lets the state machine invoke only its two functions and read only work/ (the manifest), never the CSV', () => {
    const statement = statements('ImportStateMachineRole', 'import') ?? [];
    expect(statement[0]).toEqual({
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [
        { 'Fn::GetAtt': ['ImportBatchLambdaFunction', 'Arn'] },
        { 'Fn::GetAtt': ['ImportAssembleLambdaFunction', 'Arn'] },
      ],
    });
    expect(statement[1]).toEqual({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: sub(`${BUCKET}/work/*`) });
    expect(JSON.stringify(policies('ImportStateMachineRole'))).not.toContain('imports/');
    // Log delivery actions take no resource (Step Functions Developer Guide, "Logging in CloudWatch Logs").
    expect(statements('ImportStateMachineRole', 'logs')).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        Resource: '*',
      },
    ]);
  });

  // Step Functions Developer Guide, "Data at rest encryption": the history and the definition are
  // encrypted with a customer managed key, under the encryption context aws:states:stateMachineArn.
  it('encrypts the execution history with the stack key, usable only for this state machine', () => {
    expect(resources.ImportStateMachine?.Properties.EncryptionConfiguration).toEqual({
      Type: 'CUSTOMER_MANAGED_KMS_KEY',
      KmsKeyId: { 'Fn::GetAtt': ['ImportStateMachineKey', 'Arn'] },
      KmsDataKeyReusePeriodSeconds: 300,
    });
    const key = resources.ImportStateMachineKey?.Properties as {
      EnableKeyRotation: boolean;
      KeyPolicy: { Statement: Array<Statement & { Sid: string; Principal: unknown }> };
    };
    expect(resources.ImportStateMachineKey?.Type).toBe('AWS::KMS::Key');
    expect(key.EnableKeyRotation).toBe(true);
    const machineArn = sub(
      'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:cognito-triggers-dev-import',
    );
    const [admin, account, role, ...more] = key.KeyPolicy.Statement;
    expect(more).toEqual([]);
    // The account administers the key but decrypts nothing with it directly.
    expect(admin?.Action).not.toContain('kms:*');
    expect(admin?.Action).not.toContain('kms:Decrypt');
    expect(account).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: {
        StringEquals: {
          'kms:ViaService': sub('states.${AWS::Region}.amazonaws.com'),
          'kms:EncryptionContext:aws:states:stateMachineArn': machineArn,
        },
      },
    });
    expect(role).toMatchObject({
      Principal: { AWS: { 'Fn::GetAtt': ['ImportStateMachineRole', 'Arn'] } },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': machineArn } },
    });
  });

  it('logs to a log group of its own, without execution data', () => {
    expect(resources.ImportStateMachine?.Properties.LoggingConfiguration).toEqual({
      Level: 'ERROR',
      IncludeExecutionData: false,
      Destinations: [
        { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': ['ImportStateMachineLogGroup', 'Arn'] } } },
      ],
    });
    expect(resources.ImportStateMachineLogGroup).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: '/aws/vendedlogs/states/cognito-triggers-dev-import', RetentionInDays: 30 },
    });
  });

  const KEY = { 'Fn::GetAtt': ['ImportKey', 'Arn'] };
  const VIA_S3 = { StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.amazonaws.com') } };
  const bucketPolicy = () =>
    resolve(conditions, resources.ImportBucketPolicy?.Properties.PolicyDocument) as { Statement: Statement[] };

  it('encrypts the bucket with the stack key (SSE-KMS, a bucket key), not S3-managed keys', () => {
    expect(resources.ImportKey?.Type).toBe('AWS::KMS::Key');
    expect(resources.ImportKey?.Properties).toMatchObject({ EnableKeyRotation: true });
    expect(resources.ImportBucket?.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY }, BucketKeyEnabled: true },
      ],
    });
  });

  it('expires imports/ after 7 days and results/ after 30 by default (deploy parameters), work/ after 7', () => {
    const rules = (resources.ImportBucket?.Properties.LifecycleConfiguration as { Rules: unknown[] }).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Status: 'Enabled', Prefix: 'imports/', ExpirationInDays: 7 }),
        expect.objectContaining({ Status: 'Enabled', Prefix: 'results/', ExpirationInDays: 30 }),
        expect.objectContaining({ Status: 'Enabled', Prefix: 'work/', ExpirationInDays: 7 }),
      ]),
    );
    const params = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
    expect(params).toMatch(/^ {4}importsExpireDays: 7$/mu);
    expect(params).toMatch(/^ {4}resultsExpireDays: 30$/mu);
  });

  it('denies every request made without TLS (aws:SecureTransport false), on the bucket and its objects', () => {
    expect(resources.ImportBucketPolicy?.Properties.Bucket).toEqual({ Ref: 'ImportBucket' });
    expect(bucketPolicy().Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [sub(BUCKET), sub(`${BUCKET}/*`)],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('lets only the importWriters principals put under imports/: with none named (the default), nobody', () => {
    const imports = JSON.stringify(sub(`${BUCKET}/imports/*`));
    const deny = bucketPolicy().Statement.find((s) => JSON.stringify(s.Resource) === imports);
    expect(deny).toEqual({
      Sid: 'OnlyImportWritersPutImports',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: sub(`${BUCKET}/imports/*`),
    });
    // Named writers (packaged with --param importWriters=...: test/integration/packaging.test.ts) are the
    // exception the condition makes; none of the stack's roles may write imports/.
    for (const role of ['BatchImportRole', 'ImportBatchRole', 'ImportAssembleRole', 'ImportStateMachineRole'])
      for (const statement of policies(role).flatMap((p) => p.PolicyDocument.Statement))
        if (statement.Action.includes('s3:PutObject'))
          expect(JSON.stringify(statement.Resource)).not.toContain('imports/');
  });

  it('refuses uploads that name other encryption or another key than the stack key', () => {
    const statements = bucketPolicy().Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:PutObject',
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:PutObject',
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY } },
      }),
    );
  });

  it('limits s3:ListBucket in every role by prefix (s3:prefix), never the whole bucket', () => {
    const listing = Object.keys(resources)
      .filter((name) => resources[name]?.Type === 'AWS::IAM::Role')
      .flatMap((role) => policies(role).flatMap((p) => p.PolicyDocument.Statement.map((s) => ({ role, ...s }))))
      .filter((s) =>
        s.Action.some((action) => action === 's3:ListBucket' || action === 's3:*' || action === 's3:List*'),
      );
    expect(listing.map((s) => s.role).sort()).toEqual(['BatchImportRole', 'ImportAssembleRole']);
    const prefixes = (role: string) =>
      listing.find((s) => s.role === role)?.Condition as { StringLike: { 's3:prefix': string[] } } | undefined;
    expect(prefixes('BatchImportRole')).toEqual({ StringLike: { 's3:prefix': ['results/*'] } });
    expect(prefixes('ImportAssembleRole')).toEqual({ StringLike: { 's3:prefix': ['work/*', 'results/*'] } });
  });

  it('gives the roles that read or write the bucket the stack key through S3, and that key only', () => {
    for (const role of ['BatchImportRole', 'ImportBatchRole', 'ImportAssembleRole'])
      expect(statements(role, 'key')).toEqual([
        { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY, Condition: VIA_S3 },
      ]);
    expect(statements('ImportStateMachineRole', 'import')).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: KEY,
      Condition: VIA_S3,
    });
    const kms = Object.keys(resources)
      .filter((name) => resources[name]?.Type === 'AWS::IAM::Role')
      .flatMap((role) => policies(role).flatMap((p) => p.PolicyDocument.Statement))
      .filter(
        (s) => s.Action.some((action) => action.startsWith('kms:')) && JSON.stringify(s.Resource).includes('ImportKey'),
      );
    expect(kms).toHaveLength(4);
  });

  it("creates the role Cognito's import jobs log with, trusted by cognito-idp.amazonaws.com", () => {
    const role = resources.ImportJobsLogsRole?.Properties as {
      AssumeRolePolicyDocument: { Statement: Array<{ Principal: unknown }> };
    };
    expect(role.AssumeRolePolicyDocument.Statement[0]?.Principal).toEqual({ Service: 'cognito-idp.amazonaws.com' });
    expect(statements('ImportJobsLogsRole', 'logs')?.[0]?.Action).toEqual([
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:DescribeLogStreams',
      'logs:PutLogEvents',
    ]);
  });
});
