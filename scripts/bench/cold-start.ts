/**
 * Cold start against the floor. For every function: its bundle, and a floor bundle built in the same run
 * from the same third-party imports, which also constructs what using those packages requires (a
 * Powertools Logger and Metrics, a middy handler with their middlewares: ./floor.ts), compared on
 *   - bundle size (target: within FLOOR_TARGETS.bundleKiB of the floor);
 *   - module import time, measured inside a fresh node process, as CPU time (target: within
 *     FLOOR_TARGETS.importRatio) and on the wall clock (reported). The target is on CPU time because on
 *     a machine shared with other work the wall clock mostly measures waiting for a core: on this 2-core
 *     machine under load the same bundles' wall-clock ratios moved between 0.87x and 1.9x from one run
 *     to the next, their CPU ratios by a few hundredths;
 *   - whole-process start, node start + import + exit as the parent sees it (what Lambda's init pays),
 *     against a bare handler bundle (reported, no target);
 *   - the copies of each package in the bundle (target: one copy of every @aws-sdk/* and @smithy/*
 *     package, so the SDK core is bundled once).
 * Every figure is the median of RUNS fresh processes; each round runs the bare handler and each
 * function's floor and bundle back to back, alternating which goes first. Ratios and differences are the
 * medians of each round's pair (function against the floor run next to it), so that a burst of load on
 * this shared machine falls on both sides of a pair rather than on one side of two medians.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_OPTIONS, buildFunctions, functionNames, ROOT, type BuiltFunction } from '../build.ts';
import { floorEntry, floorImports, ownModules, packagesIn, type FloorImport } from './floor.ts';
import { kib, median, progress, round, type SuiteResult } from './suite.ts';

export const FLOOR_TARGETS = { importRatio: 1.2, bundleKiB: 64 } as const;

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 21);

/** The smallest handler there is: what node start and an ESM import cost with nothing in them. */
const BARE_HANDLER = 'export const handler = async (event) => event;\n';

/** Packages that must be bundled once: two copies of the SDK core means two of everything it holds. */
const SINGLE_COPY = /^@(aws-sdk|smithy)\//u;

interface Bundle {
  file: string;
  bytes: number;
  metafile: Metafile;
}

/** Builds an entry given as source text with the functions' own esbuild options, resolving from ROOT. */
export async function buildEntry(label: string, contents: string, outdir: string): Promise<Bundle> {
  const file = join(outdir, `${label}.mjs`);
  const result = await build({
    ...BUNDLE_OPTIONS,
    stdin: { contents, resolveDir: ROOT, sourcefile: `${label}.js`, loader: 'js' },
    outfile: file,
    write: true,
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs)[0];
  return { file, bytes: output?.bytes ?? 0, metafile: result.metafile };
}

interface Sample {
  importMs: number;
  importCpuMs: number;
  processMs: number;
}

/** One fresh node process that imports the bundle: its own import time, and its whole life as seen here. */
function startOnce(file: string): Sample {
  const script = [
    'const cpu = process.cpuUsage(), t = performance.now();',
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
    'const wall = performance.now() - t, used = process.cpuUsage(cpu);',
    'process.stdout.write(JSON.stringify([wall, (used.user + used.system) / 1000]));',
  ].join(' ');
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    // Lambda's environment, not this shell's: no NODE_OPTIONS or loaders in the measured process.
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' },
  });
  const processMs = performance.now() - started;
  if (child.status !== 0)
    throw new Error(`importing ${file} failed (exit ${child.status}): ${child.stderr.trim().slice(0, 500)}`);
  const [importMs, importCpuMs] = JSON.parse(child.stdout) as [number, number];
  return { importMs, importCpuMs, processMs };
}

interface Measured {
  importMs: number[];
  importCpuMs: number[];
  processMs: number[];
}

const emptyMeasured = (): Measured => ({ importMs: [], importCpuMs: [], processMs: [] });

function record(into: Measured, sample: Sample): void {
  into.importMs.push(sample.importMs);
  into.importCpuMs.push(sample.importCpuMs);
  into.processMs.push(sample.processMs);
}

export interface ColdStartFigures {
  name: string;
  bundleKiB: number;
  floorKiB: number;
  bundleDiffKiB: number;
  bundleRatio: number;
  importMs: number;
  floorImportMs: number;
  importRatio: number;
  importDiffMs: number;
  /** The same imports in CPU time (all threads of the process): what the target is checked on. */
  importCpuMs: number;
  floorImportCpuMs: number;
  importCpuRatio: number;
  importCpuDiffMs: number;
  processMs: number;
  bareProcessMs: number;
  processDiffMs: number;
  /** Our own modules' share of the bundle, and the largest of them. */
  ownKiB: number;
  largestOwnModules: Array<{ path: string; kib: number }>;
  /** What the floor imports: the function's third-party entry points. */
  floorImports: FloorImport[];
  /** Third-party packages in the bundle, with what each adds. */
  packages: Array<{ name: string; kib: number; copies: number }>;
  /** Packages in the bundle that the floor lacks: should be none, else the floor is not comparable. */
  missingFromFloor: string[];
  sdkCoreCopies: { '@aws-sdk/core': number; '@smithy/core': number };
}

export async function run(): Promise<SuiteResult> {
  const names = functionNames();
  progress(`cold start: building ${names.length} functions, their floors and a bare handler`);
  const built = await buildFunctions(names);
  const outdir = mkdtempSync(join(tmpdir(), 'cognito-triggers-bench-'));
  try {
    const bare = await buildEntry('bare-handler', BARE_HANDLER, outdir);
    const floors = new Map<string, { bundle: Bundle; imports: FloorImport[] }>();
    for (const fn of built) {
      const imports = floorImports(fn.metafile, ROOT);
      floors.set(fn.name, {
        bundle: await buildEntry(`floor-${fn.name}`, floorEntry(imports, fn.name), outdir),
        imports,
      });
    }

    progress(`cold start: ${RUNS} rounds of ${1 + built.length * 2} fresh node processes`);
    const bareRuns = emptyMeasured();
    const fnRuns = new Map(built.map((fn) => [fn.name, emptyMeasured()]));
    const floorRuns = new Map(built.map((fn) => [fn.name, emptyMeasured()]));
    for (let round = 0; round < RUNS; round += 1) {
      record(bareRuns, startOnce(bare.file));
      for (const fn of built) {
        const floor = floors.get(fn.name);
        if (!floor) continue;
        const pair = [
          () => record(floorRuns.get(fn.name) ?? emptyMeasured(), startOnce(floor.bundle.file)),
          () => record(fnRuns.get(fn.name) ?? emptyMeasured(), startOnce(fn.file)),
        ];
        if (round % 2) pair.reverse();
        for (const measure of pair) measure();
      }
    }

    const bareProcessMs = median(bareRuns.processMs);
    const figures = built.map((fn) =>
      figuresOf(fn, floors.get(fn.name), fnRuns.get(fn.name), floorRuns.get(fn.name), bareProcessMs),
    );
    return {
      targets: { ...FLOOR_TARGETS },
      figures: {
        runs: RUNS,
        bare: {
          bundleKiB: kib(bare.bytes),
          importMs: round(median(bareRuns.importMs)),
          importCpuMs: round(median(bareRuns.importCpuMs)),
          processMs: round(bareProcessMs),
        },
        functions: figures,
      },
      tables: [
        {
          title: `Cold start against the floor (median of ${RUNS} fresh processes; targets: import CPU <= ${FLOOR_TARGETS.importRatio}x floor, bundle <= floor + ${FLOOR_TARGETS.bundleKiB} KiB)`,
          columns: [
            'function',
            'bundle KiB',
            'floor KiB',
            '+KiB',
            'CPU ms',
            'floor CPU',
            'CPU ratio',
            '+CPU ms',
            'wall ms',
            'floor wall',
            'wall ratio',
            'process ms',
            'bare ms',
            'own KiB',
            'SDK core copies',
          ],
          rows: figures.map((f) => [
            f.name,
            f.bundleKiB.toFixed(1),
            f.floorKiB.toFixed(1),
            f.bundleDiffKiB.toFixed(1),
            f.importCpuMs.toFixed(1),
            f.floorImportCpuMs.toFixed(1),
            `${f.importCpuRatio.toFixed(2)}x`,
            f.importCpuDiffMs.toFixed(1),
            f.importMs.toFixed(1),
            f.floorImportMs.toFixed(1),
            `${f.importRatio.toFixed(2)}x`,
            f.processMs.toFixed(1),
            f.bareProcessMs.toFixed(1),
            f.ownKiB.toFixed(1),
            `${f.sdkCoreCopies['@aws-sdk/core']} / ${f.sdkCoreCopies['@smithy/core']}`,
          ]),
        },
      ],
      misses: figures.flatMap(missesOf),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The median of a comparison of each round's function run with the floor run beside it. */
export function pairedMedian(
  function_: readonly number[],
  floor: readonly number[],
  compare: (fn: number, floor: number) => number,
): number {
  return median(function_.map((value, round) => compare(value, floor[round] ?? Number.NaN)));
}

function figuresOf(
  fn: BuiltFunction,
  floor: { bundle: Bundle; imports: FloorImport[] } | undefined,
  fnRuns: Measured | undefined,
  floorRuns: Measured | undefined,
  bareProcessMs: number,
): ColdStartFigures {
  if (!floor || !fnRuns || !floorRuns) throw new Error(`no floor measured for ${fn.name}`);
  const packages = packagesIn(fn.metafile);
  const inFloor = new Set(packagesIn(floor.bundle.metafile).map((use) => use.name));
  const own = ownModules(fn.metafile);
  const copies = (name: string) => packages.find((use) => use.name === name)?.dirs.length ?? 0;
  const importMs = median(fnRuns.importMs);
  const floorImportMs = median(floorRuns.importMs);
  const processMs = median(fnRuns.processMs);
  return {
    name: fn.name,
    bundleKiB: kib(fn.bytes),
    floorKiB: kib(floor.bundle.bytes),
    bundleDiffKiB: kib(fn.bytes - floor.bundle.bytes),
    bundleRatio: round(fn.bytes / floor.bundle.bytes, 2),
    importMs: round(importMs),
    floorImportMs: round(floorImportMs),
    importRatio: round(
      pairedMedian(fnRuns.importMs, floorRuns.importMs, (a, b) => a / b),
      2,
    ),
    importDiffMs: round(pairedMedian(fnRuns.importMs, floorRuns.importMs, (a, b) => a - b)),
    importCpuMs: round(median(fnRuns.importCpuMs)),
    floorImportCpuMs: round(median(floorRuns.importCpuMs)),
    importCpuRatio: round(
      pairedMedian(fnRuns.importCpuMs, floorRuns.importCpuMs, (a, b) => a / b),
      2,
    ),
    importCpuDiffMs: round(pairedMedian(fnRuns.importCpuMs, floorRuns.importCpuMs, (a, b) => a - b)),
    processMs: round(processMs),
    bareProcessMs: round(bareProcessMs),
    processDiffMs: round(processMs - bareProcessMs),
    ownKiB: kib(own.reduce((sum, module) => sum + module.bytesInOutput, 0)),
    largestOwnModules: own.slice(0, 5).map((module) => ({ path: module.path, kib: kib(module.bytesInOutput) })),
    floorImports: floor.imports,
    packages: packages.map((use) => ({ name: use.name, kib: kib(use.bytesInOutput), copies: use.dirs.length })),
    missingFromFloor: packages.filter((use) => !inFloor.has(use.name)).map((use) => use.name),
    sdkCoreCopies: { '@aws-sdk/core': copies('@aws-sdk/core'), '@smithy/core': copies('@smithy/core') },
  };
}

function missesOf(f: ColdStartFigures): string[] {
  const misses: string[] = [];
  // Ratios and differences are compared as shown, rounded, so the table and the verdict agree.
  if (f.importCpuRatio > FLOOR_TARGETS.importRatio)
    misses.push(
      `${f.name}: imports in ${f.importCpuRatio}x its floor's CPU time (${f.importCpuMs} vs ${f.floorImportCpuMs} ms; target ${FLOOR_TARGETS.importRatio}x)`,
    );
  if (f.bundleDiffKiB > FLOOR_TARGETS.bundleKiB)
    misses.push(`${f.name}: bundle is ${f.bundleDiffKiB} KiB over its floor (target ${FLOOR_TARGETS.bundleKiB} KiB)`);
  const doubled = f.packages.filter((use) => SINGLE_COPY.test(use.name) && use.copies > 1);
  if (doubled.length) misses.push(`${f.name}: more than one copy of ${doubled.map((use) => use.name).join(', ')}`);
  if (f.missingFromFloor.length)
    misses.push(`${f.name}: its floor lacks ${f.missingFromFloor.join(', ')}, so the comparison is not like for like`);
  return misses;
}
