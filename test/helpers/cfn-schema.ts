/**
 * A template held against the CloudFormation resource specification the AWS CDK publishes
 * (`@aws-cdk/aws-service-spec`, db.json.gz: `schema.resource.entities[]` by `cloudFormationType`, nested
 * types in `schema.typeDefinition.entities[]` by `$id`): resource types, property names and types,
 * required properties, allowed values, `Fn::GetAtt` attributes and `Ref` targets. Intrinsic functions
 * stand for any value of the right type (CloudFormation resolves them at deploy).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

interface PropertyType {
  type: string;
  element?: PropertyType;
  types?: PropertyType[];
  reference?: { $ref: string };
  allowedValues?: unknown[];
}
interface Property {
  type: PropertyType;
  required?: boolean;
}
interface Entity {
  $id: string;
  cloudFormationType?: string;
  properties: Record<string, Property>;
  attributes?: Record<string, unknown>;
}
interface Spec {
  resources: Map<string, Entity>;
  types: Map<string, Entity>;
}

let loaded: Spec | undefined;

function spec(): Spec {
  if (loaded) return loaded;
  const file = join(process.cwd(), 'node_modules', '@aws-cdk', 'aws-service-spec', 'db.json.gz');
  const db = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
    schema: { resource: { entities: Entity[] }; typeDefinition: { entities: Entity[] } };
  };
  loaded = {
    resources: new Map(db.schema.resource.entities.map((e) => [e.cloudFormationType ?? '', e])),
    types: new Map(db.schema.typeDefinition.entities.map((e) => [e.$id, e])),
  };
  return loaded;
}

export interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Condition?: string }>;
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

function isIntrinsic(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::') === true || keys[0] === 'Condition');
}

function checkValue(value: unknown, type: PropertyType, path: string, problems: string[]): void {
  if (isIntrinsic(value)) return;
  switch (type.type) {
    case 'json':
      return;
    case 'string':
    case 'date-time':
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        problems.push(`${path}: expected a string`);
      break;
    case 'integer':
    case 'number':
      if (
        typeof value === 'number'
          ? type.type === 'integer' && !Number.isInteger(value)
          : !/^-?\d+(\.\d+)?$/.test(String(value))
      )
        problems.push(
          `${path}: expected ${type.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`,
        );
      break;
    case 'boolean':
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false')
        problems.push(`${path}: expected a boolean`);
      break;
    case 'array':
      if (!Array.isArray(value)) problems.push(`${path}: expected a list`);
      else value.forEach((item, i) => checkValue(item, type.element as PropertyType, `${path}[${i}]`, problems));
      return;
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) problems.push(`${path}: expected a map`);
      else
        for (const [k, v] of Object.entries(value))
          checkValue(v, type.element as PropertyType, `${path}.${k}`, problems);
      return;
    case 'tag':
      checkObject(
        value,
        { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } },
        path,
        problems,
      );
      return;
    case 'ref': {
      const nested = spec().types.get(type.reference?.$ref ?? '');
      if (!nested) problems.push(`${path}: unknown type ${type.reference?.$ref}`);
      else checkObject(value, nested.properties, path, problems);
      return;
    }
    case 'union': {
      const alternatives = (type.types ?? []).map((alternative) => {
        const found: string[] = [];
        checkValue(value, alternative, path, found);
        return found;
      });
      if (!alternatives.some((found) => found.length === 0)) problems.push(...(alternatives[0] ?? []));
      return;
    }
    default:
      problems.push(`${path}: unknown kind ${type.type}`);
  }
  if (type.allowedValues && !type.allowedValues.includes(value))
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(type.allowedValues)}`);
}

function checkObject(value: unknown, properties: Record<string, Property>, path: string, problems: string[]): void {
  if (isIntrinsic(value)) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected an object`);
    return;
  }
  for (const [name, property] of Object.entries(properties))
    if (property.required && !(name in value)) problems.push(`${path}: required property ${name} missing`);
  for (const [name, item] of Object.entries(value)) {
    const property = properties[name];
    if (!property) problems.push(`${path}: unknown property ${name}`);
    else checkValue(item, property.type, `${path}.${name}`, problems);
  }
}

/** Every `Ref` and `Fn::GetAtt` in `value`, with where it is. */
function references(
  value: unknown,
  path: string,
  found: Array<{ path: string; ref?: string; getAtt?: [string, string] }>,
) {
  if (Array.isArray(value)) value.forEach((item, i) => references(item, `${path}[${i}]`, found));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Ref' && typeof item === 'string') found.push({ path, ref: item });
      else if (key === 'Fn::GetAtt') {
        const [resource, attribute] = (typeof item === 'string' ? item.split(/\.(.*)/s) : item) as [string, string];
        found.push({ path, getAtt: [resource, attribute] });
      }
      references(item, `${path}.${key}`, found);
    }
  }
}

/** What is wrong with `template`, one line each; empty when it passes. */
export function schemaProblems(template: Template): string[] {
  const problems: string[] = [];
  for (const [name, resource] of Object.entries(template.Resources)) {
    const entity = spec().resources.get(resource.Type);
    if (!entity) {
      if (!resource.Type.startsWith('Custom::')) problems.push(`${name}: unknown resource type ${resource.Type}`);
      continue;
    }
    checkObject(resource.Properties ?? {}, entity.properties, `${name}(${resource.Type})`, problems);
  }
  const found: Array<{ path: string; ref?: string; getAtt?: [string, string] }> = [];
  references({ Resources: template.Resources, Outputs: template.Outputs ?? {} }, '', found);
  for (const { path, ref, getAtt } of found) {
    if (ref !== undefined) {
      if (!PSEUDO.has(ref) && !(ref in template.Resources) && !(ref in (template.Parameters ?? {})))
        problems.push(`${path}: Ref to unknown ${ref}`);
    } else if (getAtt) {
      const [resource, attribute] = getAtt;
      const type = template.Resources[resource]?.Type;
      const entity = type ? spec().resources.get(type) : undefined;
      if (!type) problems.push(`${path}: GetAtt of unknown resource ${resource}`);
      else if (entity && !(attribute in (entity.attributes ?? {})))
        problems.push(`${path}: ${type} has no attribute ${attribute}`);
    }
  }
  return problems;
}
