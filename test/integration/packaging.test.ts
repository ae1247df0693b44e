/** `npx serverless package`: offline, one zip per function, every trigger wired to its pool, one role each. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packaged, PACKAGING_TEST_TIMEOUT_MS, withServerlessLock } from '../helpers/serverless-package.ts';

const ROOT = process.cwd();

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Condition?: string }>;
  Conditions?: Record<string, unknown>;
}

/**
 * The value CloudFormation gives an expression made of Fn::If / Fn::Not / Fn::Equals / Condition over
 * literals, with the template's own conditions (what the pool and the function get once deployed).
 */
function evaluate(template: Template, expression: unknown): unknown {
  if (typeof expression !== 'object' || expression === null || Array.isArray(expression)) return expression;
  const [[fn, args]] = Object.entries(expression) as [[string, unknown]];
  const list = args as unknown[];
  switch (fn) {
    case 'Condition':
      return evaluate(template, template.Conditions?.[args as string]);
    case 'Fn::Not':
      return !evaluate(template, list[0]);
    case 'Fn::Equals':
      return evaluate(template, list[0]) === evaluate(template, list[1]);
    case 'Fn::If':
      return evaluate(template, evaluate(template, { Condition: list[0] }) ? list[1] : list[2]);
    default:
      return expression;
  }
}

/** The e-mail account of the pool and the custom message function's setting, as deployed. */
function emailAccounts(template: Template, pool?: string) {
  const functionEnvironment = template.Resources.CustomMessageLambdaFunction?.Properties.Environment as {
    Variables: Record<string, unknown>;
  };
  const poolConfiguration = pool ? template.Resources[pool]?.Properties.EmailConfiguration : undefined;
  return {
    pool: poolConfiguration === undefined ? undefined : evaluate(template, poolConfiguration),
    function: evaluate(template, functionEnvironment.Variables.MESSAGES_EMAIL_SENDING_ACCOUNT),
  };
}

/** The members and values of Cognito's EmailConfigurationType, which CloudFormation's EmailConfiguration mirrors. */
function cognitoEmailConfigurationModel() {
  const models = join(ROOT, 'node_modules', '@aws-sdk', 'client-cognito-identity-provider', 'dist-types', 'models');
  const text = readdirSync(models)
    .filter((file) => file.endsWith('.d.ts'))
    .map((file) => readFileSync(join(models, file), 'utf8'))
    .join('\n');
  const body = /export interface EmailConfigurationType \{([\s\S]*?)\n\}/u.exec(text)?.[1] ?? '';
  const members = [...body.matchAll(/^ {4}(\w+)\?:/gmu)].map((match) => match[1]);
  const accounts = /export declare const EmailSendingAccountType: \{([\s\S]*?)\}/u.exec(text)?.[1] ?? '';
  return { members, accounts: [...accounts.matchAll(/"(\w+)"/gu)].map((match) => match[1]) };
}

/** The file names a zip holds, from its central directory (APPNOTE 4.3.12 and 4.3.16). */
function zipEntryNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('broken central directory');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** The stack packaged with `--param` pairs, copied into `dir` (test/helpers/serverless-package.ts: one run at a time). */
function packageTo(dir: string, ...params: string[]): Template {
  const made = packaged<Template>(params.filter((param) => param !== '--param'));
  cpSync(made.dir, dir, { recursive: true });
  return made.template;
}

/** The statements of every IAM policy resource attached to `role` that grant a cognito-idp action. */
function cognitoPolicies(template: Template, role: string): unknown[] {
  return Object.values(template.Resources)
    .filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: role }]),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Array<{ Action: string[] }> }).Statement)
    .filter((statement) => statement.Action.some((action) => action.startsWith('cognito-idp:')));
}

/** The statements of every IAM policy resource attached to `role` that grant a KMS action. */
function kmsPolicies(template: Template, role: string): unknown[] {
  return Object.values(template.Resources)
    .filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: role }]),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Array<{ Action: string[] }> }).Statement)
    .filter((statement) => statement.Action.some((action) => action.startsWith('kms:')));
}

/**
 * What a key policy denies everyone (`Principal: '*'`): ReEncryptFrom at all, Decrypt to principals
 * other than the listed ARNs, Decrypt under other encryption contexts (the condition as written).
 */
function decryptDenials(statements: Array<Record<string, unknown>>) {
  const denials = statements.filter((s) => s.Effect === 'Deny' && s.Principal === '*');
  const decrypt = denials.filter((s) => JSON.stringify(s.Action) === '["kms:Decrypt"]');
  const conditions = decrypt.map((s) => s.Condition as Record<string, Record<string, unknown>>);
  return {
    reEncrypt: denials.some((s) => JSON.stringify(s.Action) === '["kms:ReEncryptFrom"]' && s.Condition === undefined),
    otherPrincipals: conditions.find((c) => c.ArnNotEquals)?.ArnNotEquals?.['aws:PrincipalArn'],
    otherContexts: conditions.find((c) => !c.ArnNotEquals),
  };
}

const LOG_HASH_KEY_PARAMETER = '/cognito-triggers/dev/log-hash-key';
const MAGIC_LINK_SECRET_PARAMETER = '/cognito-triggers/dev/magic-link-secret';
/** The functions that are no Cognito trigger (they never compute a userRef). */
const JOB_FUNCTIONS = ['BatchImportLambdaFunction', 'ImportBatchLambdaFunction', 'ImportAssembleLambdaFunction'];

/** The suite's functions (built into dist/), not the framework's own (an existing pool's custom resource). */
function ourFunctions(template: Template) {
  return Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Handler).startsWith('dist/'),
  );
}

function functionEnvironments(template: Template): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    ourFunctions(template).map(([id, r]) => [
      id,
      (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    ]),
  );
}

/** Every statement, inline or in a policy resource (with the condition that keeps the resource), granting `prefix`. */
function grants(template: Template, prefix: string) {
  const found: Array<{ resource: string; condition?: string; roles: unknown; statement: unknown }> = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    const documents =
      r.Type === 'AWS::IAM::Policy'
        ? [{ roles: r.Properties.Roles, document: r.Properties.PolicyDocument }]
        : r.Type === 'AWS::IAM::Role'
          ? ((r.Properties.Policies ?? []) as Array<{ PolicyDocument: unknown }>).map((p) => ({
              roles: [{ Ref: id }],
              document: p.PolicyDocument,
            }))
          : [];
    for (const { roles, document } of documents) {
      for (const statement of (document as { Statement: Array<{ Action: string[]; Effect: string }> }).Statement) {
        if (statement.Effect === 'Allow' && statement.Action.some((action) => action.startsWith(prefix)))
          found.push({ resource: id, condition: r.Condition, roles, statement });
      }
    }
  }
  return found;
}

/**
 * The secrets are names in the environment, never values; each role that reads one may read that one
 * parameter (and decrypt it through SSM only); nothing else may read parameters.
 */
function expectSecretsReadFromParameters(template: Template) {
  const environments = functionEnvironments(template);
  for (const [id, variables] of Object.entries(environments)) {
    expect([id, variables.LOG_HASH_KEY, variables.MAGIC_LINK_SECRET]).toEqual([id, undefined, undefined]);
    expect([id, variables.LOG_HASH_KEY_PARAMETER]).toEqual([id, LOG_HASH_KEY_PARAMETER]);
  }
  for (const fn of ['CreateAuthChallenge', 'VerifyAuthChallenge'])
    expect(environments[`${fn}LambdaFunction`]?.MAGIC_LINK_SECRET_PARAMETER).toBe(MAGIC_LINK_SECRET_PARAMETER);
  const parameterArn = (name: string) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`,
  });
  const decryptThroughSsm = (name: string) => ({
    Effect: 'Allow',
    Action: ['kms:Decrypt'],
    Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*' },
    Condition: {
      StringEquals: {
        'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' },
        'kms:EncryptionContext:PARAMETER_ARN': parameterArn(name),
      },
    },
  });
  // A function names its role by `Fn::GetAtt [<role>, Arn]`; a policy attaches to it by `Ref`.
  const triggerRoles = ourFunctions(template)
    .filter(([id]) => !JOB_FUNCTIONS.includes(id))
    .map(([, r]) => ({ Ref: (r.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0] }));
  expect(triggerRoles).toHaveLength(13);
  const byRole = (roles: unknown) => JSON.stringify(roles);
  const ssm = grants(template, 'ssm:');
  expect(ssm.map(({ resource, roles }) => [resource, byRole(roles)]).sort()).toEqual(
    [
      ['LogHashKeyParameterPolicy', byRole(triggerRoles)],
      [
        'MagicLinkSecretParameterPolicy',
        byRole([{ Ref: 'CreateAuthChallengeRole' }, { Ref: 'VerifyAuthChallengeRole' }]),
      ],
    ].sort(),
  );
  for (const [policy, name] of [
    ['LogHashKeyParameterPolicy', LOG_HASH_KEY_PARAMETER],
    ['MagicLinkSecretParameterPolicy', MAGIC_LINK_SECRET_PARAMETER],
  ] as const) {
    const resource = template.Resources[policy];
    expect(evaluate(template, { Condition: resource?.Condition })).toBe(true);
    expect((resource?.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: parameterArn(name) },
      decryptThroughSsm(name),
    ]);
  }
}

describe('serverless package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let template: Template;
  beforeAll(() => {
    template = packageTo(dir);
  }, PACKAGING_TEST_TIMEOUT_MS);

  const FUNCTIONS = {
    preSignUp: 'PreSignUp',
    postConfirmation: 'PostConfirmation',
    preAuthentication: 'PreAuthentication',
    postAuthentication: 'PostAuthentication',
    migrateUser: 'UserMigration',
    customMessage: 'CustomMessage',
    defineAuthChallenge: 'DefineAuthChallenge',
    createAuthChallenge: 'CreateAuthChallenge',
    verifyAuthChallenge: 'VerifyAuthChallengeResponse',
  } as const;

  it('writes one zip per declared function', () => {
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.zip'))
        .sort(),
    ).toEqual([
      'batchImport.zip',
      'createAuthChallenge.zip',
      'customEmailSender.zip',
      'customMessage.zip',
      'customSmsSender.zip',
      'defineAuthChallenge.zip',
      'importAssemble.zip',
      'importBatch.zip',
      'inboundFederation.zip',
      'migrateUser.zip',
      'postAuthentication.zip',
      'postConfirmation.zip',
      'preAuthentication.zip',
      'preSignUp.zip',
      'preTokenGeneration.zip',
      'verifyAuthChallenge.zip',
    ]);
  });

  // The local cloud (local-cloud/: the stand-ins, the Lambda endpoint, the local console) is never deployed.
  it("packages each function's bundle alone: nothing of the local stack or its console", () => {
    for (const zip of readdirSync(dir).filter((file) => file.endsWith('.zip'))) {
      const names = zipEntryNames(readFileSync(join(dir, zip)));
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(name).toMatch(/^dist\/[a-z-]+\/(index\.js|index\.js\.map|package\.json)$/u);
      // What went into the bundle that was zipped: its source map's sources, none of them the local stack's.
      const folder = names[0]?.split('/')[1] ?? '';
      const map = JSON.parse(readFileSync(join(ROOT, 'dist', folder, 'index.js.map'), 'utf8')) as { sources: string[] };
      expect(map.sources.filter((source) => /(^|\/)(scripts|local-cloud)\//u.test(source))).toEqual([]);
    }
  });

  it('wires every trigger to the user pool', () => {
    const pool = template.Resources.CognitoUserPoolUsers;
    expect(pool?.Type).toBe('AWS::Cognito::UserPool');
    const lambdaConfig = pool?.Properties.LambdaConfig as Record<string, unknown>;
    for (const [fn, trigger] of Object.entries(FUNCTIONS)) {
      const logicalId = `${fn.charAt(0).toUpperCase()}${fn.slice(1)}LambdaFunction`;
      expect(lambdaConfig[trigger]).toEqual({ 'Fn::GetAtt': [logicalId, 'Arn'] });
    }
    expect(lambdaConfig.InboundFederation).toEqual({
      LambdaArn: { 'Fn::GetAtt': ['InboundFederationLambdaFunction', 'Arn'] },
      LambdaVersion: 'V1_0',
    });
    // The version is a deploy parameter, V2 by default; osls's own setting would be V1 only.
    expect(lambdaConfig.PreTokenGenerationConfig).toEqual({
      LambdaArn: { 'Fn::GetAtt': ['PreTokenGenerationLambdaFunction', 'Arn'] },
      LambdaVersion: 'V2_0',
    });
    expect(lambdaConfig.PreTokenGeneration).toBeUndefined();
    expect(template.Resources.PreTokenGenerationCognitoPermission?.Properties).toMatchObject({
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': ['CognitoUserPoolUsers', 'Arn'] },
    });
  });

  it("sends the pool's e-mail through SES from mailFrom, and sets the custom message function to the same account", () => {
    const pool = template.Resources.CognitoUserPoolUsers?.Properties.EmailConfiguration;
    // One value decides both (infra/email-sending-account.cjs): mailFrom set, SES.
    expect(template.Conditions?.PoolSendsEmailWithSes).toEqual({ 'Fn::Equals': ['DEVELOPER', 'DEVELOPER'] });
    expect(pool).toEqual({
      'Fn::If': [
        'PoolSendsEmailWithSes',
        {
          EmailSendingAccount: 'DEVELOPER',
          SourceArn: {
            'Fn::Sub': 'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/no-reply@example.com',
          },
          From: 'no-reply@example.com',
        },
        { EmailSendingAccount: 'COGNITO_DEFAULT' },
      ],
    });
    expect(emailAccounts(template, 'CognitoUserPoolUsers')).toEqual({
      pool: expect.objectContaining({ EmailSendingAccount: 'DEVELOPER' }),
      function: 'DEVELOPER',
    });
    // The property names and values are Cognito's (EmailConfigurationType, which CloudFormation mirrors).
    const model = cognitoEmailConfigurationModel();
    expect(model.members).toEqual(expect.arrayContaining(['SourceArn', 'EmailSendingAccount', 'From']));
    expect(model.accounts.sort()).toEqual(['COGNITO_DEFAULT', 'DEVELOPER']);
    for (const branch of (pool as { 'Fn::If': [string, Record<string, unknown>, Record<string, unknown>] })[
      'Fn::If'
    ].slice(1)) {
      expect(model.members).toEqual(expect.arrayContaining(Object.keys(branch as object)));
      expect(model.accounts).toContain((branch as { EmailSendingAccount: string }).EmailSendingAccount);
    }
  });

  it("decides the account from mailFrom for the stack's pool, from emailSendingAccount for an existing one", async () => {
    const resolve = createRequire(import.meta.url)(join(ROOT, 'infra', 'email-sending-account.cjs')) as (input: {
      resolveVariable: (variable: string) => Promise<string>;
    }) => Promise<string>;
    const withParams = (params: Record<string, string>) =>
      resolve({
        resolveVariable: async (variable) => {
          const [name, fallback] = variable.replace(/^param:/u, '').split(/,\s*/u);
          return params[name ?? ''] ?? (fallback === "''" ? '' : 'unset');
        },
      });
    await expect(withParams({ existingPool: 'false', mailFrom: 'no-reply@example.com' })).resolves.toBe('DEVELOPER');
    await expect(withParams({ existingPool: 'false', mailFrom: '' })).resolves.toBe('COGNITO_DEFAULT');
    await expect(withParams({ existingPool: 'false' })).resolves.toBe('COGNITO_DEFAULT');
    await expect(
      withParams({ existingPool: 'true', emailSendingAccount: 'DEVELOPER', mailFrom: 'a@b.example' }),
    ).resolves.toBe('DEVELOPER');
    await expect(withParams({ existingPool: 'true', emailSendingAccount: 'SES' })).rejects.toThrow(
      'emailSendingAccount',
    );
  });

  it('lets pre-token-generation only read the entitlements table', () => {
    const role = template.Resources.PreTokenGenerationRole?.Properties as {
      Policies: Array<{ PolicyName: string; PolicyDocument: { Statement: unknown[] } }>;
    };
    expect(role.Policies.map((policy) => policy.PolicyName).sort()).toEqual(['logs', 'tables']);
    expect(role.Policies.find((policy) => policy.PolicyName === 'tables')?.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
        Resource: { 'Fn::GetAtt': ['EntitlementsTable', 'Arn'] },
      },
    ]);
    expect(template.Resources.PreTokenGenerationLambdaFunction?.Properties.Role).toEqual({
      'Fn::GetAtt': ['PreTokenGenerationRole', 'Arn'],
    });
    expect(template.Resources.EntitlementsTable?.Properties).toMatchObject({
      TableName: 'cognito-triggers-dev-entitlements',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    expect(Object.keys(template.Resources).filter((id) => id.startsWith('ExampleHttpApi'))).toEqual([]);
  });

  it(
    'adds the example HTTP API, its route requiring an added scope, when asked',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'sls-api-'));
      try {
        const api = packageTo(
          dir,
          ...['--param', 'exampleApi=true', '--param', 'userPoolId=eu-west-1_Abc123'],
          ...['--param', 'exampleApiAudience=exampleclient0000000000001', '--param', 'preTokenGenerationVersion=V3_0'],
        );
        expect(api.Resources.ExampleHttpApiAuthorizer?.Properties).toMatchObject({
          AuthorizerType: 'JWT',
          IdentitySource: ['$request.header.Authorization'],
          JwtConfiguration: {
            Issuer: { 'Fn::Sub': 'https://cognito-idp.${AWS::Region}.amazonaws.com/eu-west-1_Abc123' },
            Audience: ['exampleclient0000000000001'],
          },
        });
        expect(api.Resources.ExampleHttpApiOrdersRoute?.Properties).toMatchObject({
          RouteKey: 'GET /orders',
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: 'ExampleHttpApiAuthorizer' },
          AuthorizationScopes: ['orders/read'],
        });
        const lambdaConfig = api.Resources.CognitoUserPoolUsers?.Properties.LambdaConfig as Record<string, unknown>;
        expect(lambdaConfig.PreTokenGenerationConfig).toMatchObject({ LambdaVersion: 'V3_0' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    PACKAGING_TEST_TIMEOUT_MS,
  );

  it('passes the deploy parameters to the functions that read them', () => {
    const environment = (logicalId: string) =>
      (template.Resources[logicalId]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(environment('PreSignUpLambdaFunction').SIGNUP_LINK_TRUSTED_PROVIDERS).toBe('Google,SignInWithApple');
    expect(environment('InboundFederationLambdaFunction')).toMatchObject({ FEDERATION_ATTRIBUTE_MAPPINGS: '{}' });
    expect(environment('MigrateUserLambdaFunction')).toMatchObject({
      LEGACY_USERS_TABLE: 'cognito-triggers-dev-legacy-users',
      SIGN_IN_ATTEMPTS_TABLE: 'cognito-triggers-dev-sign-in-attempts',
      LOCKOUT_MAX_ATTEMPTS: '5',
      LOCKOUT_SECONDS: '900',
      MIGRATION_LOOKUP: 'both',
      MIGRATION_DUMMY_HASH: '$2b$10$',
      LEGACY_HASH_TTL_DAYS: '30',
      // Off unless deployed with migrationBreachedPasswordCheck=true; the public API by default.
      MIGRATION_BREACHED_PASSWORD_CHECK: 'false',
      MIGRATION_BREACHED_PASSWORD_URL: 'https://api.pwnedpasswords.com',
      MIGRATION_BREACHED_PASSWORD_TIMEOUT_MS: '800',
    });
  });

  it('sizes migrate-user for hashing and lets it touch only the legacy directory and the attempts', () => {
    expect(template.Resources.MigrateUserLambdaFunction?.Properties.MemorySize).toBe(1769);
    const role = template.Resources.MigrateUserRole?.Properties as {
      Policies: Array<{
        PolicyName: string;
        PolicyDocument: { Statement: Array<{ Action: string[]; Resource: unknown }> };
      }>;
    };
    const tables = role.Policies.find((policy) => policy.PolicyName === 'tables')?.PolicyDocument.Statement;
    expect(tables).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': ['LegacyUsersTable', 'Arn'] },
      },
      // The migrated marker only: a put under any other key (a user's row, a hash) is not allowed.
      {
        Effect: 'Allow',
        Action: ['dynamodb:PutItem'],
        Resource: { 'Fn::GetAtt': ['LegacyUsersTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MIGRATED#*'] } },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['LegacyUsersTable', 'Arn'] }, '/index/EmailIndex']] },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: { 'Fn::GetAtt': ['SignInAttemptsTable', 'Arn'] },
      },
    ]);
    expect(role.Policies.map((policy) => policy.PolicyName).sort()).toEqual(['logs', 'tables']);
  });

  it("wires the custom senders with a key Cognito may only grant itself for this account's pools", () => {
    const lambdaConfig = template.Resources.CognitoUserPoolUsers?.Properties.LambdaConfig as Record<string, unknown>;
    expect(lambdaConfig.CustomEmailSender).toEqual({
      LambdaArn: { 'Fn::GetAtt': ['CustomEmailSenderLambdaFunction', 'Arn'] },
      LambdaVersion: 'V1_0',
    });
    expect(lambdaConfig.CustomSMSSender).toEqual({
      LambdaArn: { 'Fn::GetAtt': ['CustomSmsSenderLambdaFunction', 'Arn'] },
      LambdaVersion: 'V1_0',
    });
    expect(lambdaConfig.KMSKeyID).toEqual({ 'Fn::GetAtt': ['CodeKey', 'Arn'] });
    const key = template.Resources.CodeKey?.Properties as {
      KeySpec: string;
      KeyPolicy: { Statement: Array<Record<string, unknown>> };
    };
    expect(key.KeySpec).toBe('SYMMETRIC_DEFAULT');
    // The guide ("Activating custom sender Lambda triggers") conditions the key's use on
    // `kms:EncryptionContext:userpool-id`, the context Cognito encrypts every code with: a broad
    // kms:Decrypt elsewhere in the account must not read codes.
    expect(decryptDenials(key.KeyPolicy.Statement)).toEqual({
      reEncrypt: true,
      otherPrincipals: [
        { 'Fn::GetAtt': ['CustomEmailSenderRole', 'Arn'] },
        { 'Fn::GetAtt': ['CustomSmsSenderRole', 'Arn'] },
      ],
      // The pool's own id would make the key and the pool depend on each other: no pool of this region.
      otherContexts: { StringNotLike: { 'kms:EncryptionContext:userpool-id': { 'Fn::Sub': '${AWS::Region}_*' } } },
    });
    const cognitoStatements = key.KeyPolicy.Statement.filter((s) =>
      JSON.stringify(s.Principal).includes('cognito-idp'),
    );
    expect(cognitoStatements).toEqual([
      expect.objectContaining({
        Action: ['kms:CreateGrant'],
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Sub': 'arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/*',
            },
          },
        },
      }),
    ]);
    for (const [fn, extra] of [
      ['CustomEmailSender', 'mail'],
      ['CustomSmsSender', 'sms'],
    ] as const) {
      const role = template.Resources[`${fn}Role`]?.Properties as {
        Policies: Array<{ PolicyName: string; PolicyDocument: { Statement: unknown[] } }>;
      };
      expect(role.Policies.map((policy) => policy.PolicyName).sort()).toEqual(['logs', extra, 'tables'].sort());
      // The role's `codes` policy names the pool, which depends on the function: a policy of its own.
      expect(kmsPolicies(template, `${fn}Role`)).toEqual([
        {
          Effect: 'Allow',
          Action: ['kms:Decrypt'],
          Resource: { 'Fn::GetAtt': ['CodeKey', 'Arn'] },
          Condition: { StringEquals: { 'kms:EncryptionContext:userpool-id': { Ref: 'CognitoUserPoolUsers' } } },
        },
      ]);
      const environment = (
        template.Resources[`${fn}LambdaFunction`]?.Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(environment).toMatchObject({
        CODE_KMS_KEY_ARN: { 'Fn::GetAtt': ['CodeKey', 'Arn'] },
        NOTIFICATIONS_TABLE: 'cognito-triggers-dev-notifications',
      });
      expect(environment.CODE_KEYRING).toBeUndefined();
      expect(template.Resources[`${fn}LambdaFunction`]?.Properties.Timeout).toBe(30);
    }
    // The account-takeover notice carries no address: the e-mail sender reads the user (AdminGetUser) in
    // this pool and nothing else; the SMS sender has no Cognito permission at all.
    expect(cognitoPolicies(template, 'CustomEmailSenderRole')).toEqual([
      {
        Effect: 'Allow',
        Action: ['cognito-idp:AdminGetUser'],
        Resource: { 'Fn::GetAtt': ['CognitoUserPoolUsers', 'Arn'] },
      },
    ]);
    expect(cognitoPolicies(template, 'CustomSmsSenderRole')).toEqual([]);
    const customMessageRole = template.Resources.CustomMessageRole?.Properties as {
      Policies: Array<{ PolicyName: string }>;
    };
    expect(customMessageRole.Policies.map((policy) => policy.PolicyName)).toEqual(['logs']);
  });

  it('lets the custom-auth functions touch only their rows of the auth-challenges table (and create send mail)', () => {
    type Role = {
      Policies: Array<{ PolicyName: string; PolicyDocument: { Statement: Array<Record<string, unknown>> } }>;
    };
    const policies = (name: string) =>
      Object.fromEntries(
        (template.Resources[name]?.Properties as Role).Policies.map((p) => [p.PolicyName, p.PolicyDocument.Statement]),
      );
    expect(Object.keys(policies('DefineAuthChallengeRole'))).toEqual(['logs']);
    const create = policies('CreateAuthChallengeRole');
    expect(Object.keys(create).sort()).toEqual(['logs', 'mail', 'tables']);
    expect(create.tables).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: { 'Fn::GetAtt': ['AuthChallengesTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['send#*'] } },
      },
    ]);
    const verify = policies('VerifyAuthChallengeRole');
    expect(Object.keys(verify).sort()).toEqual(['logs', 'tables']);
    expect(verify.tables).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:PutItem'],
        Resource: { 'Fn::GetAtt': ['AuthChallengesTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['link#*'] } },
      },
    ]);
  });

  it('puts no secret in the template: the functions get parameter names, read only those (docs/deploying.md, Secrets)', () => {
    for (const [id, variables] of Object.entries(functionEnvironments(template))) {
      expect([id, variables.LOG_HASH_KEY, variables.MAGIC_LINK_SECRET]).toEqual([id, undefined, undefined]);
      expect([id, variables.LOG_HASH_KEY_PARAMETER]).toEqual([id, '']);
    }
    // No parameter named: no permission to read any (the policies' conditions are false).
    for (const { resource } of grants(template, 'ssm:'))
      expect([resource, evaluate(template, { Condition: template.Resources[resource]?.Condition })]).toEqual([
        resource,
        false,
      ]);
  });

  it('gives every function its own role and no shared one', () => {
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    const roles = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([, r]) => JSON.stringify(r.Properties.Role));
    expect(new Set(roles).size).toBe(roles.length);
  });

  const WRITERS = ['arn:aws:iam::123456789012:role/exporter', 'arn:aws:iam::123456789012:user/ops'];

  it(
    'attaches to an existing pool when asked (and names who may write the import bucket)',
    () => {
      const existing = mkdtempSync(join(tmpdir(), 'sls-existing-'));
      try {
        const other = packageTo(
          existing,
          '--param',
          'existingPool=true',
          '--param',
          'userPoolName=my-pool',
          '--param',
          'userPoolId=eu-west-1_Abc123',
          '--param',
          `importWriters=${WRITERS.join(',')}`,
          '--param',
          'importsExpireDays=3',
          '--param',
          `logHashKeyParameter=${LOG_HASH_KEY_PARAMETER}`,
          '--param',
          `magicLinkSecretParameter=${MAGIC_LINK_SECRET_PARAMETER}`,
        );
        expectSecretsReadFromParameters(other);
        expect(other.Resources.CognitoUserPoolUsers).toBeUndefined();
        // The import bucket's policy denies PutObject under imports/ to all but the named writers.
        const imports = other.Resources.ImportBucketPolicy?.Properties.PolicyDocument as {
          Statement: Array<{ Sid?: string; Condition?: unknown }>;
        };
        const writers = imports.Statement.find((s) => s.Sid === 'OnlyImportWritersPutImports');
        expect(evaluate(other, writers?.Condition)).toEqual({
          ArnNotLike: { 'aws:PrincipalArn': { 'Fn::Split': [',', WRITERS.join(',')] } },
        });
        const rules = (other.Resources.ImportBucket?.Properties.LifecycleConfiguration as { Rules: unknown[] }).Rules;
        expect(rules).toContainEqual(expect.objectContaining({ Prefix: 'imports/', ExpirationInDays: '3' }));
        // The stack cannot see that pool's EmailConfiguration: the custom message function follows the
        // emailSendingAccount parameter, COGNITO_DEFAULT unless told (the setting every pool accepts).
        expect(emailAccounts(other)).toEqual({ pool: undefined, function: 'COGNITO_DEFAULT' });
        // Pre sign-up .. pre token generation (5), custom message (1), the custom-auth triggers (3).
        expect(Object.values(other.Resources).filter((r) => r.Type === 'Custom::CognitoUserPool').length).toBe(9);
        // The senders too; the code key lets only that pool create grants.
        for (const permission of ['CustomEmailSenderCognitoPermission', 'CustomSmsSenderCognitoPermission']) {
          expect(other.Resources[permission]?.Properties).toMatchObject({
            Principal: 'cognito-idp.amazonaws.com',
            SourceArn: {
              'Fn::Sub': 'arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/eu-west-1_Abc123',
            },
          });
        }
        expect(cognitoPolicies(other, 'CustomEmailSenderRole')).toEqual([
          {
            Effect: 'Allow',
            Action: ['cognito-idp:AdminGetUser'],
            Resource: {
              'Fn::Sub': 'arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/eu-west-1_Abc123',
            },
          },
        ]);
        const keyPolicy = other.Resources.CodeKey?.Properties.KeyPolicy as {
          Statement: Array<Record<string, unknown>>;
        };
        expect(keyPolicy.Statement[1]).toMatchObject({
          Condition: {
            ArnLike: {
              'aws:SourceArn': {
                'Fn::Sub':
                  'arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/eu-west-1_Abc123',
              },
            },
          },
        });
        // Codes of that pool only, and only the senders' roles, whatever IAM says elsewhere.
        expect(decryptDenials(keyPolicy.Statement)).toEqual({
          reEncrypt: true,
          otherPrincipals: [
            { 'Fn::GetAtt': ['CustomEmailSenderRole', 'Arn'] },
            { 'Fn::GetAtt': ['CustomSmsSenderRole', 'Arn'] },
          ],
          otherContexts: { StringNotEquals: { 'kms:EncryptionContext:userpool-id': 'eu-west-1_Abc123' } },
        });
        for (const role of ['CustomEmailSenderRole', 'CustomSmsSenderRole']) {
          expect(kmsPolicies(other, role)).toEqual([
            {
              Effect: 'Allow',
              Action: ['kms:Decrypt'],
              Resource: { 'Fn::GetAtt': ['CodeKey', 'Arn'] },
              Condition: { StringEquals: { 'kms:EncryptionContext:userpool-id': 'eu-west-1_Abc123' } },
            },
          ]);
          const inline = other.Resources[role]?.Properties.Policies as Array<{ PolicyDocument: unknown }>;
          expect(JSON.stringify(inline)).not.toContain('kms:');
        }
        // Inbound federation is wired by hand on an existing pool; the pool may invoke it already.
        expect(other.Resources.InboundFederationCognitoPermission?.Properties).toMatchObject({
          Principal: 'cognito-idp.amazonaws.com',
          SourceArn: {
            'Fn::Sub': 'arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/eu-west-1_Abc123',
          },
        });
        expect(other.Resources.PreTokenGenerationCognitoPermission?.Properties).toMatchObject({
          Principal: 'cognito-idp.amazonaws.com',
          SourceArn: {
            'Fn::Sub': 'arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/eu-west-1_Abc123',
          },
        });
      } finally {
        rmSync(existing, { recursive: true, force: true });
      }
    },
    PACKAGING_TEST_TIMEOUT_MS,
  );

  it(
    'runs custom message with serverless invoke local, its account resolved (not a CloudFormation condition)',
    () => {
      const run = withServerlessLock(() =>
        spawnSync(
          join(ROOT, 'node_modules', '.bin', 'serverless'),
          ['invoke', 'local', '-f', 'customMessage', '-p', 'events/custom-message/CustomMessage_SignUp.json'],
          { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
        ),
      );
      expect(run.status).toBe(0);
      const printed = JSON.parse(run.stdout.slice(run.stdout.indexOf('{\n'))) as {
        response: Record<string, string | null>;
      };
      // mailFrom is set by default: a DEVELOPER pool, so the e-mail is ours.
      expect(printed.response.emailSubject).toBe('Your Example verification code');
      expect(printed.response.emailMessage).toContain('{####}');
      expect(printed.response.smsMessage).toContain('{####}');
    },
    PACKAGING_TEST_TIMEOUT_MS,
  );

  it(
    'runs a function with serverless invoke local',
    () => {
      const run = withServerlessLock(() =>
        spawnSync(
          join(ROOT, 'node_modules', '.bin', 'serverless'),
          ['invoke', 'local', '-f', 'preSignUp', '-p', 'events/pre-signup/PreSignUp_SignUp.json'],
          { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
        ),
      );
      expect(run.status).toBe(0);
      const printed = run.stdout.slice(run.stdout.indexOf('{\n'));
      expect(JSON.parse(printed)).toMatchObject({
        triggerSource: 'PreSignUp_SignUp',
        response: { autoConfirmUser: false },
      });
    },
    PACKAGING_TEST_TIMEOUT_MS,
  );
});
