/**
 * A function's floor: a bundle of the same third-party code the function uses and none of ours, so that
 * "function vs floor" measures what our own code costs at cold start.
 *
 * esbuild's metafile says which of our modules a bundle holds and which bare specifiers each of them
 * imports; it does not say which names. Those come from the modules' own import declarations (parsed with
 * the TypeScript compiler, type-only imports left out). The floor entry imports the same names from the
 * same specifiers and references them all, so tree-shaking keeps what it keeps in the function. Where our
 * code uses a namespace import (`import * as v from 'valibot'`), the floor imports the members our code
 * reads (`v.object`, ...), not the whole namespace, for the same reason.
 *
 * The floor can only be a little larger than the truth, never smaller: a name one of our modules imports
 * but the function never reaches is tree-shaken from the function and kept in the floor.
 */
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import type { Metafile } from 'esbuild';

/** What the floor imports from one specifier: exported names, the whole namespace, or only its effects. */
export interface FloorImport {
  specifier: string;
  /** Exported names (`default` included); empty for an import kept only for its side effects. */
  names: string[];
  /** True when our code uses the namespace as a value (passes it around): the floor imports it all. */
  namespace: boolean;
}

/** One installed package: its name and the node_modules folder a bundle's inputs came from. */
export interface PackageLocation {
  name: string;
  dir: string;
}

const NODE_MODULES = 'node_modules/';

/** The package a bundled input path belongs to, or undefined for our own modules. */
export function packageOf(inputPath: string): PackageLocation | undefined {
  const normalized = inputPath.replaceAll('\\', '/');
  const at = normalized.lastIndexOf(NODE_MODULES);
  if (at < 0) return undefined;
  const rest = normalized.slice(at + NODE_MODULES.length).split('/');
  const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '');
  return { name, dir: normalized.slice(0, at + NODE_MODULES.length) + name };
}

/** A specifier that names a package (not a relative path, an absolute path or a Node built-in). */
export function isPackageSpecifier(specifier: string): boolean {
  return !/^[./]/u.test(specifier) && !isBuiltin(specifier) && !specifier.startsWith('node:');
}

export interface PackageUse {
  name: string;
  /** Every folder the package was bundled from; more than one means two copies in one bundle. */
  dirs: string[];
  bytesInOutput: number;
}

/** The third-party packages in a bundle, grouped by package name, with what each adds to the output. */
export function packagesIn(metafile: Metafile): PackageUse[] {
  const bytes = bytesInOutput(metafile);
  const uses = new Map<string, { dirs: Set<string>; bytesInOutput: number }>();
  for (const path of Object.keys(metafile.inputs)) {
    const location = packageOf(path);
    if (!location) continue;
    const use = uses.get(location.name) ?? { dirs: new Set<string>(), bytesInOutput: 0 };
    use.dirs.add(location.dir);
    use.bytesInOutput += bytes.get(path) ?? 0;
    uses.set(location.name, use);
  }
  return [...uses]
    .map(([name, use]) => ({ name, dirs: [...use.dirs].sort(), bytesInOutput: use.bytesInOutput }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Our own modules in a bundle (inputs outside node_modules), largest output first. */
export function ownModules(metafile: Metafile): Array<{ path: string; bytesInOutput: number }> {
  const bytes = bytesInOutput(metafile);
  return Object.keys(metafile.inputs)
    .filter((path) => !packageOf(path) && !path.startsWith('<'))
    .map((path) => ({ path, bytesInOutput: bytes.get(path) ?? 0 }))
    .sort((a, b) => b.bytesInOutput - a.bytesInOutput || a.path.localeCompare(b.path));
}

function bytesInOutput(metafile: Metafile): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [path, input] of Object.entries(output.inputs))
      bytes.set(path, (bytes.get(path) ?? 0) + input.bytesInOutput);
  return bytes;
}

interface ParsedImport {
  names: Set<string>;
  namespace: boolean;
}

/**
 * The value imports of one source file, by specifier: which exported names it takes. Type-only imports
 * are left out (with `verbatimModuleSyntax` every type-only import says so).
 */
export function parseImports(fileName: string, source: string): Map<string, ParsedImport> {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  // A checker for this one file (no lib, nothing resolved) tells a namespace's uses from a parameter that
  // shadows its name, e.g. `import * as v` and `(v) => ...`.
  const host = ts.createCompilerHost({});
  const program = ts.createProgram({
    rootNames: [fileName],
    options: { noLib: true, noResolve: true, allowJs: true, types: [] },
    host: {
      ...host,
      getSourceFile: (name) => (name === fileName ? file : undefined),
      fileExists: (name) => name === fileName,
    },
  });
  const checker = program.getTypeChecker();
  const found = new Map<string, ParsedImport>();
  const entry = (specifier: string) => {
    const existing = found.get(specifier);
    if (existing) return existing;
    const created: ParsedImport = { names: new Set(), namespace: false };
    found.set(specifier, created);
    return created;
  };
  const namespaces = new Map<ts.Symbol, ParsedImport>();

  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const used = entry(statement.moduleSpecifier.text);
      if (!clause) continue; // import 'x': kept for its side effects
      if (clause.name) used.names.add('default');
      const bindings = clause.namedBindings;
      const namespace = bindings && ts.isNamespaceImport(bindings) && checker.getSymbolAtLocation(bindings.name);
      if (namespace) namespaces.set(namespace, used);
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements)
          if (!element.isTypeOnly) used.names.add((element.propertyName ?? element.name).text);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      !statement.isTypeOnly
    ) {
      const used = entry(statement.moduleSpecifier.text);
      const clause = statement.exportClause;
      if (!clause || ts.isNamespaceExport(clause)) used.namespace = true;
      else
        for (const element of clause.elements)
          if (!element.isTypeOnly) used.names.add((element.propertyName ?? element.name).text);
    }
  }

  const visit = (node: ts.Node): void => {
    // import('x'): what it takes is not known statically.
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) entry(argument.text).namespace = true;
    }
    const symbol = ts.isIdentifier(node) && namespaces.size ? checker.getSymbolAtLocation(node) : undefined;
    const used = symbol && namespaces.get(symbol);
    if (used) {
      const parent = node.parent;
      if (ts.isNamespaceImport(parent)) {
        // the declaration itself
      } else if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
        used.names.add(parent.name.text);
      } else if (!(ts.isQualifiedName(parent) && parent.left === node) && !ts.isTypeQueryNode(parent)) {
        // `v.Type` and `typeof v` are types and cost nothing at run time; any other use takes it all.
        used.namespace = true;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function scriptKind(fileName: string): ts.ScriptKind {
  if (/\.[cm]?tsx$/u.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/u.test(fileName)) return ts.ScriptKind.TS;
  if (/\.jsx$/u.test(fileName)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

/**
 * What the floor of a bundle imports: for every package specifier that esbuild resolved from one of our
 * modules, the names those modules import from it (merged over modules), sorted for a stable entry.
 */
export function floorImports(
  metafile: Metafile,
  workingDir: string,
  readSource: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): FloorImport[] {
  const merged = new Map<string, ParsedImport>();
  for (const path of Object.keys(metafile.inputs)) {
    if (packageOf(path) || path.startsWith('<')) continue;
    const specifiers = new Set(
      (metafile.inputs[path]?.imports ?? [])
        .filter((imported) => !imported.external && imported.original && isPackageSpecifier(imported.original))
        .map((imported) => imported.original ?? ''),
    );
    if (!specifiers.size) continue;
    const parsed = parseImports(path, readSource(join(workingDir, path)));
    for (const specifier of specifiers) {
      // esbuild bundled it, so it is a value import; if the parse did not see it (a require()), take it all.
      const found = parsed.get(specifier) ?? { names: new Set<string>(), namespace: true };
      const into = merged.get(specifier) ?? { names: new Set<string>(), namespace: false };
      for (const name of found.names) into.names.add(name);
      into.namespace ||= found.namespace;
      merged.set(specifier, into);
    }
  }
  return [...merged]
    .map(([specifier, used]) => ({
      specifier,
      names: used.namespace ? [] : [...used.names].sort(),
      namespace: used.namespace,
    }))
    .sort((a, b) => a.specifier.localeCompare(b.specifier));
}

/** Where a name the floor uses comes from. */
interface Source {
  specifier: string;
  name: string;
}

const LOGGER: Source = { specifier: '@aws-lambda-powertools/logger', name: 'Logger' };
const METRICS: Source = { specifier: '@aws-lambda-powertools/metrics', name: 'Metrics' };
const MIDDY: Source = { specifier: '@middy/core', name: 'default' };
const INJECT_LAMBDA_CONTEXT: Source = {
  specifier: '@aws-lambda-powertools/logger/middleware',
  name: 'injectLambdaContext',
};
const LOG_METRICS: Source = { specifier: '@aws-lambda-powertools/metrics/middleware', name: 'logMetrics' };

/**
 * What the floor does with its imports at load, beyond importing them: the least that any function using
 * those packages must do to use them at all, which importing alone does not pay. A function with the
 * Powertools logger constructs one Logger; with Powertools metrics, one Metrics (a namespace is required
 * to publish); with middy, one middy handler, using the Powertools middlewares it imports
 * (injectLambdaContext with the logger, logMetrics with the metrics) as every handler does. Measured:
 * that construction costs 5.5-9 ms of CPU, a fifth of a small function's floor. Without it the ratio
 * charged the packages' own start-up to our code. Nothing of ours is mirrored here (no options beyond
 * the required ones, no redaction, no dimensions): those stay on the function's side of the ratio.
 *
 * `local(source)` is the floor's local name for an imported name, undefined when the floor does not
 * import it. Returns the entry's lines; the values they make are exported so that none is dropped.
 */
export function floorUsage(local: (source: Source) => string | undefined): string[] {
  const lines: string[] = [];
  const logger = local(LOGGER);
  const metrics = local(METRICS);
  const middy = local(MIDDY);
  if (logger) lines.push(`export const floorLogger = new ${logger}({ serviceName: 'floor' });`);
  if (metrics) lines.push(`export const floorMetrics = new ${metrics}({ namespace: 'Floor', serviceName: 'floor' });`);
  if (middy) {
    const inject = local(INJECT_LAMBDA_CONTEXT);
    const logMetrics = local(LOG_METRICS);
    const uses = [
      ...(inject && logger ? [`.use(${inject}(floorLogger, { resetKeys: true }))`] : []),
      ...(logMetrics && metrics ? [`.use(${logMetrics}(floorMetrics))`] : []),
    ];
    lines.push(`export const handler = ${middy}(async (event) => event)${uses.join('')};`);
  }
  return lines;
}

/**
 * The floor's entry module: the same imports, every name referenced from an export so none is dropped,
 * and what using those packages requires at load (floorUsage).
 */
export function floorEntry(imports: readonly FloorImport[], label: string): string {
  const lines = [`// The floor of ${label}: the third-party imports its own modules make, and nothing of ours.`];
  const locals: string[] = [];
  const named = new Map<string, string>();
  for (const { specifier, names, namespace } of imports) {
    const quoted = JSON.stringify(specifier);
    if (namespace) {
      const local = `floor${locals.length}`;
      locals.push(local);
      lines.push(`import * as ${local} from ${quoted};`);
      named.set(specifier, local);
    } else if (!names.length) {
      lines.push(`import ${quoted};`);
    } else {
      const bindings = names.map((name) => {
        const local = `floor${locals.length}`;
        locals.push(local);
        named.set(`${specifier}\u0000${name}`, local);
        return `${/^[A-Za-z_$][\w$]*$/u.test(name) ? name : JSON.stringify(name)} as ${local}`;
      });
      lines.push(`import { ${bindings.join(', ')} } from ${quoted};`);
    }
  }
  lines.push(`export const floor = [${locals.join(', ')}];`);
  lines.push(
    ...floorUsage(({ specifier, name }) => {
      const whole = named.get(specifier);
      return named.get(`${specifier}\u0000${name}`) ?? (whole && `${whole}[${JSON.stringify(name)}]`);
    }),
  );
  lines.push('');
  return lines.join('\n');
}
