/**
 * Each function bundles its own trigger's definition and no other: the runtime takes the definition, and
 * nothing a handler imports may reach the registry (which imports every trigger file) or the events
 * barrel (which re-exports the registry). esbuild keeps a module's top-level schema calls whenever the
 * module is imported, so one stray import of the barrel puts all thirteen triggers back in the bundle.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_OPTIONS, functionNames, ROOT } from '../../../scripts/build.ts';
import { SENDER_KINDS } from '../../../shared/codes/deliver.ts';
import { triggerOfFunction } from '../../../shared/events/index.ts';
import { EVERY_EMAIL, EVERY_SMS } from '../../../shared/messages/catalog.generated.ts';
import { MESSAGE_KINDS, type MessageKind } from '../../../shared/messages/kinds.ts';

const TRIGGER_FILES_DIR = 'shared/events/triggers';

/** The trigger files of the library, by the trigger names each defines (`name: 'PreSignUp'`). */
function triggerFiles(): Map<string, string[]> {
  return new Map(
    readdirSync(join(ROOT, TRIGGER_FILES_DIR))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => {
        const source = readFileSync(join(ROOT, TRIGGER_FILES_DIR, file), 'utf8');
        const names = [...source.matchAll(/^ {2}name: '(\w+)',$/gmu)].map((match) => match[1] ?? '');
        return [`${TRIGGER_FILES_DIR}/${file}`, names];
      }),
  );
}

async function metafileOf(name: string): Promise<Metafile> {
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [`functions/${name}/handler.ts`],
    outfile: join(tmpdir(), `bundles-test-${name}.js`),
    write: false,
    metafile: true,
  });
  return result.metafile;
}

describe("a function's bundle", () => {
  const files = triggerFiles();

  it('finds the definition file of every trigger', () => {
    // the test below is only as good as this map: 13 triggers in the files, each named once
    const named = [...files.values()].flat();
    expect(named).toHaveLength(13);
    expect(new Set(named).size).toBe(13);
  });

  it.each(functionNames())('of %s holds its own trigger definition file and no other', async (name) => {
    const trigger = triggerOfFunction(name);
    expect(trigger).toBeDefined();
    const own = [...files].filter(([, names]) => names.includes(trigger ?? '')).map(([file]) => file);
    expect(own).toHaveLength(1);

    const inputs = Object.keys((await metafileOf(name)).inputs);
    expect(inputs.filter((path) => path.startsWith(`${TRIGGER_FILES_DIR}/`))).toEqual(own);
    // nor any module that brings every trigger: the registry, the checks by name, the barrel
    for (const whole of ['registry.ts', 'check-by-name.ts', 'builders.ts', 'index.ts'])
      expect(inputs).not.toContain(`shared/events/${whole}`);
  });
});

describe("the custom senders' bundles", () => {
  // Each carries the templates of the messages it sends (SENDER_KINDS) and none of the rest of the
  // catalogue: the whole catalogue (12 kinds, 4 locales, both channels: 24 KiB) put the e-mail sender
  // 64.6 KiB over its floor (target 64 KiB) with the SMS and the notices' e-mails it never sends. The
  // deployed build is looked into, minified: a kind's template is there when its English subject (e-mail)
  // or full form (SMS) is, as the template's JSON text puts it (field name and quotes: unique to the kind).
  async function bundleText(name: string): Promise<string> {
    const result = await build({
      ...BUNDLE_OPTIONS,
      entryPoints: [`functions/${name}/handler.ts`],
      outfile: join(tmpdir(), `bundles-test-${name}.js`),
      write: false,
    });
    return result.outputFiles.map((file) => file.text).join('');
  }
  const FIELD = { email: 'subject', sms: 'full' } as const;
  const EVERY = { email: EVERY_EMAIL, sms: EVERY_SMS } as const;
  function kindsIn(text: string, channel: 'email' | 'sms'): MessageKind[] {
    const set: Readonly<Partial<Record<MessageKind, string>>> = EVERY[channel];
    return MESSAGE_KINDS.filter((kind) => {
      const json = set[kind];
      const english = json ? (JSON.parse(json) as Record<string, Record<string, string>>).en : undefined;
      const field = FIELD[channel];
      return !!english?.[field] && text.includes(`"${field}":${JSON.stringify(english[field])}`);
    });
  }
  const codeKinds = Object.entries(SENDER_KINDS)
    .filter(([action]) => action !== 'AccountTakeOverNotification')
    .map(([, kind]) => kind);
  const byKindOrder = (kinds: readonly string[]) => MESSAGE_KINDS.filter((kind) => kinds.includes(kind));

  it.each([
    ['custom-email-sender', { email: byKindOrder(Object.values(SENDER_KINDS)), sms: [] }],
    ['custom-sms-sender', { email: [], sms: byKindOrder(codeKinds) }],
  ])('of %s holds the templates of the kinds it sends and no others', async (name, sends) => {
    const text = await bundleText(name);
    expect({ email: kindsIn(text, 'email'), sms: kindsIn(text, 'sms') }).toEqual(sends);
  });
});

describe('the secrets read from SSM', () => {
  // One GetParameter per instance: @aws-sdk/client-ssm put ~490 KiB in every trigger's bundle for it
  // (define-auth-challenge, which calls no AWS service otherwise: 62 to 551 KiB).
  it('bring no AWS SDK client into a function that calls no AWS service', async () => {
    const inputs = Object.keys((await metafileOf('define-auth-challenge')).inputs);
    expect(inputs).toContain('shared/aws/ssm.ts');
    expect(inputs.filter((path) => path.includes('node_modules/@aws-sdk/'))).toEqual([]);
  });
});

describe('a bundle, minified', () => {
  // Lambda and `serverless invoke local` report a thrown error by its class: a minified class name
  // ("Ml") told a developer nothing. Measured: keepNames adds 4-7 % to a bundle (docs/testing.md, Benchmarks).
  it("keeps its error classes' names: a failed invocation reports TriggerFailure", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bundles-test-names-'));
    try {
      await build({
        ...BUNDLE_OPTIONS,
        entryPoints: ['functions/define-auth-challenge/handler.ts'],
        outfile: join(folder, 'index.js'),
      });
      writeFileSync(join(folder, 'package.json'), '{"type":"module"}');
      const script =
        "const { handler } = await import('./index.js');" +
        'try { await handler({}, {}); } catch (error) { process.stderr.write(`class=${error.constructor.name}`); }';
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: folder,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      });
      expect(run.stderr).toContain('class=TriggerFailure');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
