/**
 * Bundles each function into dist/<function>/index.js (ESM, one file, SDK included: a bundled SDK loads
 * faster than the runtime's), with a package.json beside it that marks the folder as ESM for Lambda.
 *
 *   npm run build [-- <function> ...]
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DIST = join(ROOT, 'dist');

/** Every folder of functions/ that has a handler: the functions that exist. */
export function functionNames(): string[] {
  return readdirSync(join(ROOT, 'functions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'functions', entry.name, 'handler.ts')))
    .map((entry) => entry.name)
    .sort();
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

export interface BuiltFunction {
  name: string;
  file: string;
  bytes: number;
}

export async function buildFunctions(names: readonly string[] = functionNames()): Promise<BuiltFunction[]> {
  const known = new Set(functionNames());
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length) throw new Error(`no such function: ${unknown.join(', ')} (have: ${[...known].join(', ')})`);
  return Promise.all(
    names.map(async (name) => {
      const outdir = join(DIST, name);
      mkdirSync(outdir, { recursive: true });
      const file = join(outdir, 'index.js');
      const result = await build({
        entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
        outfile: file,
        write: false,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        minify: true,
        sourcemap: 'linked',
        sourcesContent: false,
        metafile: true,
        legalComments: 'none',
        logLevel: 'silent',
        // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
        banner: {
          js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        },
      });
      for (const output of result.outputFiles) replaceFile(output.path, output.contents);
      replaceFile(join(outdir, 'package.json'), Buffer.from(`${JSON.stringify({ type: 'module' })}\n`));
      const bytes = result.outputFiles.find((output) => output.path === file)?.contents.byteLength ?? 0;
      return { name, file, bytes };
    }),
  );
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const requested = process.argv.slice(2);
  buildFunctions(requested.length ? requested : undefined)
    .then((built) => {
      for (const fn of built)
        console.log(`built ${fn.name.padEnd(24)} ${(fn.bytes / 1024).toFixed(0).padStart(6)} KiB  ${fn.file}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
