/**
 * docs/operations.md's "Functions" section, generated from the one declaration the stack's alarms come
 * from (infra/operations.cjs): per function its failure mode, its budget, every alarm that watches it
 * (with its threshold and the runbook entry) and the outcome metrics its dashboard row shows. The other
 * pages link to these headings (`operations.md#<function>`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../build.ts';
import { INTRINSIC_TAGS } from '../../local-cloud/tables.ts';

interface DeclaredFunction {
  folder: string;
  trigger?: string;
  failureMode?: 'open' | 'closed';
  synchronous: boolean;
  outcomes: string[];
}

interface AlarmResource {
  Type: string;
  Properties: {
    AlarmDescription: string;
    Threshold: number;
    Metrics: Array<{
      MetricStat?: { Metric: { Namespace: string; Dimensions?: Array<{ Name: string; Value: unknown }> } };
    }>;
  };
}

interface Operations {
  resources(resolvers: {
    resolveVariable(expression: string): Promise<unknown>;
    resolveConfigurationProperty(path: string[]): Promise<unknown>;
  }): Promise<{ Resources: Record<string, AlarmResource> }>;
  declaration: { FUNCTIONS: Record<string, DeclaredFunction>; logicalName(key: string): string };
}

export const OPERATIONS_PAGE = 'docs/operations.md';
const START = '<!-- functions -->';
const END = '<!-- /functions -->';

/** The stack's resources as `serverless package` makes them with every parameter at its default. */
async function defaultResources(operations: Operations, root: string) {
  const config = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'), {
    customTags: INTRINSIC_TAGS,
    merge: true,
  }) as Record<string, unknown>;
  return operations.resources({
    // `param:<name>, '<default>'`: the default, as a deployment that sets nothing gets.
    resolveVariable: async (expression) => /, '(.*)'$/u.exec(expression)?.[1] ?? '',
    resolveConfigurationProperty: async (path) =>
      path.reduce<unknown>(
        (value, key) =>
          typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
        config,
      ),
  });
}

/** The functions an alarm's metrics name: by the `service` dimension, or the Lambda function's Ref. */
function watched(
  alarm: AlarmResource,
  functions: Record<string, DeclaredFunction>,
  logicalName: (key: string) => string,
) {
  const keys = new Set<string>();
  for (const metric of alarm.Properties.Metrics) {
    for (const dimension of metric.MetricStat?.Metric.Dimensions ?? []) {
      for (const [key, fn] of Object.entries(functions)) {
        const ref = (dimension.Value as { Ref?: string } | undefined)?.Ref;
        if (dimension.Value === fn.folder || ref === `${logicalName(key)}LambdaFunction`) keys.add(key);
      }
    }
  }
  return keys;
}

/** The section's Markdown, between its markers. */
export async function renderFunctionsSection(root: string = ROOT): Promise<string> {
  const operations = createRequire(import.meta.url)(join(root, 'infra', 'operations.cjs')) as Operations;
  const { FUNCTIONS, logicalName } = operations.declaration;
  const { Resources } = await defaultResources(operations, root);
  const alarms = Object.entries(Resources).filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm');
  const blocks = Object.entries(FUNCTIONS).map(([key, fn]) => {
    const mode = fn.trigger
      ? `Fails ${fn.failureMode ?? 'closed'}; Cognito ${fn.synchronous ? 'waits for it (5 s budget)' : 'does not wait for it'}.`
      : 'A job of the deployed import (no Cognito trigger).';
    const rows = alarms
      .filter(([, alarm]) => watched(alarm, FUNCTIONS, logicalName).has(key))
      .map(([name, alarm]) => {
        const anchor = /docs\/operations\.md(#[a-z]+)/u.exec(alarm.Properties.AlarmDescription)?.[1] ?? '';
        return `| \`${name}\` | ${alarm.Properties.Threshold} | [runbook](${anchor}) |`;
      });
    const outcomes = fn.outcomes.length ? fn.outcomes.map((name) => `\`${name}\``).join(', ') : '(none of its own)';
    return [
      `### ${fn.folder}`,
      '',
      `${mode} Dashboard outcomes: ${outcomes}.`,
      '',
      '| alarm | threshold at the defaults (per period; Duration in ms, shares in %) | what to do |',
      '| --- | --- | --- |',
      ...rows,
    ].join('\n');
  });
  return [START, '', ...blocks.flatMap((block) => [block, '']), END].join('\n');
}

/** The page with its section replaced (the markers must be there). */
export async function renderOperationsPage(text: string, root: string = ROOT): Promise<string> {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${OPERATIONS_PAGE}: no ${START} ... ${END} section`);
  return `${text.slice(0, start)}${await renderFunctionsSection(root)}${text.slice(end + END.length)}`;
}
