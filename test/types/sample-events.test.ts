/**
 * Every sample event in events/ against @types/aws-lambda's event type for its trigger, and every
 * function's answer to it against the same type (a Cognito trigger answers with the event, its
 * `response` filled in): by the TypeScript compiler, on the JSON as it is on disk, with its literal
 * types (`as const`), so "TokenGeneration_Authentication" is checked against the trigger-source union
 * and not widened to string. No excess-property check: Cognito adds fields @types does not know.
 *
 * Where @types/aws-lambda is wrong about what Cognito sends, the exception is listed below with the
 * guide's words, and applied to the value before the check (a null dropped, a missing object added...),
 * at that path only: everything else must match @types exactly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { seedLegacyDirectory } from '../fuzz/legacy-directory.ts';
import { startFunctions, type Functions } from '../conformance/guide.ts';

const ROOT = process.cwd();
const EVENTS = join(ROOT, 'events');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

interface Exception {
  /** What @types/aws-lambda gets wrong, and the guide's words for what Cognito does. */
  readonly why: string;
  readonly applies: (trigger: string, path: Path, value: Json, kind: 'event' | 'answer') => boolean;
  /** drop: the key goes (a null @types types as absent); text: a JSON value becomes its text. */
  readonly fix: 'drop' | 'text';
}

const at = (path: Path, ...pattern: string[]) =>
  path.length === pattern.length && pattern.every((part, index) => part === '*' || part === String(path[index]));

/** The exceptions: each names where it applies. */
export const EXCEPTIONS: readonly Exception[] = [
  {
    why:
      'a null field in an answer is a field not returned: Cognito sends the response fields null itself and reads them ' +
      "back unset (user-pool-lambda-migrate-user.md: \"If you don't set this attribute to CONFIRMED, it's set to " +
      'RESET_REQUIRED"); @types has them optional or required, never null',
    applies: (_t, path, value, kind) =>
      kind === 'answer' && value === null && path[0] === 'response' && path.length === 2,
    fix: 'drop',
  },
  {
    why:
      'validationData and clientMetadata arrive as null when the app sent none (the guide: "One or more ' +
      'name-value pairs containing the validation data in the request", sent only when the app passes ValidationData)',
    applies: (_t, path, value) =>
      value === null && (at(path, 'request', 'validationData') || at(path, 'request', 'clientMetadata')),
    fix: 'drop',
  },
  {
    why:
      'challengeMetadata is null for the steps Cognito runs (user-pool-lambda-define-auth-challenge.md: ' +
      '"challengeMetadata: Your name for the custom challenge. Used only if challengeName is CUSTOM_CHALLENGE")',
    applies: (_t, path, value) => value === null && at(path, 'request', 'session', '*', 'challengeMetadata'),
    fix: 'drop',
  },
  {
    why:
      'groupConfiguration.preferredRole is null for a user without a preferred role (user-pool-lambda-pre-token-generation.md: ' +
      '"preferredRole: A string indicating the preferred IAM role"; Cognito sends null when there is none)',
    applies: (_t, path, value) => value === null && at(path, 'request', 'groupConfiguration', 'preferredRole'),
    fix: 'drop',
  },
  {
    why:
      "inbound federation provider claims are the provider's JSON, not strings only (user-pool-lambda-inbound-federation.md: " +
      '"attributes: The raw attributes received from the identity provider before processing"; expires_in, email_verified)',
    applies: (trigger, path, value) =>
      trigger === 'InboundFederation' &&
      path[0] === 'request' &&
      path[1] === 'attributes' &&
      path.length === 4 &&
      typeof value !== 'string',
    fix: 'text',
  },
  {
    why:
      'account-takeover notices carry CITY, COUNTRY, DEVICE_NAME as null when Cognito does not know them (issue 16 item 2, ' +
      'design section 3: "CITY, COUNTRY, DEVICE_NAME ... may be null"); @types has them optional strings',
    applies: (_t, path, value) =>
      value === null &&
      at(path, 'request', 'userAttributes', '*') &&
      ['CITY', 'COUNTRY', 'DEVICE_NAME'].includes(String(path[2])),
    fix: 'drop',
  },
];

/** Whole-object exceptions: each returns the value as @types expects it, or the value untouched. */
const SHAPE_EXCEPTIONS: readonly {
  why: string;
  apply: (trigger: string, event: Record<string, Json>) => Record<string, Json>;
}[] = [
  {
    why:
      "the custom senders' events carry no response (user-pool-lambda-custom-email-sender.md: the sender sends the " +
      "message itself, asynchronously, and Cognito reads no answer); @types' BaseTriggerEvent requires one",
    apply: (trigger, event) =>
      (trigger === 'CustomEmailSender' || trigger === 'CustomSMSSender') && !('response' in event)
        ? { ...event, response: {} }
        : event,
  },
  {
    why:
      'a migration answer may leave out desiredDeliveryMediums (user-pool-lambda-migrate-user.md: "If your function ' +
      'doesn\'t return this parameter, Amazon Cognito sends the welcome message by SMS"): absent is ["SMS"]; @types requires it',
    apply: (trigger, event) => {
      const response = event.response as Record<string, Json> | undefined;
      if (trigger !== 'UserMigration' || !response?.userAttributes || 'desiredDeliveryMediums' in response)
        return event;
      return { ...event, response: { ...response, desiredDeliveryMediums: ['SMS'] } };
    },
  },
  {
    why:
      'V3 client-credentials events have no user: userName and userAttributes null or absent (issue 16 item 5); ' +
      "@types' V3 type requires both",
    apply: (trigger, event) => {
      if (trigger !== 'PreTokenGeneration' || event.triggerSource !== 'TokenGeneration_ClientCredentials') return event;
      const request = (event.request ?? {}) as Record<string, Json>;
      return {
        ...event,
        userName: event.userName ?? '',
        request: { ...request, userAttributes: request.userAttributes ?? {} },
      };
    },
  },
];

function applyExceptions(trigger: string, kind: 'event' | 'answer', value: Json, path: Path = []): Json | undefined {
  for (const exception of EXCEPTIONS) {
    if (path.length && exception.applies(trigger, path, value, kind)) {
      if (exception.fix === 'drop') return undefined;
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  if (Array.isArray(value))
    return value.map((item, index) => applyExceptions(trigger, kind, item, [...path, index]) ?? null);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).flatMap(([key, item]) => {
      const kept = applyExceptions(trigger, kind, item, [...path, key]);
      return kept === undefined ? [] : [[key, kept] as const];
    });
    let result: Record<string, Json> = Object.fromEntries(entries);
    if (path.length === 0) for (const shape of SHAPE_EXCEPTIONS) result = shape.apply(trigger, result);
    return result;
  }
  return value;
}

/**
 * Type-level exceptions, where a value cannot be adjusted without changing its meaning: wrappers of the
 * @types type, defined in the checked file, each applied where `applies` says.
 */
export const TYPE_EXCEPTIONS: readonly {
  readonly wrapper: string;
  readonly definition: string;
  readonly why: string;
  readonly applies: (event: Record<string, Json>, kind: 'event' | 'answer') => boolean;
}[] = [
  {
    wrapper: 'Incoming',
    definition:
      "type Incoming<T> = T extends { response: infer R } ? Omit<T, 'response'> & { response: { [K in keyof R]?: R[K] | null } } : T;",
    why:
      "an incoming event's response holds its fields null or not at all: they are the function's to fill (the guide, every " +
      'trigger page: "Amazon Cognito passes event information to your Lambda function. The function then returns the same ' +
      'event object back to Amazon Cognito, with any changes in the response"); @types types the event as the answer',
    applies: (_event, kind) => kind === 'event',
  },
  {
    wrapper: 'Caller',
    definition:
      "type Caller<T> = T extends unknown ? Omit<T, 'callerContext'> & { callerContext: { awsSdkVersion: string | null; clientId?: string | null } } : never;",
    why:
      'callerContext.clientId is null or absent in admin flows (design section 3: "null for AdminConfirmSignUp"), and real ' +
      'CustomEmailSender_AccountTakeOverNotification events carry awsSdkVersion and clientId null (issue 16 item 2); ' +
      '@types has both as strings',
    applies: () => true,
  },
  {
    wrapper: 'Unchanged',
    definition: "type Unchanged<T> = T extends unknown ? T | (Omit<T, 'response'> & { response: {} }) : never;",
    why:
      'a pre token generation answer may change nothing: the event as it came, response {} (user-pool-lambda-pre-token-' +
      'generation.md: "The function then returns the same event object back to Amazon Cognito, with any changes in the ' +
      'response"); @types requires claimsOverrideDetails / claimsAndScopeOverrideDetails',
    applies: (event, kind) =>
      kind === 'answer' &&
      typeof event.triggerSource === 'string' &&
      event.triggerSource.startsWith('TokenGeneration_'),
  },
  {
    wrapper: 'NoPassword',
    definition:
      "type NoPassword<T> = T extends { request: infer Q } ? Omit<T, 'request'> & { request: Omit<Q, 'password'> } : T;",
    why:
      "user-pool-lambda-migrate-user.md: \"password ... Amazon Cognito doesn't send this value in a request that's " +
      'initiated by a forgot-password flow"; @types requires it in every migration event',
    applies: (event) => event.triggerSource === 'UserMigration_ForgotPassword',
  },
];

/** The @types/aws-lambda type of each event folder's samples (pre token generation: by version). */
const TYPE_OF: Readonly<Record<string, { trigger: string; type: (event: Record<string, Json>) => string }>> = {
  'pre-signup': { trigger: 'PreSignUp', type: () => 'PreSignUpTriggerEvent' },
  'post-confirmation': { trigger: 'PostConfirmation', type: () => 'PostConfirmationTriggerEvent' },
  'pre-authentication': { trigger: 'PreAuthentication', type: () => 'PreAuthenticationTriggerEvent' },
  'post-authentication': { trigger: 'PostAuthentication', type: () => 'PostAuthenticationTriggerEvent' },
  'migrate-user': { trigger: 'UserMigration', type: () => 'UserMigrationTriggerEvent' },
  'pre-token-generation': {
    trigger: 'PreTokenGeneration',
    type: (event) =>
      event.triggerSource === 'TokenGeneration_ClientCredentials'
        ? 'PreTokenGenerationV3TriggerEvent'
        : event.version === '2' || event.version === '3'
          ? 'PreTokenGenerationV2TriggerEvent'
          : 'PreTokenGenerationTriggerEvent',
  },
  'custom-message': { trigger: 'CustomMessage', type: () => 'CustomMessageTriggerEvent' },
  'custom-email-sender': { trigger: 'CustomEmailSender', type: () => 'CustomEmailSenderTriggerEvent' },
  'custom-sms-sender': { trigger: 'CustomSMSSender', type: () => 'CustomSMSSenderTriggerEvent' },
  'define-auth-challenge': { trigger: 'DefineAuthChallenge', type: () => 'DefineAuthChallengeTriggerEvent' },
  'create-auth-challenge': { trigger: 'CreateAuthChallenge', type: () => 'CreateAuthChallengeTriggerEvent' },
  'verify-auth-challenge': {
    trigger: 'VerifyAuthChallengeResponse',
    type: () => 'VerifyAuthChallengeResponseTriggerEvent',
  },
  'inbound-federation': { trigger: 'InboundFederation', type: () => 'InboundFederationTriggerEvent' },
  'batch-import': { trigger: 'S3', type: () => 'S3Event' },
};
/** Our own Step Functions payloads: no @types type describes them (the functions' checks do, test/unit/import). */
const NOT_AWS_EVENTS = new Set(['import-batch', 'import-assemble']);

interface Case {
  readonly name: string;
  /** The @types type, as 'aws-lambda' names it. */
  readonly type: string;
  /** The type expression checked: the @types type in the wrappers that apply. */
  readonly checked: string;
  readonly value: Json;
}

const samples = readdirSync(EVENTS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) =>
    readdirSync(join(EVENTS, folder.name))
      .filter((file) => file.endsWith('.json'))
      .map((file) => ({ folder: folder.name, file: join(EVENTS, folder.name, file) })),
  );

const cases: Case[] = [];
function addCase(name: string, folder: string, value: Json, kind: 'event' | 'answer'): void {
  const mapping = TYPE_OF[folder];
  if (!mapping) throw new Error(`no @types type for events/${folder}`);
  const event = value as Record<string, Json>;
  const adjusted = applyExceptions(mapping.trigger, kind, value) as Record<string, Json>;
  const type = mapping.type(event);
  const checked =
    folder === 'batch-import'
      ? type
      : TYPE_EXCEPTIONS.filter((e) => e.applies(event, kind)).reduce((inner, e) => `${e.wrapper}<${inner}>`, type);
  cases.push({ name, type, checked, value: adjusted });
}

/** Compiles the cases in one virtual file beside this one; returns the diagnostics per case. */
function typeCheck(all: readonly Case[]): Map<string, string[]> {
  const fileName = join(ROOT, 'test', 'types', '__sample-events__.ts');
  const types = [...new Set(all.map((c) => c.type))].sort();
  const lines = [
    `import type { ${types.join(', ')} } from 'aws-lambda';`,
    'type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;',
    'declare function check<T>(value: DeepReadonly<T>): void;',
    ...TYPE_EXCEPTIONS.map((e) => e.definition),
  ];
  const lineOf: { line: number; name: string }[] = [];
  all.forEach((c, index) => {
    lineOf.push({ line: lines.length, name: c.name });
    lines.push(`const c${index} = ${JSON.stringify(c.value)} as const;`);
    lines.push(`check<${c.checked}>(c${index});`);
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  const program = ts.createProgram([fileName], options, host);
  const found = new Map<string, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program, program.getSourceFile(fileName))) {
    const line =
      diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
        : -1;
    const owner = [...lineOf].reverse().find((entry) => entry.line <= line)?.name ?? '(file)';
    found.set(owner, [...(found.get(owner) ?? []), ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')]);
  }
  return found;
}

let functions: Functions;
let diagnostics: Map<string, string[]>;

beforeAll(async () => {
  functions = await startFunctions(
    [...new Set(samples.map((s) => s.folder))].filter((f) => TYPE_OF[f] && f !== 'batch-import'),
  );
  for (const { folder, file } of samples) {
    if (NOT_AWS_EVENTS.has(folder)) continue;
    const name = relative(ROOT, file);
    const event = JSON.parse(readFileSync(file, 'utf8')) as Json;
    addCase(name, folder, event, 'event');
    if (folder === 'batch-import') continue;
    if (folder === 'migrate-user')
      await seedLegacyDirectory(functions.world.dynamodb, functions.world.tables, event, 1);
    const outcome = await functions.run(folder, event);
    // A refusal (UserFacingError) is no answer; the custom senders answer nothing Cognito reads.
    if ('answer' in outcome && outcome.answer !== undefined && outcome.answer !== null) {
      addCase(`${name} (answer of functions/${folder})`, folder, outcome.answer as Json, 'answer');
    }
  }
  // The real account-takeover notice (issue 16 item 2), whatever today's sample holds.
  const takeOver = JSON.parse(
    readFileSync(join(EVENTS, 'custom-email-sender', 'CustomEmailSender_AccountTakeOverNotification.json'), 'utf8'),
  ) as { callerContext: Record<string, Json>; request: { userAttributes: Record<string, Json> } };
  const { email: _email, ...attributes } = takeOver.request.userAttributes;
  addCase(
    'the account-takeover notice as Cognito sends it',
    'custom-email-sender',
    {
      ...takeOver,
      callerContext: { awsSdkVersion: null, clientId: null },
      request: { ...takeOver.request, userAttributes: { ...attributes, CITY: null, COUNTRY: null, DEVICE_NAME: null } },
    } as unknown as Json,
    'event',
  );
  diagnostics = typeCheck(cases);
}, 120_000);
afterAll(() => functions?.stop());

it('checks every sample event and answer (import-batch and import-assemble are our own Step Functions payloads)', () => {
  const events = samples.filter((s) => !NOT_AWS_EVENTS.has(s.folder)).length;
  expect(cases.filter((c) => !c.name.includes('(answer of')).length).toBe(events + 1);
  expect(cases.filter((c) => c.name.includes('(answer of')).length).toBeGreaterThan(20);
});

it('every sample and answer type-checks against @types/aws-lambda, but for the listed exceptions', () => {
  expect(Object.fromEntries(diagnostics)).toEqual({});
});

it('the check is real: a wrong trigger source, a number for a string, a missing field are caught', () => {
  const base = JSON.parse(readFileSync(join(EVENTS, 'pre-signup', 'PreSignUp_SignUp.json'), 'utf8')) as Record<
    string,
    Json
  >;
  const wrong: Case[] = [
    { name: 'source', value: { ...base, triggerSource: 'PreSignUp_Nonsense' } },
    { name: 'number', value: { ...base, userPoolId: 5 } },
    { name: 'missing', value: { ...base, request: {} } },
  ].map((c) => ({ ...c, type: 'PreSignUpTriggerEvent', checked: 'Caller<Incoming<PreSignUpTriggerEvent>>' }));
  expect([...typeCheck(wrong).keys()].sort()).toEqual(['missing', 'number', 'source']);
}, 60_000);
