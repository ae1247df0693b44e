/**
 * The deployed import in `npx serverless package`'s template: the state machine (its definition the file
 * the tests validate and the local driver runs), the bucket's notification to batch-import, and a
 * least-privilege role for each of its functions and for Cognito's import-job logs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { loadDefinition } from '../../scripts/local/map-driver.ts';

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
// Directory items go in one conditional PutItem each (never over a migrated user); the final step also
// deletes the items of rows its replay rejected, 25 at a time.
const TABLE_WRITE = {
  Effect: 'Allow',
  Action: ['dynamodb:PutItem'],
  Resource: { 'Fn::GetAtt': ['LegacyUsersTable', 'Arn'] },
};
const TABLE_WRITE_AND_DELETE = { ...TABLE_WRITE, Action: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'] };

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

describe('serverless package: the deployed import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sls-import-'));
  let resources: Record<string, Resource>;
  beforeAll(() => {
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'serverless'), ['package', '--package', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0) throw new Error(`serverless package failed:\n${run.stdout}\n${run.stderr}`);
    resources = (
      JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as {
        Resources: Record<string, Resource>;
      }
    ).Resources;
  }, 120_000);
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
    ).toEqual(['bucket', 'import', 'logs', 'tables']);
    expect(statements('BatchImportRole', 'bucket')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [sub(`${BUCKET}/imports/*`), sub(`${BUCKET}/results/*`)] },
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: sub(`${BUCKET}/results/*`) },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: sub(BUCKET) },
    ]);
    expect(statements('BatchImportRole', 'tables')).toEqual([TABLE_WRITE]);
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
    ).toEqual(['bucket', 'logs', 'tables']);
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
    expect(statements('ImportAssembleRole', 'tables')).toEqual([TABLE_WRITE_AND_DELETE]);
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
