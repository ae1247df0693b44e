/**
 * Entitlements: what an administrator grants a user (by `sub`), a group or an app client, for pre token
 * generation to put into tokens. One row per subject, keyed `pk` = `<kind>#<id>`. Users never write
 * this table; `npm run entitlements` (scripts/entitlements.ts) does.
 *
 * Rows are read defensively (`readEntitlements`): a field of the wrong type is ignored rather than
 * trusted, because a hand-edited row must not break every sign-in or smuggle a value of a new shape.
 */
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { isClaimValue, type ClaimValue } from '../events/claims.ts';

export type SubjectKind = 'sub' | 'group' | 'client';

export interface Subject {
  kind: SubjectKind;
  id: string;
}

export interface Entitlements {
  tenant?: string;
  roles?: string[];
  permissions?: string[];
  /** Scopes added to the access token (V2/V3). */
  scopes?: string[];
  /** Scopes removed from the access token (V2/V3); suppression wins over addition. */
  suppressScopes?: string[];
  /** A user's row only: replaces the `cognito:groups` claim. */
  groups?: string[];
  /**
   * IAM role ARNs for `cognito:roles` (a user's or a group's row): they replace the roles of the pool's
   * groups, for an identity pool that chooses the role from the token (docs/pre-token-generation.md, Groups and IAM roles).
   */
  iamRoles?: string[];
  /** One of `iamRoles` of the same row: `cognito:preferred_role`. */
  preferredRole?: string;
  /** Further claims, by name; names Cognito reserves are refused when the token is built. */
  claims?: Record<string, ClaimValue>;
}

export interface EntitlementItem extends Entitlements {
  pk: string;
  updatedAt?: string;
}

export const subjectKey = ({ kind, id }: Subject): string => `${kind}#${id}`;

/**
 * An IAM role ARN, as IAM writes them: any partition, a 12-digit account, an optional path and a role
 * name of at most 64 of `\w+=,.@-`. Identity pools assume what the token names, so nothing else passes.
 */
const IAM_ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x7e]{1,510}\/)?[\w+=,.@-]{1,64}$/u;
export const isIamRoleArn = (value: string): boolean => value.length <= 2048 && IAM_ROLE_ARN.test(value);

/**
 * Why a row's IAM roles cannot go into a token, or undefined when they can. The preferred role must be one
 * of the row's roles: an identity pool gives a `CustomRoleArn` only when it is in `cognito:roles`, so a
 * preferred role outside them could be assumed by default but never asked for (docs/pre-token-generation.md, "Groups and IAM roles").
 */
export function iamRoleProblem(entitlements: Pick<Entitlements, 'iamRoles' | 'preferredRole'>): string | undefined {
  const bad = (entitlements.iamRoles ?? []).filter((arn) => !isIamRoleArn(arn));
  if (bad.length) return `not IAM role ARNs (arn:aws:iam::<account>:role/<name>): ${bad.join(', ')}`;
  const preferred = entitlements.preferredRole;
  if (preferred === undefined) return undefined;
  if (!isIamRoleArn(preferred)) return `the preferred role is not an IAM role ARN: ${preferred}`;
  if (!(entitlements.iamRoles ?? []).includes(preferred))
    return `the preferred role must be one of the IAM roles of the same row: ${preferred}`;
  return undefined;
}

const strings = (value: unknown): string[] | undefined => {
  // lib-dynamodb returns string sets as Set; the CLI writes lists.
  const list = value instanceof Set ? [...(value as Set<unknown>)] : value;
  return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string') : undefined;
};

/** The entitlements in a stored row, each field only if it has the expected type. */
export function readEntitlements(item: Record<string, unknown>): Entitlements {
  const found: Entitlements = {};
  if (typeof item.tenant === 'string') found.tenant = item.tenant;
  for (const field of ['roles', 'permissions', 'scopes', 'suppressScopes', 'groups', 'iamRoles'] as const) {
    const list = strings(item[field]);
    if (list) found[field] = list;
  }
  if (typeof item.preferredRole === 'string') found.preferredRole = item.preferredRole;
  const claims = item.claims;
  if (typeof claims === 'object' && claims !== null && !Array.isArray(claims)) {
    found.claims = Object.fromEntries(
      Object.entries(claims).filter((entry): entry is [string, ClaimValue] => isClaimValue(entry[1])),
    );
  }
  return found;
}

export interface EntitlementStore {
  /** The entitlements of each key (subjectKey) asked for; a key without a row maps to undefined. */
  getMany(keys: readonly string[], signal?: AbortSignal): Promise<Map<string, Entitlements | undefined>>;
  get(subject: Subject, signal?: AbortSignal): Promise<Entitlements | undefined>;
  put(subject: Subject, entitlements: Entitlements, signal?: AbortSignal): Promise<void>;
  remove(subject: Subject, signal?: AbortSignal): Promise<boolean>;
}

/** BatchGetItem takes at most 100 keys. */
const BATCH_SIZE = 100;
/** DynamoDB may leave keys unprocessed under load: ask again this often, then fail (the caller decides). */
const MAX_ROUNDS = 3;

export class UnprocessedKeysError extends Error {
  override readonly name = 'UnprocessedKeysError';
}

export function entitlementStore(tableName: string, client: () => DocumentClient = documentClient): EntitlementStore {
  async function batch(keys: readonly string[], found: Map<string, Entitlements | undefined>, signal?: AbortSignal) {
    let pending = keys.map((pk) => ({ pk }));
    for (let round = 0; pending.length > 0; round += 1) {
      if (round === MAX_ROUNDS) throw new UnprocessedKeysError(`${pending.length} keys left unprocessed`);
      const { Responses, UnprocessedKeys } = await client().send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
        { abortSignal: signal },
      );
      for (const item of Responses?.[tableName] ?? []) {
        if (typeof item.pk === 'string') found.set(item.pk, readEntitlements(item));
      }
      pending = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Array<{ pk: string }>;
    }
  }
  const getMany: EntitlementStore['getMany'] = async (keys, signal) => {
    const unique = [...new Set(keys)];
    const found = new Map<string, Entitlements | undefined>(unique.map((key) => [key, undefined]));
    if (unique.length === 1) {
      const [pk] = unique as [string];
      const { Item } = await client().send(new GetCommand({ TableName: tableName, Key: { pk } }), {
        abortSignal: signal,
      });
      found.set(pk, Item ? readEntitlements(Item) : undefined);
      return found;
    }
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += BATCH_SIZE) chunks.push(unique.slice(i, i + BATCH_SIZE));
    await Promise.all(chunks.map((chunk) => batch(chunk, found, signal)));
    return found;
  };
  return {
    getMany,
    async get(subject, signal) {
      return (await getMany([subjectKey(subject)], signal)).get(subjectKey(subject));
    },
    async put(subject, entitlements, signal) {
      const item: EntitlementItem = { ...entitlements, pk: subjectKey(subject), updatedAt: new Date().toISOString() };
      await client().send(new PutCommand({ TableName: tableName, Item: item }), { abortSignal: signal });
    },
    async remove(subject, signal) {
      const { Attributes } = await client().send(
        new DeleteCommand({ TableName: tableName, Key: { pk: subjectKey(subject) }, ReturnValues: 'ALL_OLD' }),
        { abortSignal: signal },
      );
      return Attributes !== undefined;
    },
  };
}
