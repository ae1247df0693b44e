/**
 * The metrics a function emits, read from its code: every `addMetric(name, ...)` call in the files its
 * handler reaches by relative imports (type-only imports left out), the name resolved by TypeScript's
 * checker (a literal, a conditional of literals, a variable of a literal union type). A name the checker
 * cannot narrow to literals is reported, never guessed. Dimensions: what Powertools gives the function's
 * Metrics (`service`, and `trigger` for a Cognito trigger), plus those a `singleMetric()` adds with
 * `addDimension(name, ...)` in the same file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = process.cwd();

export interface EmittedMetric {
  name: string;
  /** Dimension names, sorted. */
  dimensions: string[];
  file: string;
}

export interface FunctionMetrics {
  folder: string;
  files: string[];
  metrics: EmittedMetric[];
  /** addMetric calls whose name is not a set of literals. */
  unresolved: string[];
}

/** The files a handler reaches through value imports and re-exports. */
export function reachableFiles(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2023, false);
    for (const statement of source.statements) {
      let specifier: ts.Expression | undefined;
      if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly)
        specifier = statement.moduleSpecifier;
      if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) specifier = statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier.text);
      if (target.endsWith('.ts') && existsSync(target)) queue.push(target);
    }
  }
  return [...seen].sort();
}

function literals(type: ts.Type): string[] | undefined {
  if (type.isStringLiteral()) return [type.value];
  if (type.isUnion()) {
    const parts = type.types.map(literals);
    return parts.every((part) => part !== undefined) ? parts.flat() : undefined;
  }
  return undefined;
}

/** Dimension names a `singleMetric()` receiver gets in its file (`receiver.addDimension('name', ...)`). */
function addedDimensions(source: ts.SourceFile, receiver: string): string[] {
  const names: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'addDimension' &&
      node.expression.expression.getText(source) === receiver &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      names.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** Whether `receiver` is a variable initialised with `<something>.singleMetric()` in this file. */
function isSingleMetric(source: ts.SourceFile, receiver: string): boolean {
  let found = false;
  const visit = (node: ts.Node) => {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText(source) === receiver &&
      node.initializer &&
      ts.isCallExpression(node.initializer) &&
      ts.isPropertyAccessExpression(node.initializer.expression) &&
      node.initializer.expression.name.text === 'singleMetric'
    )
      found = true;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The metrics of each function folder. One program over all their files, without resolving imports
 * (names are decided where they are written), so that it takes a second, not a whole type-check.
 */
export function emittedMetrics(folders: ReadonlyArray<{ folder: string; trigger: boolean }>): FunctionMetrics[] {
  const filesOf = new Map(
    folders.map(({ folder }) => [folder, reachableFiles(join(ROOT, 'functions', folder, 'handler.ts'))]),
  );
  const all = [...new Set([...filesOf.values()].flat())];
  const program = ts.createProgram(all, {
    noResolve: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts'],
    types: [],
    strict: true,
    allowImportingTsExtensions: true,
  });
  const checker = program.getTypeChecker();

  const perFile = new Map<string, { calls: Array<{ names: string[] | undefined; extra: string[]; at: string }> }>();
  for (const file of all) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`not in the program: ${file}`);
    const calls: Array<{ names: string[] | undefined; extra: string[]; at: string }> = [];
    const visit = (node: ts.Node) => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'addMetric' &&
        node.arguments[0]
      ) {
        const receiver = node.expression.expression.getText(source);
        const extra = isSingleMetric(source, receiver) ? addedDimensions(source, receiver) : [];
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        calls.push({
          names: literals(checker.getTypeAtLocation(node.arguments[0])),
          extra,
          at: `${relative(ROOT, file)}:${line}`,
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    perFile.set(file, { calls });
  }

  return folders.map(({ folder, trigger }) => {
    const files = filesOf.get(folder) ?? [];
    const base = trigger ? ['service', 'trigger'] : ['service'];
    const metrics: EmittedMetric[] = [];
    const unresolved: string[] = [];
    for (const file of files) {
      for (const call of perFile.get(file)?.calls ?? []) {
        if (!call.names) {
          unresolved.push(call.at);
          continue;
        }
        for (const name of call.names)
          metrics.push({ name, dimensions: [...base, ...call.extra].sort(), file: relative(ROOT, file) });
      }
    }
    return { folder, files: files.map((file) => relative(ROOT, file)), metrics, unresolved };
  });
}
