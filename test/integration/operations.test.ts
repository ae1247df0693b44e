/**
 * What watches the suite once deployed (issue 19), held against the code and against CloudFormation:
 * infra/operations.cjs declares the functions once; the packaged template must hold, for every one of
 * them, its alarms, its log group's retention and data protection, its dashboard row, and every metric an
 * alarm or a widget watches must be one the function's code emits, by name and dimensions.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaProblems, type Template } from '../helpers/cfn-schema.ts';
import { emittedMetrics, type FunctionMetrics } from '../helpers/emitted-metrics.ts';
import { packaged, PACKAGING_TEST_TIMEOUT_MS } from '../helpers/serverless-package.ts';

const ROOT = process.cwd();

interface Declared {
  folder: string;
  trigger?: string;
  failureMode?: 'open' | 'closed';
  synchronous: boolean;
  outcomes: string[];
}
interface Resolvers {
  resolveVariable: (address: string) => Promise<unknown>;
  resolveConfigurationProperty: (path: string[]) => Promise<unknown>;
}
interface Operations {
  resources: (resolvers: Resolvers) => Promise<Pick<Template, 'Resources' | 'Outputs'>>;
  logRetentionInDays: (resolvers: Pick<Resolvers, 'resolveVariable'>) => Promise<number>;
  logDataProtectionPolicy: { Statement: Array<{ DataIdentifier: string[]; Operation: Record<string, unknown> }> };
  declaration: {
    FUNCTIONS: Record<string, Declared>;
    PARAMETERS: Record<string, string>;
    NAMESPACE: string;
    logicalName: (key: string) => string;
  };
}

const operations = createRequire(import.meta.url)(join(ROOT, 'infra', 'operations.cjs')) as Operations;
const { FUNCTIONS, PARAMETERS, NAMESPACE, logicalName } = operations.declaration;

/** The resolvers the framework passes, answering the given parameters and every function's timeout as 5 s. */
function resolvers(params: Record<string, string>, timeouts: Record<string, number> = {}): Resolvers {
  return {
    resolveVariable: async (address) => {
      const [, name, fallback] = /^param:(\w+), '(.*)'$/.exec(address) ?? [];
      return name !== undefined && name in params ? params[name] : fallback;
    },
    resolveConfigurationProperty: async (path) =>
      path[0] === 'functions' ? timeouts[path[1] ?? ''] : path[1] === 'timeout' ? 5 : undefined,
  };
}

/** The stack packaged with `--param` pairs, copied into `dir` (test/helpers/serverless-package.ts: one run at a time). */
function packageTo(dir: string, ...params: string[]): Template {
  const made = packaged<Template>(params.filter((param) => param !== '--param'));
  cpSync(made.dir, dir, { recursive: true });
  return made.template;
}

type MetricStat = {
  Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: unknown }> };
  Stat: string;
};
type Watched = { where: string; namespace: string; name: string; dimensions: Record<string, unknown> };

/** Every metric an alarm of the template watches. */
function alarmMetrics(template: Template): Watched[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .flatMap(([name, r]) =>
      (r.Properties?.Metrics as Array<{ MetricStat?: MetricStat }>)
        .filter((query) => query.MetricStat)
        .map(({ MetricStat: stat }) => ({
          where: name,
          namespace: (stat as MetricStat).Metric.Namespace,
          name: (stat as MetricStat).Metric.MetricName,
          dimensions: Object.fromEntries((stat as MetricStat).Metric.Dimensions.map((d) => [d.Name, d.Value])),
        })),
    );
}

/** The dashboard's body with its Fn::Join parts put together (a reference as `@<logical id>@`). */
function dashboardBody(template: Template): { widgets: Array<{ type: string; properties: Record<string, unknown> }> } {
  const join = template.Resources.OperationsDashboard?.Properties?.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = join['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : `@${(part as { Ref: string }).Ref}@`))
    .join('');
  return JSON.parse(text) as ReturnType<typeof dashboardBody>;
}

/** Every metric a dashboard widget shows (`[namespace, name, dim, value, ..., options?]`). */
function widgetMetrics(template: Template): Watched[] {
  return dashboardBody(template)
    .widgets.filter((w) => w.type === 'metric')
    .flatMap((w) =>
      (w.properties.metrics as unknown[][])
        .filter((row) => typeof row[0] === 'string')
        .map((row) => {
          const parts = row.filter((part) => typeof part === 'string') as string[];
          const [namespace = '', name = '', ...dims] = parts;
          const dimensions: Record<string, unknown> = {};
          for (let i = 0; i < dims.length; i += 2) dimensions[dims[i] as string] = dims[i + 1];
          return { where: String(w.properties.title), namespace, name, dimensions };
        }),
    );
}

describe('operations: alarms, dashboard, queries and log hygiene from one declaration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sls-ops-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let template: Template;
  let emitted: FunctionMetrics[];
  beforeAll(() => {
    template = packageTo(dir, '--param', 'alarmEmail=ops@example.com');
    emitted = emittedMetrics(Object.values(FUNCTIONS).map((f) => ({ folder: f.folder, trigger: Boolean(f.trigger) })));
  }, PACKAGING_TEST_TIMEOUT_MS);

  const functionResources = () =>
    Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');

  it('declares every function serverless.yml packages, by its key and folder, and every folder under functions/', () => {
    const packaged = Object.fromEntries(
      functionResources().map(([name, r]) => [
        name,
        /^dist\/([^/]+)\/index\.handler$/.exec(String(r.Properties?.Handler))?.[1],
      ]),
    );
    expect(packaged).toEqual(
      Object.fromEntries(Object.entries(FUNCTIONS).map(([key, f]) => [`${logicalName(key)}LambdaFunction`, f.folder])),
    );
    const folders = readdirSync(join(ROOT, 'functions'), { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(folders.map((d) => d.name).sort()).toEqual(
      Object.values(FUNCTIONS)
        .map((f) => f.folder)
        .sort(),
    );
  });

  it("declares each trigger's failure mode as its handler does", () => {
    for (const f of Object.values(FUNCTIONS)) {
      const source = readFileSync(join(ROOT, 'functions', f.folder, 'handler.ts'), 'utf8');
      const declared = /failureMode: '(open|closed)'/.exec(source)?.[1];
      expect({ folder: f.folder, failureMode: declared }).toEqual({ folder: f.folder, failureMode: f.failureMode });
    }
  });

  it('reads every metric name in the code as literals (a name it cannot read would escape this test)', () => {
    expect(emitted.flatMap((f) => f.unresolved)).toEqual([]);
    // The wrapper's metrics reach every trigger, the import's row counts their two job functions.
    const names = (folder: string) => new Set(emitted.find((f) => f.folder === folder)?.metrics.map((m) => m.name));
    expect([...names('pre-authentication')]).toEqual(
      expect.arrayContaining(['Invocations', 'Errors', 'SignInsLocked']),
    );
    expect([...names('import-assemble')].sort()).toEqual(['RowsRead', 'RowsRejected']);
  });

  it('watches only metrics a function emits, by name and dimensions (alarms and dashboard widgets)', () => {
    const byFolder = new Map(emitted.map((f) => [f.folder, f]));
    const watched = [...alarmMetrics(template), ...widgetMetrics(template)];
    const own = watched.filter((w) => w.namespace === NAMESPACE);
    expect(own.length).toBeGreaterThan(50);
    const wrong = own.filter((w) => {
      const fn = byFolder.get(String(w.dimensions.service));
      const dims = Object.keys(w.dimensions).sort();
      const declared = Object.values(FUNCTIONS).find((f) => f.folder === w.dimensions.service);
      return (
        !fn ||
        w.dimensions.trigger !== declared?.trigger ||
        !fn.metrics.some((m) => m.name === w.name && JSON.stringify(m.dimensions) === JSON.stringify(dims))
      );
    });
    expect(wrong).toEqual([]);
    // A SEARCH expression (migrations by verifier) names one of our metrics, its dimensions and service.
    const searches = dashboardBody(template).widgets.flatMap((w) =>
      ((w.properties.metrics as unknown[][] | undefined) ?? []).flatMap((row) =>
        row.flatMap((part) => {
          const expression = (part as { expression?: string }).expression ?? '';
          const m = /SEARCH\('\{([^}]+)\} MetricName="(\w+)" service="([\w-]+)"'/.exec(expression);
          return m ? [{ keys: (m[1] ?? '').split(','), name: m[2], service: m[3] }] : [];
        }),
      ),
    );
    expect(searches.length).toBeGreaterThan(0);
    for (const search of searches) {
      const [namespace, ...dims] = search.keys;
      expect(namespace).toBe(NAMESPACE);
      const fn = byFolder.get(search.service ?? '');
      expect(
        fn?.metrics.some((m) => m.name === search.name && JSON.stringify(m.dimensions) === JSON.stringify(dims.sort())),
      ).toBe(true);
    }
    // AWS metrics name a function or the state machine of this template.
    for (const w of watched.filter((x) => x.namespace !== NAMESPACE)) {
      const target = w.dimensions.FunctionName ?? w.dimensions.StateMachineArn;
      // In an alarm a { Ref }, in the dashboard's joined body `@<logical id>@`.
      const name = typeof target === 'string' ? /^@(.*)@$/.exec(target)?.[1] : (target as { Ref?: string }).Ref;
      expect([w.where, template.Resources[name ?? '']?.Type]).toEqual([
        w.where,
        w.namespace === 'AWS/States' ? 'AWS::StepFunctions::StateMachine' : 'AWS::Lambda::Function',
      ]);
    }
  });

  it("shows each declared outcome metric, emitted by that function's code", () => {
    for (const f of Object.values(FUNCTIONS)) {
      const names = emitted.find((e) => e.folder === f.folder)?.metrics.map((m) => m.name) ?? [];
      expect({ folder: f.folder, missing: f.outcomes.filter((o) => !names.includes(o)) }).toEqual({
        folder: f.folder,
        missing: [],
      });
    }
    const titles = dashboardBody(template).widgets.map((w) => String(w.properties.title ?? w.properties.markdown));
    for (const f of Object.values(FUNCTIONS)) {
      expect(titles).toEqual(
        expect.arrayContaining([`${f.folder}: invocations and errors`, `${f.folder}: duration p50 / p99`]),
      );
    }
    expect(titles).toEqual(expect.arrayContaining(['## Sign-in funnel', '## Imports']));
  });

  it('gives every function its alarm set: errors, throttles, p99 duration over 60 % of its budget', () => {
    const alarm = (name: string) => template.Resources[name]?.Properties as Record<string, unknown> | undefined;
    for (const key of Object.keys(FUNCTIONS)) {
      const name = logicalName(key);
      expect([name, Boolean(alarm(`${name}ErrorsAlarm`)), Boolean(alarm(`${name}ThrottlesAlarm`))]).toEqual([
        name,
        true,
        true,
      ]);
    }
    // Cognito gives a synchronous trigger 5 s; the senders and the jobs have their Lambda timeout.
    expect(alarm('PreSignUpDurationAlarm')?.Threshold).toBe(3000);
    expect(alarm('MigrateUserDurationAlarm')?.Threshold).toBe(3000);
    expect(alarm('CustomEmailSenderDurationAlarm')?.Threshold).toBe(18_000);
    expect(alarm('BatchImportDurationAlarm')?.Threshold).toBe(540_000);
    // Fail-open functions: FailedOpen; the senders: codes refused; and the alarms across functions.
    const named = Object.keys(template.Resources).filter(
      (n) => template.Resources[n]?.Type === 'AWS::CloudWatch::Alarm',
    );
    const failOpen = Object.entries(FUNCTIONS).filter(([, f]) => f.failureMode === 'open');
    expect(named.filter((n) => n.endsWith('FailedOpenAlarm')).sort()).toEqual(
      failOpen.map(([key]) => `${logicalName(key)}FailedOpenAlarm`).sort(),
    );
    expect(named).toEqual(
      expect.arrayContaining([
        'CustomEmailSenderCodesRejectedAlarm',
        'CustomSmsSenderCodesRejectedAlarm',
        'LockoutBurstAlarm',
        'MigrationRefusalsAlarm',
        'PreTokenGenerationStaleEntitlementsAlarm',
        'PostConfirmationNotificationFailuresAlarm',
        'PostAuthenticationNotificationFailuresAlarm',
        'ImportExecutionsFailedAlarm',
        'ImportRowsRejectedAlarm',
      ]),
    );
    // Every alarm tells the topic, and the e-mail parameter subscribes to it.
    for (const n of named) expect(alarm(n)?.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(template.Resources.AlarmEmailSubscription?.Properties).toMatchObject({
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: 'AlarmTopic' },
    });
  });

  it("keeps every function's logs 30 days by default, behind CloudWatch Logs' masking of addresses, numbers and secrets", () => {
    const groups = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
    // Every function's, and the import state machine's (its errors, without execution data).
    expect(groups.map(([n]) => n).sort()).toEqual(
      [...Object.keys(FUNCTIONS).map((k) => `${logicalName(k)}LogGroup`), 'ImportStateMachineLogGroup'].sort(),
    );
    for (const [, group] of groups) {
      expect(group.Properties?.RetentionInDays).toBe(30);
      // "Understanding data protection policies": one audit statement, then the de-identify statement.
      const policy = group.Properties?.DataProtectionPolicy as Operations['logDataProtectionPolicy'];
      expect(policy.Statement.map((s) => Object.keys(s.Operation)[0])).toEqual(['Audit', 'Deidentify']);
      for (const id of ['EmailAddress', 'PhoneNumber-US', 'PhoneNumber-GB', 'AwsSecretKey'])
        expect(policy.Statement[1]?.DataIdentifier).toContain(`arn:aws:dataprotection::aws:data-identifier/${id}`);
      expect(policy.Statement[0]?.DataIdentifier).toEqual(policy.Statement[1]?.DataIdentifier);
    }
  });

  it('saves the Logs Insights queries support asks for, on log groups of this stack', () => {
    const queries = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Logs::QueryDefinition');
    expect(queries.map((q) => q.Properties?.Name).sort()).toEqual([
      'cognito-triggers/everything about one user',
      'cognito-triggers/failed notifications',
      'cognito-triggers/lockouts',
      'cognito-triggers/migrations',
      'cognito-triggers/refusals by reason',
    ]);
    for (const q of queries)
      for (const group of q.Properties?.LogGroupNames as Array<{ Ref: string }>)
        expect(template.Resources[group.Ref]?.Type).toBe('AWS::Logs::LogGroup');
    // The log messages they filter on are ones the code writes.
    const sources = emitted
      .flatMap((f) => f.files)
      .map((file) => readFileSync(join(ROOT, file), 'utf8'))
      .join('\n');
    const messages = queries.flatMap((q) =>
      [...String(q.Properties?.QueryString).matchAll(/message (?:= '([^']+)'|like \/\^?([^/]+)\/)/g)].map(
        (m) => m[1] ?? m[2] ?? '',
      ),
    );
    expect(messages.length).toBeGreaterThanOrEqual(5);
    expect(messages.filter((message) => !sources.includes(`'${message}`))).toEqual([]);
  });

  it('passes the CloudFormation resource specification (@aws-cdk/aws-service-spec)', () => {
    expect(schemaProblems(template)).toEqual([]);
  });
});

describe('operations parameters (infra/operations.cjs, resolved without packaging)', () => {
  it('alarms to an existing topic when given its ARN, creating no topic', async () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:ops';
    const { Resources } = await operations.resources(resolvers({ alarmTopicArn: arn, alarmEmail: 'x@example.com' }));
    expect(Resources.AlarmTopic).toBeUndefined();
    expect(Resources.AlarmEmailSubscription).toBeUndefined();
    expect(Resources.PreSignUpErrorsAlarm?.Properties?.AlarmActions).toEqual([arn]);
  });

  it('takes thresholds from parameters, and refuses one that is no number', async () => {
    const { Resources } = await operations.resources(
      resolvers({ durationBudgetPercent: '80', lockoutBurstThreshold: '50' }, { batchImport: 900 }),
    );
    expect(Resources.PreSignUpDurationAlarm?.Properties?.Threshold).toBe(4000);
    expect(Resources.BatchImportDurationAlarm?.Properties?.Threshold).toBe(720_000);
    expect(Resources.LockoutBurstAlarm?.Properties?.Threshold).toBe(50);
    await expect(operations.resources(resolvers({ errorsThreshold: 'many' }))).rejects.toThrow('errorsThreshold');
    await expect(operations.resources(resolvers({ alarmTopicArn: 'ops' }))).rejects.toThrow('alarmTopicArn');
  });

  it('sets log retention from logRetentionDays, only to a value CloudWatch Logs accepts', async () => {
    await expect(operations.logRetentionInDays(resolvers({}))).resolves.toBe(30);
    await expect(operations.logRetentionInDays(resolvers({ logRetentionDays: '90' }))).resolves.toBe(90);
    await expect(operations.logRetentionInDays(resolvers({ logRetentionDays: '31' }))).rejects.toThrow(
      'logRetentionDays',
    );
  });

  it('documents every parameter with its default, and a runbook section for every alarm, in docs/operations.md', async () => {
    const runbook = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const [name, fallback] of Object.entries(PARAMETERS)) {
      const cell = fallback === '' ? '(empty)' : `\`${fallback}\``;
      const row = new RegExp(`^\\| \`${name}\` +\\| ${escape(cell)} +\\|`, 'm');
      expect({ name, documented: row.test(runbook) }).toEqual({ name, documented: true });
    }
    // Each alarm's description links a section of the runbook (docs/operations.md#<anchor>).
    const headings = new Set([...runbook.matchAll(/^## (\w+)$/gm)].map((m) => (m[1] ?? '').toLowerCase()));
    const { Resources } = await operations.resources(resolvers({}));
    const anchors = Object.values(Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => /docs\/operations\.md#(\w+)$/.exec(String(r.Properties?.AlarmDescription))?.[1]);
    expect(anchors.length).toBeGreaterThan(50);
    expect(anchors.filter((anchor) => anchor === undefined || !headings.has(anchor))).toEqual([]);
  });
});
