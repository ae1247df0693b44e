/**
 * The settings tables of docs/ are the code's: each is what `npm run docs` renders from the function's
 * own reading (scripts/docs/settings.ts), and every variable serverless.yml sets is one the function
 * reads. A page edited by hand, a default changed in code without `npm run docs`, a new setting without
 * a description or a variable the stack sets that nothing reads fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/build.ts';
import { markdownFiles } from '../../scripts/docs/markdown.ts';
import {
  BLOCK_START,
  DESCRIPTION_MODULES,
  RecordingEnvReader,
  SETTINGS_BLOCKS,
  deployedEnvironments,
  descriptions,
  recordSettings,
  renderPage,
  settingsPages,
  settingsTable,
  type SettingsBlock,
} from '../../scripts/docs/settings.ts';

const read = (page: string): string => readFileSync(join(ROOT, page), 'utf8');

/** Read by the runtime (Powertools, the log pseudonym, Node) rather than by a function's configuration. */
const RUNTIME_VARIABLES = new Set([
  'NODE_OPTIONS',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'LOG_HASH_KEY',
  // Read by the runtime wrapper before any configuration (shared/runtime/secrets.ts), as LOG_HASH_KEY is
  // by observability.ts; the import's job functions get it from the provider's environment but log no userRef.
  'LOG_HASH_KEY_PARAMETER',
]);

describe('settings tables, generated from the code that reads the settings', () => {
  it.each(settingsPages())('%s is in step with the code (else: npm run docs)', async (page) => {
    const text = read(page);
    expect(await renderPage(page, text)).toBe(text);
  });

  it('puts each table once, in its page', () => {
    for (const block of SETTINGS_BLOCKS) {
      expect({ block: block.id, count: read(block.page).split(BLOCK_START(block.id)).length - 1 }).toEqual({
        block: block.id,
        count: 1,
      });
    }
  });

  it('describes every setting a function reads, and nothing that none reads', () => {
    const described = descriptions();
    const recorded = new Set(SETTINGS_BLOCKS.flatMap((block) => recordSettings(block).map((setting) => setting.name)));
    expect([...recorded].filter((name) => !described.has(name))).toEqual([]);
    expect([...described.keys()].filter((name) => !recorded.has(name))).toEqual([]);
  });

  it('has a table for every function serverless.yml deploys', () => {
    const covered = new Set(SETTINGS_BLOCKS.flatMap((block) => block.functions));
    expect([...deployedEnvironments().keys()].filter((fn) => !covered.has(fn))).toEqual([]);
  });

  it('finds every variable serverless.yml sets read by that function (no setting the code ignores)', () => {
    const environments = deployedEnvironments();
    const ignored: string[] = [];
    for (const block of SETTINGS_BLOCKS) {
      const names = new Set(recordSettings(block).map((setting) => setting.name));
      for (const fn of block.functions) {
        for (const variable of Object.keys(environments.get(fn) ?? {})) {
          if (!names.has(variable) && !RUNTIME_VARIABLES.has(variable)) ignored.push(`${fn}: ${variable}`);
        }
      }
    }
    expect(ignored).toEqual([]);
  });

  it('gives every function that reads a variable the deploy parameter any function gets it from', () => {
    // A parameter that reaches custom-message's e-mails but not the welcome e-mail (both render the
    // branding) would brand one message and not the other.
    const environments = deployedEnvironments();
    const parameterOf = (value: unknown) =>
      typeof value === 'string' ? /^\$\{param:([A-Za-z0-9]+)\}$/u.exec(value)?.[1] : undefined;
    const fromParameter = new Map<string, string>();
    for (const environment of environments.values()) {
      for (const [variable, value] of Object.entries(environment)) {
        const parameter = parameterOf(value);
        if (parameter) fromParameter.set(variable, parameter);
      }
    }
    const missing: string[] = [];
    for (const block of SETTINGS_BLOCKS) {
      for (const { name } of recordSettings(block)) {
        const parameter = fromParameter.get(name);
        if (!parameter) continue;
        for (const fn of block.functions) {
          if (parameterOf(environments.get(fn)?.[name]) !== parameter) missing.push(`${fn}: ${name} (${parameter})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents every deploy parameter serverless.yml reads in a table of docs/', () => {
    const sources = ['serverless.yml', ...readdirSync(join(ROOT, 'infra')).map((file) => `infra/${file}`)];
    const parameters = new Set(
      sources.flatMap((file) => [...read(file).matchAll(/param:([A-Za-z0-9]+)/gu)].map((m) => m[1])),
    );
    const rows = markdownFiles()
      .filter((file) => file.startsWith('docs/'))
      .flatMap((file) => read(file).split('\n'))
      .filter((line) => line.startsWith('|'));
    const documented = (parameter: string) =>
      rows.some((row) => row.startsWith(`| \`${parameter}\` `) || row.includes(`parameter \`${parameter}\``));
    expect([...parameters].filter((parameter) => parameter && !documented(parameter))).toEqual([]);
  });
});

describe('the recording reader', () => {
  it('notes each read with its kind, default and bounds, and answers as the EnvReader does', () => {
    const reader = new RecordingEnvReader({ B: 'yes' });
    expect(reader.int('A', 3, { min: 1, max: 9 })).toBe(3);
    expect(reader.bool('B', false)).toBe(true);
    expect(reader.oneOf('C', ['x', 'y'] as const, 'x')).toBe('x');
    reader.required('D');
    expect(reader.settings).toEqual([
      { name: 'A', kind: 'int', fallback: 3, min: 1, max: 9, when: { B: 'yes' } },
      { name: 'B', kind: 'bool', fallback: false, when: { B: 'yes' } },
      { name: 'C', kind: 'oneOf', fallback: 'x', allowed: ['x', 'y'], when: { B: 'yes' } },
      { name: 'D', kind: 'required', when: { B: 'yes' } },
    ]);
    expect(reader.problems).toEqual(['D: required, not set']);
  });

  it('refuses one variable read with two defaults: the table could show only one', () => {
    const block: SettingsBlock = {
      id: 'twice',
      page: 'docs/none.md',
      functions: [],
      read: (env) => [env.int('N', 1), env.int('N', 2)],
    };
    expect(() => recordSettings(block)).toThrow(/N: read as/u);
  });

  it('renders a changed default, and marks settings read only under a probe', () => {
    const block = (fallback: number): SettingsBlock => ({
      id: 'probe',
      page: 'docs/none.md',
      functions: [],
      probes: [{ MODE: 'on' }],
      read: (env) => (env.string('MODE') === 'on' ? env.int('LATER', fallback, { min: 0 }) : undefined),
    });
    const described = new Map([
      ['MODE', 'the mode'],
      ['LATER', 'read when on'],
    ]);
    const table = settingsTable(block(5), described, new Map());
    expect(table).toContain('| `LATER` | `5` | 0 or more |  | read when on (read only with `MODE=on`) |');
    expect(settingsTable(block(6), described, new Map())).not.toBe(table);
  });

  it('is fed by every module that declares settings descriptions', () => {
    const declaring = ['functions', 'shared']
      .flatMap((folder) =>
        readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' }).map((f) => `${folder}/${f}`),
      )
      .filter((file) => file.endsWith('.ts') && read(file).includes('export const settingDescriptions'))
      .sort();
    expect(Object.keys(DESCRIPTION_MODULES).sort()).toEqual(declaring);
  });
});
