/**
 * Settings tables generated from the code that reads the settings. Each function's configuration is
 * read by an EnvReader (shared/config.ts); run on a recording reader, the same reading tells which
 * variables the function reads, with the kind, default and bounds the read declares. The one line of
 * meaning comes from the `settingDescriptions` the reading module exports, and what serverless.yml sets
 * each variable to from serverless.yml. `npm run docs` writes each table between
 * `<!-- settings:<id> -->` and `<!-- /settings -->` in its page; test/docs/settings.test.ts fails when a
 * page is out of step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';
import { EnvReader, type Env, type SettingDescriptions } from '../../shared/config.ts';
import { parameterVariable, type SecretVariable } from '../../shared/runtime/secrets.ts';
import * as clientConfig from '../../shared/aws/client-config.ts';
import * as codes from '../../shared/codes/config.ts';
import * as importJob from '../../shared/import/s3-job.ts';
import * as mail from '../../shared/mail/config.ts';
import * as branding from '../../shared/messages/branding.ts';
import * as passwordless from '../../shared/passwordless/config.ts';
import * as sms from '../../shared/sms/config.ts';
import * as tables from '../../shared/stores/table-names.ts';
import * as createAuthChallenge from '../../functions/create-auth-challenge/config.ts';
import * as customEmailSender from '../../functions/custom-email-sender/config.ts';
import * as customMessage from '../../functions/custom-message/config.ts';
import * as customSmsSender from '../../functions/custom-sms-sender/config.ts';
import * as defineAuthChallenge from '../../functions/define-auth-challenge/config.ts';
import * as inboundFederation from '../../functions/inbound-federation/config.ts';
import * as migrateUser from '../../functions/migrate-user/config.ts';
import * as postAuthentication from '../../functions/post-authentication/config.ts';
import * as postConfirmation from '../../functions/post-confirmation/config.ts';
import * as preAuthentication from '../../functions/pre-authentication/config.ts';
import * as preSignUp from '../../functions/pre-signup/config.ts';
import * as preTokenGeneration from '../../functions/pre-token-generation/config.ts';
import * as verifyAuthChallenge from '../../functions/verify-auth-challenge/config.ts';
import { ROOT } from '../build.ts';
import { INTRINSIC_TAGS } from '../../local-cloud/tables.ts';

export type SettingKind = 'string' | 'required' | 'bool' | 'int' | 'list' | 'oneOf' | 'json' | 'secret';

/** One variable as its read declares it. */
export interface Setting {
  name: string;
  kind: SettingKind;
  fallback?: unknown;
  min?: number;
  max?: number;
  allowed?: readonly string[];
  /** The probe environment under which the reading first read it, when not the empty one. */
  when?: Env;
}

/** What a setting's declaration is, apart from where it was found: two reads of one name must agree. */
function declaration(setting: Setting): string {
  const { name, kind, fallback, min, max, allowed } = setting;
  return JSON.stringify({ name, kind, fallback, min, max, allowed });
}

/**
 * An EnvReader that notes each read's declaration. It reads `env` as the function would (so a reading
 * whose later reads depend on earlier values takes the probe's path), and answers as EnvReader does.
 */
export class RecordingEnvReader extends EnvReader {
  readonly settings: Setting[] = [];
  readonly conflicts: string[] = [];

  constructor(private readonly probe: Env = {}) {
    super(probe);
  }

  private note(setting: Setting): void {
    const known = this.settings.find((entry) => entry.name === setting.name);
    if (!known) {
      this.settings.push(Object.keys(this.probe).length ? { ...setting, when: this.probe } : setting);
    } else if (declaration(known) !== declaration(setting)) {
      this.conflicts.push(`${setting.name}: read as ${declaration(known)} and as ${declaration(setting)}`);
    }
  }

  override string(name: string, fallback: string): string;
  override string(name: string): string | undefined;
  override string(name: string, fallback?: string): string | undefined {
    this.note({ name, kind: 'string', ...(fallback === undefined ? {} : { fallback }) });
    return fallback === undefined ? super.string(name) : super.string(name, fallback);
  }

  /** A secret is deployed as the name of its SSM parameter (`<NAME>_PARAMETER`), which is what the table lists. */
  override secret(name: SecretVariable): string | undefined {
    this.note({ name: parameterVariable(name), kind: 'secret' });
    return super.secret(name);
  }

  override required(name: string): string {
    this.note({ name, kind: 'required' });
    return super.required(name);
  }

  override bool(name: string, fallback: boolean): boolean {
    this.note({ name, kind: 'bool', fallback });
    return super.bool(name, fallback);
  }

  override int(name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
    this.note({ name, kind: 'int', fallback, ...bounds });
    return super.int(name, fallback, bounds);
  }

  override list(name: string, fallback: readonly string[] = [], options: { lowerCase?: boolean } = {}): string[] {
    this.note({ name, kind: 'list', fallback: [...fallback] });
    return super.list(name, fallback, options);
  }

  override oneOf<const T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    this.note({ name, kind: 'oneOf', fallback, allowed: [...allowed] });
    return super.oneOf(name, allowed, fallback);
  }

  override json<T>(name: string, fallback: T, validate: (value: unknown) => string[]): T {
    this.note({ name, kind: 'json', fallback });
    return super.json(name, fallback, validate);
  }
}

/** One table: a reading, the page it is documented on, and the serverless.yml functions it configures. */
export interface SettingsBlock {
  id: string;
  page: string;
  read: (env: EnvReader) => unknown;
  /** serverless.yml's function keys whose environment this reading reads. */
  functions: readonly string[];
  /** Environments that take a reading's other paths (settings read only when another is set so). */
  probes?: readonly Env[];
}

const MAGIC_LINKS_ON: Env = { PASSWORDLESS_METHODS: 'EMAIL_OTP,MAGIC_LINK' };

export const SETTINGS_BLOCKS: readonly SettingsBlock[] = [
  { id: 'pre-signup', page: 'docs/pre-signup.md', read: preSignUp.loadConfig.read, functions: ['preSignUp'] },
  {
    id: 'post-confirmation',
    page: 'docs/post-confirmation.md',
    read: postConfirmation.loadConfig.read,
    functions: ['postConfirmation'],
  },
  {
    id: 'pre-authentication',
    page: 'docs/pre-authentication.md',
    read: preAuthentication.loadConfig.read,
    functions: ['preAuthentication'],
  },
  {
    id: 'post-authentication',
    page: 'docs/post-authentication.md',
    read: postAuthentication.loadConfig.read,
    functions: ['postAuthentication'],
  },
  {
    id: 'inbound-federation',
    page: 'docs/inbound-federation.md',
    read: inboundFederation.loadConfig.read,
    functions: ['inboundFederation'],
  },
  { id: 'migrate-user', page: 'docs/migrate-user.md', read: migrateUser.loadConfig.read, functions: ['migrateUser'] },
  {
    id: 'pre-token-generation',
    page: 'docs/pre-token-generation.md',
    read: preTokenGeneration.loadConfig.read,
    functions: ['preTokenGeneration'],
  },
  { id: 'custom-message', page: 'docs/messages.md', read: customMessage.loadConfig.read, functions: ['customMessage'] },
  {
    id: 'custom-email-sender',
    page: 'docs/messages.md',
    read: customEmailSender.loadConfig.read,
    functions: ['customEmailSender'],
  },
  {
    id: 'custom-sms-sender',
    page: 'docs/messages.md',
    read: customSmsSender.loadConfig.read,
    functions: ['customSmsSender'],
  },
  {
    id: 'define-auth-challenge',
    page: 'docs/passwordless.md',
    read: defineAuthChallenge.loadConfig.read,
    functions: ['defineAuthChallenge'],
  },
  {
    id: 'create-auth-challenge',
    page: 'docs/passwordless.md',
    read: createAuthChallenge.loadConfig.read,
    functions: ['createAuthChallenge'],
    probes: [MAGIC_LINKS_ON],
  },
  {
    id: 'verify-auth-challenge',
    page: 'docs/passwordless.md',
    read: verifyAuthChallenge.loadConfig.read,
    functions: ['verifyAuthChallenge'],
    probes: [MAGIC_LINKS_ON],
  },
  {
    id: 'import',
    page: 'docs/import.md',
    read: importJob.readImportJob,
    functions: ['batchImport', 'importBatch', 'importAssemble'],
  },
  {
    id: 'aws-clients',
    page: 'docs/configuration.md',
    read: clientConfig.readClientSettings,
    functions: [],
  },
];

/** Every module that reads settings, with the meanings it declares. */
export const DESCRIPTION_MODULES: Readonly<Record<string, SettingDescriptions>> = {
  'functions/create-auth-challenge/config.ts': createAuthChallenge.settingDescriptions,
  'functions/custom-message/config.ts': customMessage.settingDescriptions,
  'functions/inbound-federation/config.ts': inboundFederation.settingDescriptions,
  'functions/migrate-user/config.ts': migrateUser.settingDescriptions,
  'functions/post-authentication/config.ts': postAuthentication.settingDescriptions,
  'functions/post-confirmation/config.ts': postConfirmation.settingDescriptions,
  'functions/pre-authentication/config.ts': preAuthentication.settingDescriptions,
  'functions/pre-signup/config.ts': preSignUp.settingDescriptions,
  'functions/pre-token-generation/config.ts': preTokenGeneration.settingDescriptions,
  'shared/aws/client-config.ts': clientConfig.settingDescriptions,
  'shared/codes/config.ts': codes.settingDescriptions,
  'shared/import/s3-job.ts': importJob.settingDescriptions,
  'shared/mail/config.ts': mail.settingDescriptions,
  'shared/messages/branding.ts': branding.settingDescriptions,
  'shared/passwordless/config.ts': passwordless.settingDescriptions,
  'shared/sms/config.ts': sms.settingDescriptions,
  'shared/stores/table-names.ts': tables.settingDescriptions,
};

/** What a reading reads: its settings in order of first read, over the empty environment and its probes. */
export function recordSettings(block: SettingsBlock): Setting[] {
  const settings: Setting[] = [];
  const conflicts: string[] = [];
  for (const probe of [{}, ...(block.probes ?? [])]) {
    const reader = new RecordingEnvReader(probe);
    block.read(reader);
    conflicts.push(...reader.conflicts);
    for (const setting of reader.settings) {
      const known = settings.find((entry) => entry.name === setting.name);
      if (!known) settings.push(setting);
      else if (declaration(known) !== declaration(setting)) conflicts.push(`${setting.name}: read in two ways`);
    }
  }
  if (conflicts.length)
    throw new Error(`${block.id}: a setting is read with two declarations:\n${conflicts.join('\n')}`);
  return settings;
}

/** Every description by name; a name described by two modules is an error (one source). */
export function descriptions(): Map<string, string> {
  const all = new Map<string, string>();
  const twice: string[] = [];
  for (const [module, described] of Object.entries(DESCRIPTION_MODULES)) {
    for (const [name, text] of Object.entries(described)) {
      if (all.has(name)) twice.push(`${name} (again in ${module})`);
      all.set(name, text);
    }
  }
  if (twice.length) throw new Error(`settings described twice: ${twice.join(', ')}`);
  return all;
}

/** The variables serverless.yml gives each function: the provider's, then the function's own. */
export function deployedEnvironments(root: string = ROOT): Map<string, Record<string, unknown>> {
  const template = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'), {
    customTags: INTRINSIC_TAGS,
    merge: true,
  }) as {
    provider?: { environment?: Record<string, unknown> };
    functions?: Record<string, { environment?: Record<string, unknown> }>;
  };
  const shared = template.provider?.environment ?? {};
  return new Map(
    Object.entries(template.functions ?? {}).map(([key, fn]) => [key, { ...shared, ...(fn.environment ?? {}) }]),
  );
}

const parameterDefaultsOf = new Map<string, Record<string, unknown>>();

/** The stage parameters' defaults (serverless.yml `params.default`). */
function parameterDefaults(root: string = ROOT): Record<string, unknown> {
  const known = parameterDefaultsOf.get(root);
  if (known) return known;
  const template = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'), {
    customTags: INTRINSIC_TAGS,
    merge: true,
  }) as { params?: { default?: Record<string, unknown> } };
  const defaults = template.params?.default ?? {};
  parameterDefaultsOf.set(root, defaults);
  return defaults;
}

const code = (text: string): string => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

function defaultOf(setting: Setting): string {
  const { kind, fallback } = setting;
  if (kind === 'required') return '(required)';
  if (fallback === undefined) return '(none)';
  if (Array.isArray(fallback)) return fallback.length ? code(fallback.join(',')) : '(none)';
  if (kind === 'json') return code(JSON.stringify(fallback));
  if (typeof fallback === 'string' && kind === 'string' && /\s/u.test(fallback)) return `"${fallback}"`;
  return code(String(fallback));
}

function valuesOf(setting: Setting): string {
  switch (setting.kind) {
    case 'bool':
      return '`true`, `false`';
    case 'int': {
      const low = setting.min ?? Number.MIN_SAFE_INTEGER;
      const high = setting.max ?? Number.MAX_SAFE_INTEGER;
      if (high === Number.MAX_SAFE_INTEGER)
        return low === Number.MIN_SAFE_INTEGER ? 'a whole number' : `${low} or more`;
      return `${low} to ${high}`;
    }
    case 'oneOf':
      return (setting.allowed ?? []).map(code).join(', ');
    case 'list':
      return 'a comma-separated list';
    case 'json':
      return 'JSON';
    case 'secret':
      return `an SSM SecureString's name (locally: the plain \`${setting.name.replace(/_PARAMETER$/u, '')}\`)`;
    default:
      return 'text';
  }
}

/** What serverless.yml sets the variable to for the block's functions: a parameter, a value, or the stack's own. */
function deployedAs(name: string, block: SettingsBlock, environments: Map<string, Record<string, unknown>>): string {
  const values = new Set(block.functions.map((fn) => environments.get(fn)?.[name]).filter((v) => v !== undefined));
  if (values.size === 0) return '';
  if (values.size > 1) return 'differs per function';
  const [value] = [...values];
  const parameter = typeof value === 'string' ? /^\$\{param:([A-Za-z0-9]+)\}$/u.exec(value)?.[1] : undefined;
  if (parameter) {
    const fallback = parameterDefaults()[parameter];
    return `parameter ${code(parameter)}${fallback === undefined || fallback === '' ? '' : ` (${code(String(fallback))})`}`;
  }
  if (typeof value === 'string' && !value.includes('${')) return code(value);
  return "the stack's";
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The block's table, as Markdown (prettier aligns it when the page is formatted). */
export function settingsTable(
  block: SettingsBlock,
  described: Map<string, string> = descriptions(),
  environments: Map<string, Record<string, unknown>> = deployedEnvironments(),
): string {
  const rows = recordSettings(block).map((setting) => {
    const when = setting.when
      ? ` (read only with ${Object.entries(setting.when)
          .map(([key, value]) => code(`${key}=${value ?? ''}`))
          .join(', ')})`
      : '';
    const meaning = (described.get(setting.name) ?? '(no description)') + when;
    return [
      code(setting.name),
      defaultOf(setting),
      valuesOf(setting),
      deployedAs(setting.name, block, environments),
      meaning,
    ].map(cell);
  });
  const header = ['variable', 'default', 'values', 'serverless.yml', 'meaning'];
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

export const BLOCK_START = (id: string): string => `<!-- settings:${id} -->`;
export const BLOCK_END = '<!-- /settings -->';

/** The page with each of its blocks' tables written anew, formatted as the repository formats Markdown. */
export async function renderPage(
  page: string,
  text: string,
  blocks: readonly SettingsBlock[] = SETTINGS_BLOCKS,
): Promise<string> {
  const described = descriptions();
  const environments = deployedEnvironments();
  let result = text;
  for (const block of blocks.filter((entry) => entry.page === page)) {
    const start = result.indexOf(BLOCK_START(block.id));
    if (start < 0) throw new Error(`${page}: no ${BLOCK_START(block.id)} marker`);
    const end = result.indexOf(BLOCK_END, start);
    if (end < 0) throw new Error(`${page}: ${BLOCK_START(block.id)} has no ${BLOCK_END}`);
    const table = settingsTable(block, described, environments);
    result = `${result.slice(0, start)}${BLOCK_START(block.id)}\n\n${table}\n\n${result.slice(end)}`;
  }
  const options = (await resolveConfig(join(ROOT, page))) ?? {};
  return format(result, { ...options, filepath: join(ROOT, page) });
}

/** The pages that hold settings tables. */
export function settingsPages(): string[] {
  return [...new Set(SETTINGS_BLOCKS.map((block) => block.page))];
}
