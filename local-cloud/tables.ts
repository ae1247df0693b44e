/**
 * The DynamoDB tables of infra/tables.yml, created in a local DynamoDB.
 *
 * The file is CloudFormation as Serverless includes it: `Resources: { <LogicalId>: { Type:
 * AWS::DynamoDB::Table, Properties: {...} } }`, with table names written as Serverless variables
 * (`${self:custom.tables.profiles}`). Locally there is no Serverless to resolve them, so the caller
 * supplies the names, keyed by the variable's last segment (`profiles`).
 */
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type BillingMode,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type Projection,
  type StreamViewType,
  type TimeToLiveSpecification,
} from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { parse, type CollectionTag, type ScalarTag, type Tags } from 'yaml';
import { dynamoDbClientFor } from './dynamodb.ts';

export interface TableDefinition {
  /** The resource's logical id in the template: "ProfilesTable". */
  logicalId: string;
  tableName: string;
  /** The CreateTable request, BillingMode and indexes included. */
  createTable: CreateTableCommandInput;
  timeToLive?: TimeToLiveSpecification;
}

/** CloudFormation's short-form intrinsic functions (`!Ref x`, `!GetAtt a.b`): read as their long forms so the file parses. */
const INTRINSIC_FUNCTIONS = [
  'Ref',
  'Condition',
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'And',
  'Equals',
  'Not',
  'Or',
];

export const INTRINSIC_TAGS: Tags = INTRINSIC_FUNCTIONS.flatMap((name): Array<ScalarTag | CollectionTag> => {
  const tag = `!${name}`;
  const longForm = (value: unknown) => ({ [name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`]: value });
  const fromCollection: CollectionTag['resolve'] = (collection) => longForm(collection.toJSON());
  return [
    { tag, resolve: (value: string) => longForm(value) },
    { tag, collection: 'seq', resolve: fromCollection },
    { tag, collection: 'map', resolve: fromCollection },
  ];
});

const SERVERLESS_VARIABLE = /\$\{([^{}]+)\}/g;

/**
 * Replaces each Serverless variable in `value` by the entry of `names` under the variable's last
 * segment: `${self:custom.tables.profiles}` → names.profiles. Text around variables is kept, so
 * `${self:service}-x` works when `service` is in `names`. Fallbacks (`${a, 'b'}`) are not used:
 * a variable without an entry is an error, naming the known entries.
 */
export function resolveServerlessVariables(value: string, names: Record<string, string>): string {
  return value.replace(SERVERLESS_VARIABLE, (variable, body: string) => {
    const reference = body.split(',')[0]?.trim() ?? '';
    const key = reference.split(/[.:]/).at(-1) ?? '';
    const name = Object.hasOwn(names, key) ? names[key] : undefined;
    if (name === undefined) {
      const known = Object.keys(names).join(', ') || 'none';
      throw new Error(`Unknown variable ${variable}: no name for "${key}" (known: ${known})`);
    }
    return name;
  });
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} is missing`);
  return value;
}

/** A list of objects. Their fields are CreateTable's own (CloudFormation uses the same names), checked by DynamoDB. */
function list<T = Json>(value: unknown, what: string): T[] {
  if (!Array.isArray(value) || !value.every(isObject)) throw new Error(`${what} must be a list of objects`);
  return value as T[];
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} must be a string, not ${JSON.stringify(value)}`);
  return value;
}

function throughput(value: unknown): { ReadCapacityUnits: number; WriteCapacityUnits: number } | undefined {
  if (!isObject(value)) return undefined;
  return { ReadCapacityUnits: Number(value.ReadCapacityUnits), WriteCapacityUnits: Number(value.WriteCapacityUnits) };
}

/** Secondary indexes with what CreateTable accepts (CloudFormation allows more, e.g. ContributorInsightsSpecification). */
function indexes(value: unknown, what: string): GlobalSecondaryIndex[] | undefined {
  if (value === undefined) return undefined;
  return list(value, what).map((index, i) => {
    const at = `${what}[${i}]`;
    return {
      IndexName: text(index.IndexName, `${at}.IndexName`),
      KeySchema: list<KeySchemaElement>(index.KeySchema, `${at}.KeySchema`),
      Projection: required(index.Projection, `${at}.Projection`) as Projection,
      ...(index.ProvisionedThroughput ? { ProvisionedThroughput: throughput(index.ProvisionedThroughput) } : {}),
    };
  });
}

function tableDefinition(logicalId: string, properties: Json, names: Record<string, string>): TableDefinition {
  const at = `Resources.${logicalId}.Properties`;
  const tableName = resolveServerlessVariables(text(properties.TableName, `${at}.TableName`), names);
  const billingMode = (
    typeof properties.BillingMode === 'string' ? properties.BillingMode : 'PROVISIONED'
  ) as BillingMode;
  const stream = isObject(properties.StreamSpecification) ? properties.StreamSpecification : undefined;

  const createTable: CreateTableCommandInput = {
    TableName: tableName,
    AttributeDefinitions: list<AttributeDefinition>(properties.AttributeDefinitions, `${at}.AttributeDefinitions`),
    KeySchema: list<KeySchemaElement>(properties.KeySchema, `${at}.KeySchema`),
    BillingMode: billingMode,
    ...(billingMode === 'PROVISIONED' ? { ProvisionedThroughput: throughput(properties.ProvisionedThroughput) } : {}),
    GlobalSecondaryIndexes: indexes(properties.GlobalSecondaryIndexes, `${at}.GlobalSecondaryIndexes`),
    LocalSecondaryIndexes: indexes(properties.LocalSecondaryIndexes, `${at}.LocalSecondaryIndexes`),
    ...(stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as StreamViewType } }
      : {}),
  };

  const ttl = isObject(properties.TimeToLiveSpecification) ? properties.TimeToLiveSpecification : undefined;
  const timeToLive = ttl
    ? {
        AttributeName: String(required(ttl.AttributeName, `${at}.TimeToLiveSpecification.AttributeName`)),
        Enabled: ttl.Enabled === true || ttl.Enabled === 'true',
      }
    : undefined;
  return { logicalId, tableName, createTable, ...(timeToLive ? { timeToLive } : {}) };
}

/** Every AWS::DynamoDB::Table of a CloudFormation YAML file, with its name resolved through `names`. */
export function loadTableDefinitions(file = 'infra/tables.yml', names: Record<string, string> = {}): TableDefinition[] {
  const template: unknown = parse(readFileSync(file, 'utf8'), { customTags: INTRINSIC_TAGS });
  if (!isObject(template) || !isObject(template.Resources)) throw new Error(`${file}: no Resources map`);
  return Object.entries(template.Resources)
    .filter(([, resource]) => isObject(resource) && resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => {
      try {
        return tableDefinition(
          logicalId,
          required((resource as Json).Properties as Json | undefined, 'Properties'),
          names,
        );
      } catch (error) {
        throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    });
}

export interface CreatedTable {
  tableName: string;
  /** False when the table existed already. */
  created: boolean;
}

/** Creates each table that does not exist yet, then turns its TTL on if the definition asks for it. Idempotent. */
export async function createTables(endpoint: string, definitions: readonly TableDefinition[]): Promise<CreatedTable[]> {
  const client = dynamoDbClientFor(endpoint);
  try {
    const results: CreatedTable[] = [];
    for (const definition of definitions) {
      let created = true;
      try {
        await client.send(new CreateTableCommand(definition.createTable));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        created = false;
      }
      const ttl = definition.timeToLive;
      if (ttl?.Enabled) {
        const current = await client.send(new DescribeTimeToLiveCommand({ TableName: definition.tableName }));
        const status = current.TimeToLiveDescription?.TimeToLiveStatus;
        if (status !== 'ENABLED' && status !== 'ENABLING') {
          await client.send(
            new UpdateTimeToLiveCommand({ TableName: definition.tableName, TimeToLiveSpecification: ttl }),
          );
        }
      }
      results.push({ tableName: definition.tableName, created });
    }
    return results;
  } finally {
    client.destroy();
  }
}
