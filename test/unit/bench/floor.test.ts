import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_OPTIONS, functionNames, ROOT } from '../../../scripts/build.ts';
import { buildEntry } from '../../../scripts/bench/cold-start.ts';
import {
  floorEntry,
  floorImports,
  floorUsage,
  isPackageSpecifier,
  ownModules,
  packageOf,
  packagesIn,
  parseImports,
} from '../../../scripts/bench/floor.ts';

/** Bundles an entry with the functions' own options, in memory, for its metafile. */
async function metafileOf(entry: string): Promise<Metafile> {
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [entry],
    outfile: join(tmpdir(), 'floor-test.js'),
    write: false,
    metafile: true,
  });
  return result.metafile;
}

const names = (metafile: Metafile) => packagesIn(metafile).map((use) => use.name);

describe('the floor of a bundle', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'floor-test-'));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('imports the same names from the same package specifiers as our modules, and nothing else', async () => {
    const metafile = await metafileOf('test/unit/bench/fixtures/store.ts');
    expect(floorImports(metafile, ROOT)).toEqual([
      // a type-only import (client-dynamodb), a built-in and our own relative imports are not in it;
      // the namespace import gives the members read from it, not the whole of valibot
      { specifier: '@aws-sdk/lib-dynamodb', names: ['GetCommand'], namespace: false },
      { specifier: '@middy/core', names: ['default'], namespace: false },
      { specifier: 'valibot', names: ['object', 'string'], namespace: false },
    ]);
  });

  it('bundles every package the function bundles, and none of our modules', async () => {
    const metafile = await metafileOf('test/unit/bench/fixtures/store.ts');
    const floor = await buildEntry('floor-fixture', floorEntry(floorImports(metafile, ROOT), 'fixture'), outdir);
    expect(names(floor.metafile)).toEqual(names(metafile));
    // its one module of "ours" is the generated entry itself
    expect(ownModules(floor.metafile).map((module) => module.path)).toEqual(['floor-fixture.js']);
    expect(names(metafile)).toEqual(expect.arrayContaining(['@aws-sdk/lib-dynamodb', '@middy/core', 'valibot']));
  });

  it.each(functionNames())('of %s holds every package its bundle holds', async (name) => {
    const metafile = await metafileOf(`functions/${name}/handler.ts`);
    const imports = floorImports(metafile, ROOT);
    // every package specifier any of our bundled modules imports is one the floor imports
    const specifiers = Object.entries(metafile.inputs)
      .filter(([path]) => !packageOf(path))
      .flatMap(([, input]) => input.imports.flatMap((imported) => (imported.original ? [imported.original] : [])))
      .filter(isPackageSpecifier);
    expect(imports.map((imported) => imported.specifier)).toEqual(
      [...new Set(specifiers)].sort((a, b) => a.localeCompare(b)),
    );
    const floor = await buildEntry(`floor-${name}`, floorEntry(imports, name), outdir);
    expect(names(floor.metafile)).toEqual(expect.arrayContaining(names(metafile)));
    expect(ownModules(floor.metafile).map((module) => module.path)).toEqual([`floor-${name}.js`]);
    // every function runs in the runtime's wrapper, so its floor also constructs what the wrapper's
    // packages need to be used: a Logger, a Metrics and a middy handler with both middlewares
    const exported = Object.values(floor.metafile.outputs).flatMap((output) => output.exports);
    expect(exported).toEqual(expect.arrayContaining(['floor', 'floorLogger', 'floorMetrics', 'handler']));
  });

  it('constructs a Logger, a Metrics and a middy handler with the Powertools middlewares when imported', () => {
    const entry = floorEntry(
      [
        { specifier: '@aws-lambda-powertools/logger', names: ['Logger'], namespace: false },
        { specifier: '@aws-lambda-powertools/logger/middleware', names: ['injectLambdaContext'], namespace: false },
        { specifier: '@aws-lambda-powertools/metrics', names: ['MetricUnit', 'Metrics'], namespace: false },
        { specifier: '@aws-lambda-powertools/metrics/middleware', names: ['logMetrics'], namespace: false },
        { specifier: '@middy/core', names: ['default'], namespace: false },
      ],
      'example',
    );
    expect(entry).toContain("export const floorLogger = new floor0({ serviceName: 'floor' });");
    expect(entry).toContain("export const floorMetrics = new floor3({ namespace: 'Floor', serviceName: 'floor' });");
    expect(entry).toContain(
      'export const handler = floor5(async (event) => event).use(floor1(floorLogger, { resetKeys: true })).use(floor4(floorMetrics));',
    );
  });

  it('constructs only what it imports: middy alone is a bare middy handler, no package no construction', () => {
    const middyOnly = (source: { specifier: string; name: string }) =>
      source.specifier === '@middy/core' ? 'middy' : undefined;
    expect(floorUsage(middyOnly)).toEqual(['export const handler = middy(async (event) => event);']);
    expect(floorUsage(() => undefined)).toEqual([]);
    // a namespace import is used through the namespace
    expect(floorEntry([{ specifier: '@aws-lambda-powertools/logger', names: [], namespace: true }], 'x')).toContain(
      'export const floorLogger = new floor0["Logger"]({ serviceName: \'floor\' });',
    );
  });
});

describe('reading import declarations', () => {
  it('takes export-from, default, side-effect and dynamic imports, and leaves type-only ones out', () => {
    const parsed = parseImports(
      'example.ts',
      [
        "import 'side-effect';",
        "import type { T } from 'types-only';",
        "import Default, { a, b as c, type D } from 'pkg';",
        "export { e, type F } from 'reexported';",
        "export * from 'everything';",
        "const later = () => import('lazy');",
      ].join('\n'),
    );
    expect(
      Object.fromEntries([...parsed].map(([specifier, use]) => [specifier, { ...use, names: [...use.names] }])),
    ).toEqual({
      'side-effect': { names: [], namespace: false },
      pkg: { names: ['default', 'a', 'b'], namespace: false },
      reexported: { names: ['e'], namespace: false },
      everything: { names: [], namespace: true },
      lazy: { names: [], namespace: true },
    });
  });

  it('takes the members read from a namespace, not the types named through it', () => {
    const parsed = parseImports(
      'example.ts',
      "import * as v from 'valibot';\ntype S = v.GenericSchema;\ntype T = typeof v;\nexport const s = v.string();",
    );
    expect(parsed.get('valibot')).toEqual({ names: new Set(['string']), namespace: false });
  });

  it('takes a whole namespace when it is used as a value, not only its members', () => {
    const parsed = parseImports('example.ts', "import * as v from 'valibot';\nexport const all = v;\nv.string();");
    expect(parsed.get('valibot')?.namespace).toBe(true);
  });
});

describe('packages in a bundle', () => {
  it('groups inputs by package and counts the folders each came from', () => {
    expect(packageOf('node_modules/@aws-sdk/core/dist-es/index.js')).toEqual({
      name: '@aws-sdk/core',
      dir: 'node_modules/@aws-sdk/core',
    });
    expect(packageOf('node_modules/a/node_modules/b/lib/x.js')).toEqual({
      name: 'b',
      dir: 'node_modules/a/node_modules/b',
    });
    expect(packageOf('shared/events/index.ts')).toBeUndefined();

    const metafile: Metafile = {
      inputs: {
        'node_modules/@smithy/core/dist-es/a.js': { bytes: 10, imports: [] },
        'node_modules/@smithy/core/dist-es/b.js': { bytes: 10, imports: [] },
        'node_modules/x/node_modules/@smithy/core/dist-es/a.js': { bytes: 10, imports: [] },
        'shared/ours.ts': { bytes: 10, imports: [] },
      },
      outputs: {
        'out.js': {
          bytes: 30,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/@smithy/core/dist-es/a.js': { bytesInOutput: 5 },
            'node_modules/@smithy/core/dist-es/b.js': { bytesInOutput: 6 },
            'node_modules/x/node_modules/@smithy/core/dist-es/a.js': { bytesInOutput: 7 },
            'shared/ours.ts': { bytesInOutput: 8 },
          },
        },
      },
    };
    expect(packagesIn(metafile)).toEqual([
      {
        name: '@smithy/core',
        dirs: ['node_modules/@smithy/core', 'node_modules/x/node_modules/@smithy/core'],
        bytesInOutput: 18,
      },
    ]);
    expect(ownModules(metafile)).toEqual([{ path: 'shared/ours.ts', bytesInOutput: 8 }]);
  });
});
