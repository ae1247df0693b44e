/**
 * Bundles each function into dist/<function>/index.js (ESM, one file, SDK included: a bundled SDK loads
 * faster than the runtime's), with a package.json beside it that marks the folder as ESM for Lambda.
 *
 *   npm run build [-- <function> ...]
 */
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCatalog } from '../shared/messages/compile.ts';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DIST = join(ROOT, 'dist');

/**
 * Functions that are no Cognito trigger (the deployed import's S3-triggered job and its state machine's
 * steps): built, packaged and served locally like the others, but left out of functionNames(), which
 * the trigger tests (fault, fuzz, bundles, invoke) enumerate.
 */
export const JOB_FUNCTIONS: readonly string[] = ['batch-import', 'import-batch', 'import-assemble'];

function handlerFolders(): string[] {
  return readdirSync(join(ROOT, 'functions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'functions', entry.name, 'handler.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** Every folder of functions/ that has a handler and is a Cognito trigger: the trigger functions that exist. */
export function functionNames(): string[] {
  return handlerFolders().filter((name) => !JOB_FUNCTIONS.includes(name));
}

/** The job functions that exist (JOB_FUNCTIONS with a handler). */
export function jobFunctionNames(): string[] {
  return handlerFolders().filter((name) => JOB_FUNCTIONS.includes(name));
}

/**
 * Writes a file only when its content changes, and then in one step (write aside, rename): a running
 * local stack may import a bundle, or a packager read it, while another process rebuilds it.
 */
function replaceFile(path: string, contents: Uint8Array): void {
  if (existsSync(path) && Buffer.from(contents).equals(readFileSync(path))) return;
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/**
 * The esbuild options every bundle shares; the bench builds its floors with these too, so that a
 * function and its floor differ only in the code that is ours.
 *
 * Packages resolve module-first: with `platform: 'node'` esbuild would otherwise take `main`, which for
 * the AWS SDK (and Powertools) is CommonJS that esbuild cannot tree-shake, so every command, model and
 * serializer of a client would be bundled and evaluated at cold start. The packages' `module` entries
 * are ESM. Packages with an `exports` map (@smithy/core, @aws-sdk/core, Powertools, middy) ignore
 * `mainFields`; esbuild's default conditions (`module`, `import`, `node`) already pick their ESM files.
 * Setting `conditions` would drop the `module` condition, which @smithy/core lists before `node`.
 */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  // Metafile paths relative to the repository, wherever the build is started from.
  absWorkingDir: ROOT,
  minify: true,
  // Error class names survive minification: Lambda reports a thrown error's constructor name as its
  // errorType (and serverless invoke local prints it), which would otherwise read "Ml" for TriggerFailure.
  keepNames: true,
  legalComments: 'none',
  logLevel: 'silent',
  // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
} as const satisfies BuildOptions;

export interface BuiltFunction {
  name: string;
  file: string;
  bytes: number;
  /** esbuild's account of the bundle: which inputs it holds and what each of ours imports. */
  metafile: Metafile;
}

export async function buildFunctions(names: readonly string[] = functionNames()): Promise<BuiltFunction[]> {
  const known = new Set(handlerFolders());
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length) throw new Error(`no such function: ${unknown.join(', ')} (have: ${[...known].join(', ')})`);
  // The message templates go into the bundles as a module: a template that is invalid in any locale
  // (a required placeholder missing, over a limit) fails the build with every problem listed.
  writeCatalog();
  return Promise.all(
    names.map(async (name) => {
      const outdir = join(DIST, name);
      mkdirSync(outdir, { recursive: true });
      const file = join(outdir, 'index.js');
      const result = await build({
        entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
        outfile: file,
        write: false,
        ...BUNDLE_OPTIONS,
        sourcemap: 'linked',
        sourcesContent: false,
        metafile: true,
      });
      for (const output of result.outputFiles) replaceFile(output.path, output.contents);
      replaceFile(join(outdir, 'package.json'), Buffer.from(`${JSON.stringify({ type: 'module' })}\n`));
      const bytes = result.outputFiles.find((output) => output.path === file)?.contents.byteLength ?? 0;
      return { name, file, bytes, metafile: result.metafile };
    }),
  );
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const requested = process.argv.slice(2);
  buildFunctions(requested.length ? requested : [...functionNames(), ...jobFunctionNames()])
    .then((built) => {
      for (const fn of built)
        console.log(`built ${fn.name.padEnd(24)} ${(fn.bytes / 1024).toFixed(0).padStart(6)} KiB  ${fn.file}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
