/**
 * Operating the suite: what watches the functions once deployed, generated from one declaration of them
 * (FUNCTIONS below): alarms, their SNS topic, one CloudWatch dashboard, saved Logs Insights queries, and
 * the log groups' retention and data protection policy. serverless.yml reads it:
 *   provider.logRetentionInDays: ${file(infra/operations.cjs):logRetentionInDays}
 *   provider.logDataProtectionPolicy: ${file(infra/operations.cjs):logDataProtectionPolicy}
 *   resources: - ${file(infra/operations.cjs):resources}
 * test/integration/operations.test.ts holds it against the code (every metric watched is one the function
 * emits, by name and dimensions) and against CloudFormation's resource specification; docs/operations.md
 * is the runbook. Plain CommonJS because the Serverless Framework loads it without a TypeScript loader.
 * No `${` in any string made here: the framework would take it for one of its variables.
 */
'use strict';

/** Our metrics' namespace (provider.environment.POWERTOOLS_METRICS_NAMESPACE, shared/runtime/observability.ts). */
const NAMESPACE = 'CognitoTriggers';
/** Cognito waits 5 s for a synchronous trigger, whatever the Lambda timeout says (shared/runtime/budget.ts). */
const COGNITO_TRIGGER_BUDGET_MS = 5000;

/**
 * Every function serverless.yml declares, by its key there: its folder under functions/ (the `service`
 * dimension of its metrics), the trigger it serves (the `trigger` dimension; none for the import's job
 * functions), what its failure means (`failureMode`, as its handler declares it), whether Cognito waits for
 * it (`synchronous`: its budget is 5 s, else its Lambda timeout), and the outcome metrics the dashboard
 * shows for it.
 */
const FUNCTIONS = {
  preSignUp: {
    folder: 'pre-signup',
    trigger: 'PreSignUp',
    failureMode: 'closed',
    synchronous: true,
    outcomes: ['Allowed', 'Denied', 'IdentitiesLinked', 'DirectoryLookupFailures'],
  },
  postConfirmation: {
    folder: 'post-confirmation',
    trigger: 'PostConfirmation',
    failureMode: 'open',
    synchronous: true,
    outcomes: ['Allowed', 'FailedOpen', 'NotificationsSent', 'NotificationFailures'],
  },
  preAuthentication: {
    folder: 'pre-authentication',
    trigger: 'PreAuthentication',
    failureMode: 'closed',
    synchronous: true,
    outcomes: ['Allowed', 'Denied', 'SignInsLocked'],
  },
  postAuthentication: {
    folder: 'post-authentication',
    trigger: 'PostAuthentication',
    failureMode: 'open',
    synchronous: true,
    outcomes: [
      'Allowed',
      'FailedOpen',
      'AuditWriteFailures',
      'ProfileWriteFailures',
      'AttemptResetFailures',
      'NotificationsSent',
      'NotificationFailures',
    ],
  },
  migrateUser: {
    folder: 'migrate-user',
    trigger: 'UserMigration',
    failureMode: 'closed',
    synchronous: true,
    outcomes: ['UsersMigrated', 'MigrationSignInsRefused', 'MigratedResetRequired', 'SignInsLocked', 'Denied'],
  },
  inboundFederation: {
    folder: 'inbound-federation',
    trigger: 'InboundFederation',
    failureMode: 'closed',
    synchronous: true,
    outcomes: ['Allowed', 'Denied', 'AttributesTooLong', 'NothingMapped'],
  },
  preTokenGeneration: {
    folder: 'pre-token-generation',
    trigger: 'PreTokenGeneration',
    failureMode: 'closed',
    synchronous: true,
    outcomes: ['Allowed', 'Denied', 'StaleEntitlementsServed', 'ClaimsDroppedForSize', 'TokensRefusedForSize'],
  },
  customMessage: {
    folder: 'custom-message',
    trigger: 'CustomMessage',
    failureMode: 'open',
    synchronous: true,
    outcomes: ['Allowed', 'FailedOpen', 'DefaultMessages', 'ShortFormMessages'],
  },
  customEmailSender: {
    folder: 'custom-email-sender',
    trigger: 'CustomEmailSender',
    failureMode: 'closed',
    synchronous: false,
    outcomes: ['MessagesSent', 'CodesRejected', 'DeliveryFailures', 'DuplicateDeliveries', 'NoDestination'],
  },
  customSmsSender: {
    folder: 'custom-sms-sender',
    trigger: 'CustomSMSSender',
    failureMode: 'closed',
    synchronous: false,
    outcomes: ['MessagesSent', 'CodesRejected', 'DeliveryFailures', 'DuplicateDeliveries', 'NoDestination'],
  },
  defineAuthChallenge: {
    folder: 'define-auth-challenge',
    trigger: 'DefineAuthChallenge',
    failureMode: 'closed',
    synchronous: true,
    outcomes: ['TokensIssued', 'AuthenticationFailed'],
  },
  createAuthChallenge: {
    folder: 'create-auth-challenge',
    trigger: 'CreateAuthChallenge',
    failureMode: 'closed',
    synchronous: true,
    outcomes: ['CodeSent', 'LinkSent', 'SendThrottled', 'NotDelivered'],
  },
  verifyAuthChallenge: {
    folder: 'verify-auth-challenge',
    trigger: 'VerifyAuthChallengeResponse',
    failureMode: 'closed',
    synchronous: true,
    outcomes: ['AnswerCorrect', 'AnswerWrong'],
  },
  batchImport: { folder: 'batch-import', synchronous: false, outcomes: ['RowsRead', 'RowsRejected'] },
  importBatch: { folder: 'import-batch', synchronous: false, outcomes: [] },
  importAssemble: { folder: 'import-assemble', synchronous: false, outcomes: ['RowsRead', 'RowsRejected'] },
};

/**
 * Deploy parameters of the alarms and logs, with their defaults (docs/operations.md lists them; a test
 * holds the two together). Numbers as strings, as every `params` value of serverless.yml.
 */
const PARAMETERS = {
  alarmTopicArn: '', // an existing SNS topic for alarm actions; empty: the stack creates AlarmTopic
  alarmEmail: '', // subscribed to the stack's AlarmTopic when set (the address confirms by e-mail)
  alarmPeriodSeconds: '300',
  errorsThreshold: '1', // failures per period, per function
  throttlesThreshold: '1',
  durationBudgetPercent: '60', // p99 duration above this share of the function's budget
  durationEvaluationPeriods: '3', // consecutive periods the p99 must stay above it
  failedOpenThreshold: '1',
  codesRejectedThreshold: '1',
  lockoutBurstThreshold: '20', // accounts newly locked per period, pre authentication and migrate-user together
  migrationRefusalPercent: '50', // refused migration sign-ins as a share of migrate-user's invocations
  migrationRefusalMinimumAttempts: '20', // below this many attempts a period raises nothing
  staleEntitlementsThreshold: '1',
  notificationFailuresThreshold: '1',
  importExecutionsFailedThreshold: '1',
  importRejectedPercent: '5', // rows rejected as a share of rows read
  logRetentionDays: '30',
};

/** The values CloudWatch Logs accepts as a retention (PutRetentionPolicy). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * Managed data identifiers CloudWatch Logs masks in every function's log group: e-mail addresses, phone
 * numbers of the countries it knows, and secrets, behind our own redaction (shared/runtime/redact.ts).
 */
const DATA_IDENTIFIERS = [
  'EmailAddress',
  'PhoneNumber-BR',
  'PhoneNumber-DE',
  'PhoneNumber-ES',
  'PhoneNumber-FR',
  'PhoneNumber-GB',
  'PhoneNumber-IT',
  'PhoneNumber-US',
  'AwsSecretKey',
  'OpenSshPrivateKey',
  'PgpPrivateKey',
  'PkcsPrivateKey',
  'PuttyPrivateKey',
];

/**
 * CloudWatch Logs' own form ("Understanding data protection policies"): one audit statement and one
 * de-identify statement naming the same identifiers; the audit has no findings destination.
 */
function dataProtectionPolicy() {
  const identifiers = DATA_IDENTIFIERS.map((id) => `arn:aws:dataprotection::aws:data-identifier/${id}`);
  return {
    Name: 'cognito-triggers-logs',
    Description: 'Masks e-mail addresses, phone numbers and secrets a function might log by mistake',
    Version: '2021-06-01',
    Statement: [
      { Sid: 'audit', DataIdentifier: identifiers, Operation: { Audit: { FindingsDestination: {} } } },
      { Sid: 'mask', DataIdentifier: identifiers, Operation: { Deidentify: { MaskConfig: {} } } },
    ],
  };
}

/** The framework's logical id of a function key (its naming.getNormalizedFunctionName). */
function logicalName(key) {
  return key.charAt(0).toUpperCase() + key.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
}

/** The dimensions Powertools gives a function's metrics: `service`, and `trigger` for a Cognito trigger. */
function dimensions(key) {
  const fn = FUNCTIONS[key];
  return fn.trigger ? { service: fn.folder, trigger: fn.trigger } : { service: fn.folder };
}

function dimensionList(map) {
  return Object.entries(map).map(([Name, Value]) => ({ Name, Value }));
}

/** One of our metrics, as an alarm's MetricStat. */
function ownMetric(key, metricName, stat = 'Sum', period) {
  return {
    Metric: { Namespace: NAMESPACE, MetricName: metricName, Dimensions: dimensionList(dimensions(key)) },
    Period: period,
    Stat: stat,
  };
}

/** A number parameter, checked: an alarm with a threshold of NaN would be refused only at deploy. */
function number(name, raw) {
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value) || value < 0)
    throw new Error(`${name}: expected a number >= 0, got "${raw}"`);
  return value;
}

/**
 * The alarms on our own metrics, each with the parameter of its threshold; one per emitting function
 * where the metric is per function, metric math where a share or a sum is what matters.
 */
function ownAlarms(p, period) {
  const alarms = {};
  const simple = (id, key, metric, threshold, description) => {
    alarms[`${logicalName(key)}${id}Alarm`] = {
      description,
      metrics: [{ Id: 'm', ReturnData: true, MetricStat: ownMetric(key, metric, 'Sum', period) }],
      threshold,
    };
  };
  for (const [key, fn] of Object.entries(FUNCTIONS)) {
    if (fn.failureMode === 'open')
      simple(
        'FailedOpen',
        key,
        'FailedOpen',
        p.failedOpenThreshold,
        `${fn.folder} answered without doing its work (fails open): docs/operations.md#failedopen`,
      );
    if (fn.outcomes.includes('CodesRejected'))
      simple(
        'CodesRejected',
        key,
        'CodesRejected',
        p.codesRejectedThreshold,
        `${fn.folder} refused codes it could not decrypt: docs/operations.md#codesrejected`,
      );
    if (fn.outcomes.includes('NotificationFailures'))
      simple(
        'NotificationFailures',
        key,
        'NotificationFailures',
        p.notificationFailuresThreshold,
        `${fn.folder} left notifications failed (npm run notifications:retry): docs/operations.md#notificationfailures`,
      );
    if (fn.outcomes.includes('StaleEntitlementsServed'))
      simple(
        'StaleEntitlements',
        key,
        'StaleEntitlementsServed',
        p.staleEntitlementsThreshold,
        `${fn.folder} served cached entitlements (store failing): docs/operations.md#staleentitlements`,
      );
  }

  const locking = Object.keys(FUNCTIONS).filter((key) => FUNCTIONS[key].outcomes.includes('SignInsLocked'));
  alarms.LockoutBurstAlarm = {
    description: 'A burst of accounts locked by failed sign-ins: docs/operations.md#lockoutburst',
    metrics: [
      ...locking.map((key, i) => ({
        Id: `l${i}`,
        ReturnData: false,
        MetricStat: ownMetric(key, 'SignInsLocked', 'Sum', period),
      })),
      {
        Id: 'locked',
        Label: 'accounts locked',
        ReturnData: true,
        Expression: locking.map((_, i) => `FILL(l${i}, 0)`).join(' + '),
      },
    ],
    threshold: p.lockoutBurstThreshold,
  };

  alarms.MigrationRefusalsAlarm = {
    description:
      'Most legacy sign-ins refused: a broken legacy directory looks like every user typing the wrong password: docs/operations.md#migrationrefusals',
    metrics: [
      {
        Id: 'refused',
        ReturnData: false,
        MetricStat: ownMetric('migrateUser', 'MigrationSignInsRefused', 'Sum', period),
      },
      { Id: 'attempts', ReturnData: false, MetricStat: ownMetric('migrateUser', 'Invocations', 'Sum', period) },
      {
        Id: 'share',
        Label: 'refused migration sign-ins (%)',
        ReturnData: true,
        Expression: `IF(FILL(attempts, 0) >= ${p.migrationRefusalMinimumAttempts}, 100 * FILL(refused, 0) / attempts, 0)`,
      },
    ],
    threshold: p.migrationRefusalPercent,
  };

  const importing = Object.keys(FUNCTIONS).filter((key) => FUNCTIONS[key].outcomes.includes('RowsRejected'));
  const sum = (prefix) => importing.map((_, i) => `FILL(${prefix}${i}, 0)`).join(' + ');
  alarms.ImportRowsRejectedAlarm = {
    description:
      'An import rejected more than its share of rows (see rejects.csv): docs/operations.md#importrowsrejected',
    metrics: [
      ...importing.flatMap((key, i) => [
        { Id: `rej${i}`, ReturnData: false, MetricStat: ownMetric(key, 'RowsRejected', 'Sum', period) },
        { Id: `read${i}`, ReturnData: false, MetricStat: ownMetric(key, 'RowsRead', 'Sum', period) },
      ]),
      {
        Id: 'share',
        Label: 'rows rejected (%)',
        ReturnData: true,
        Expression: `IF(${sum('read')} > 0, 100 * (${sum('rej')}) / (${sum('read')}), 0)`,
      },
    ],
    threshold: p.importRejectedPercent,
  };
  return alarms;
}

/** A function's Lambda metric (AWS/Lambda, by function name). */
function lambdaMetric(key, metricName, stat, period) {
  return {
    Metric: {
      Namespace: 'AWS/Lambda',
      MetricName: metricName,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${logicalName(key)}LambdaFunction` } }],
    },
    Period: period,
    Stat: stat,
  };
}

/**
 * Errors, throttles and p99 duration for every function. Errors of a trigger are our `Errors` metric (the
 * function failed, whatever it then answered), not Lambda's: Lambda counts a deliberate refusal, which
 * Cognito asks for by an error, as one too.
 */
function functionAlarms(p, period, budgets) {
  const alarms = {};
  for (const [key, fn] of Object.entries(FUNCTIONS)) {
    const name = logicalName(key);
    const failure = fn.trigger
      ? fn.failureMode === 'closed'
        ? 'users could not go on (the function fails closed)'
        : 'the function failed and let users go on without its work'
      : 'the job failed';
    alarms[`${name}ErrorsAlarm`] = {
      description: `${fn.folder} failed: ${failure}: docs/operations.md#errors`,
      metrics: [
        {
          Id: 'm',
          ReturnData: true,
          MetricStat: fn.trigger ? ownMetric(key, 'Errors', 'Sum', period) : lambdaMetric(key, 'Errors', 'Sum', period),
        },
      ],
      threshold: p.errorsThreshold,
    };
    alarms[`${name}ThrottlesAlarm`] = {
      description: `${fn.folder} throttled by Lambda: docs/operations.md#throttles`,
      metrics: [{ Id: 'm', ReturnData: true, MetricStat: lambdaMetric(key, 'Throttles', 'Sum', period) }],
      threshold: p.throttlesThreshold,
    };
    const budget = budgets[key];
    alarms[`${name}DurationAlarm`] = {
      description: `${fn.folder} p99 duration above ${p.durationBudgetPercent} % of its ${budget} ms budget: docs/operations.md#duration`,
      metrics: [{ Id: 'm', ReturnData: true, MetricStat: lambdaMetric(key, 'Duration', 'p99', period) }],
      threshold: Math.round((budget * p.durationBudgetPercent) / 100),
      evaluationPeriods: p.durationEvaluationPeriods,
      comparison: 'GreaterThanThreshold',
    };
  }
  alarms.ImportExecutionsFailedAlarm = {
    description: 'An import state machine execution failed: docs/operations.md#importexecutionsfailed',
    metrics: [
      {
        Id: 'm',
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/States',
            MetricName: 'ExecutionsFailed',
            Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'ImportStateMachine' } }],
          },
          Period: period,
          Stat: 'Sum',
        },
      },
    ],
    threshold: p.importExecutionsFailedThreshold,
  };
  return alarms;
}

function alarmResource(name, alarm, actions) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: alarm.description,
      Metrics: alarm.metrics,
      Threshold: alarm.threshold,
      ComparisonOperator: alarm.comparison ?? 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: alarm.evaluationPeriods ?? 1,
      DatapointsToAlarm: alarm.evaluationPeriods ?? 1,
      // No invocations is no failure.
      TreatMissingData: 'notBreaching',
      AlarmActions: actions,
      OKActions: actions,
    },
  };
}

/* ---------- dashboard ---------- */

/** A placeholder for a CloudFormation value inside the dashboard's JSON, replaced by Fn::Join. */
const REF = (name) => `@@ref:${name}@@`;

function ownWidgetMetric(key, metricName, extra = {}) {
  const dims = dimensions(key);
  return [
    NAMESPACE,
    metricName,
    ...Object.entries(dims).flat(),
    { stat: 'Sum', label: `${FUNCTIONS[key].folder} ${metricName}`, ...extra },
  ];
}

function lambdaWidgetMetric(key, metricName, options) {
  return ['AWS/Lambda', metricName, 'FunctionName', REF(`${logicalName(key)}LambdaFunction`), options];
}

function widget(title, metrics, width, extra = {}) {
  return {
    type: 'metric',
    width,
    height: 6,
    properties: { title, metrics, view: 'timeSeries', region: REF('AWS::Region'), period: 300, stat: 'Sum', ...extra },
  };
}

function dashboardBody() {
  const widgets = [];
  const funnel = [
    ownWidgetMetric('preSignUp', 'Allowed', { label: 'sign-ups' }),
    ownWidgetMetric('postConfirmation', 'Invocations', { label: 'confirmations (sign-ups and password resets)' }),
    ownWidgetMetric('preAuthentication', 'Allowed', { label: 'sign-ins allowed' }),
    ownWidgetMetric('preAuthentication', 'Denied', { label: 'sign-ins refused' }),
    ownWidgetMetric('preAuthentication', 'SignInsLocked', { label: 'accounts locked (pre authentication)' }),
    ownWidgetMetric('migrateUser', 'SignInsLocked', { label: 'accounts locked (migrate-user)' }),
    ownWidgetMetric('preTokenGeneration', 'Allowed', { label: 'tokens issued' }),
    ownWidgetMetric('defineAuthChallenge', 'TokensIssued', { label: 'passwordless sign-ins' }),
  ];
  widgets.push({ type: 'text', width: 24, height: 1, properties: { markdown: '## Sign-in funnel' } });
  widgets.push(widget('Sign-ups, confirmations, sign-ins, tokens', funnel, 12));
  widgets.push(
    widget(
      'Migrations, by password algorithm',
      [
        ownWidgetMetric('migrateUser', 'UsersMigrated', { label: 'users migrated' }),
        ownWidgetMetric('migrateUser', 'MigrationSignInsRefused', { label: 'migration sign-ins refused' }),
        [
          {
            expression: `SEARCH('{${NAMESPACE},service,trigger,verifier} MetricName="PasswordsMatched" service="migrate-user"', 'Sum', 300)`,
            label: 'by algorithm',
            id: 'byAlgorithm',
          },
        ],
      ],
      6,
    ),
  );
  widgets.push(
    widget(
      'Passwordless codes sent and answered',
      [
        ownWidgetMetric('createAuthChallenge', 'CodeSent', { label: 'codes sent' }),
        ownWidgetMetric('createAuthChallenge', 'LinkSent', { label: 'links sent' }),
        ownWidgetMetric('verifyAuthChallenge', 'AnswerCorrect', { label: 'answered right' }),
        ownWidgetMetric('verifyAuthChallenge', 'AnswerWrong', { label: 'answered wrong' }),
      ],
      6,
    ),
  );

  widgets.push({ type: 'text', width: 24, height: 1, properties: { markdown: '## Imports' } });
  const importing = Object.keys(FUNCTIONS).filter((key) => FUNCTIONS[key].outcomes.includes('RowsRead'));
  widgets.push(
    widget(
      'Rows read and rejected',
      importing.flatMap((key) => [ownWidgetMetric(key, 'RowsRead'), ownWidgetMetric(key, 'RowsRejected')]),
      12,
    ),
  );
  widgets.push(
    widget(
      'Import executions',
      ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed'].map((metric) => [
        'AWS/States',
        metric,
        'StateMachineArn',
        REF('ImportStateMachine'),
        { stat: 'Sum' },
      ]),
      12,
    ),
  );

  widgets.push({ type: 'text', width: 24, height: 1, properties: { markdown: '## Functions' } });
  for (const [key, fn] of Object.entries(FUNCTIONS)) {
    const counts = fn.trigger
      ? [ownWidgetMetric(key, 'Invocations'), ownWidgetMetric(key, 'Errors')]
      : [
          lambdaWidgetMetric(key, 'Invocations', { stat: 'Sum', label: `${fn.folder} Invocations` }),
          lambdaWidgetMetric(key, 'Errors', { stat: 'Sum', label: `${fn.folder} Errors` }),
        ];
    widgets.push(widget(`${fn.folder}: invocations and errors`, counts, 8));
    widgets.push(
      widget(
        `${fn.folder}: duration p50 / p99`,
        [
          lambdaWidgetMetric(key, 'Duration', { stat: 'p50', label: 'p50' }),
          lambdaWidgetMetric(key, 'Duration', { stat: 'p99', label: 'p99' }),
        ],
        8,
      ),
    );
    const outcomes = fn.outcomes.map((metric) => ownWidgetMetric(key, metric));
    widgets.push(
      outcomes.length
        ? widget(`${fn.folder}: outcomes`, outcomes, 8)
        : {
            type: 'text',
            width: 8,
            height: 6,
            properties: { markdown: `${fn.folder}: no outcome metrics of its own` },
          },
    );
  }
  return { widgets };
}

/** The dashboard's JSON with its placeholders as CloudFormation references (Fn::Join, no Fn::Sub). */
function withReferences(body) {
  const parts = JSON.stringify(body).split(/@@ref:([^@]+)@@/);
  return { 'Fn::Join': ['', parts.map((part, i) => (i % 2 === 1 ? { Ref: part } : part))] };
}

/* ---------- saved queries ---------- */

function logGroups(keys) {
  return keys.map((key) => ({ Ref: `${logicalName(key)}LogGroup` }));
}

/** Logs Insights queries support asks for; the user query's placeholder is filled in from `npm run user-ref`. */
function queries() {
  const all = Object.keys(FUNCTIONS);
  const triggers = all.filter((key) => FUNCTIONS[key].trigger);
  return {
    UserQuery: {
      name: 'everything about one user',
      keys: triggers,
      query: [
        'fields @timestamp, service, level, message, triggerSource, reason, error.name',
        "| filter userRef = 'REPLACE-WITH-npm-run-user-ref'",
        '| sort @timestamp desc',
        '| limit 500',
      ].join('\n'),
    },
    RefusalsQuery: {
      name: 'refusals by reason',
      keys: triggers,
      query: [
        "filter message = 'request denied'",
        '| stats count(*) as refusals by service, reason',
        '| sort refusals desc',
      ].join('\n'),
    },
    LockoutsQuery: {
      name: 'lockouts',
      keys: all.filter((key) => FUNCTIONS[key].outcomes.includes('SignInsLocked')),
      query: [
        'fields @timestamp, service, userRef, attempts, lockedUntil',
        "| filter message = 'sign-in locked'",
        '| sort @timestamp desc',
      ].join('\n'),
    },
    MigrationsQuery: {
      name: 'migrations',
      keys: ['migrateUser'],
      query: [
        'fields @timestamp, userRef, triggerSource, via, status, message',
        "| filter message like /legacy user migrated/ or message = 'request denied'",
        '| sort @timestamp desc',
      ].join('\n'),
    },
    FailedNotificationsQuery: {
      name: 'failed notifications',
      keys: all.filter((key) => FUNCTIONS[key].outcomes.includes('NotificationFailures')),
      // shared/mail/notify.ts: "notification not sent; recorded for retry" and the records that failed.
      query: [
        'fields @timestamp, service, userRef, kind, message, error',
        "| filter level != 'INFO' and (message like /^notification/ or message = 'could not record the failed notification')",
        '| sort @timestamp desc',
      ].join('\n'),
    },
  };
}

/* ---------- the resolvers ---------- */

async function readParameters(resolveVariable) {
  const values = {};
  for (const [name, fallback] of Object.entries(PARAMETERS)) {
    values[name] = String(await resolveVariable(`param:${name}, '${fallback}'`)).trim();
  }
  return values;
}

/** Each function's budget in ms: Cognito's 5 s for a synchronous trigger, else its Lambda timeout. */
async function budgets(resolveConfigurationProperty) {
  const providerTimeout = Number(await resolveConfigurationProperty(['provider', 'timeout'])) || 6;
  const result = {};
  for (const [key, fn] of Object.entries(FUNCTIONS)) {
    const timeout = Number(await resolveConfigurationProperty(['functions', key, 'timeout'])) || providerTimeout;
    result[key] = fn.synchronous ? Math.min(COGNITO_TRIGGER_BUDGET_MS, timeout * 1000) : timeout * 1000;
  }
  return result;
}

async function resources({ resolveVariable, resolveConfigurationProperty }) {
  const raw = await readParameters(resolveVariable);
  const p = {};
  for (const name of Object.keys(PARAMETERS)) {
    if (name === 'alarmTopicArn' || name === 'alarmEmail') continue;
    p[name] = number(name, raw[name]);
  }
  const period = p.alarmPeriodSeconds;
  const Resources = {};
  let actions;
  if (raw.alarmTopicArn) {
    if (!/^arn:aws[a-z-]*:sns:/.test(raw.alarmTopicArn)) throw new Error('alarmTopicArn: expected an SNS topic ARN');
    actions = [raw.alarmTopicArn];
  } else {
    Resources.AlarmTopic = { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'cognito-triggers alarms' } };
    actions = [{ Ref: 'AlarmTopic' }];
    if (raw.alarmEmail) {
      Resources.AlarmEmailSubscription = {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: raw.alarmEmail },
      };
    }
  }
  const alarms = { ...functionAlarms(p, period, await budgets(resolveConfigurationProperty)), ...ownAlarms(p, period) };
  for (const [name, alarm] of Object.entries(alarms)) Resources[name] = alarmResource(name, alarm, actions);

  Resources.OperationsDashboard = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: { DashboardBody: withReferences(dashboardBody()) },
  };
  for (const [name, q] of Object.entries(queries())) {
    Resources[name] = {
      Type: 'AWS::Logs::QueryDefinition',
      Properties: { Name: `cognito-triggers/${q.name}`, QueryString: q.query, LogGroupNames: logGroups(q.keys) },
    };
  }
  return { Resources, Outputs: { AlarmTopicArn: { Value: actions[0] } } };
}

async function logRetentionInDays({ resolveVariable }) {
  const raw = String(await resolveVariable(`param:logRetentionDays, '${PARAMETERS.logRetentionDays}'`));
  const days = Number(raw);
  if (!RETENTION_DAYS.includes(days)) throw new Error(`logRetentionDays: expected one of ${RETENTION_DAYS.join(', ')}`);
  return days;
}

module.exports = {
  resources,
  logRetentionInDays,
  logDataProtectionPolicy: dataProtectionPolicy(),
  // For the tests and the local stack (not resolved by the framework: plain data).
  declaration: { FUNCTIONS, PARAMETERS, NAMESPACE, DATA_IDENTIFIERS, dimensions, logicalName },
};
