/**
 * Plausible, fast, in-memory answers for the AWS calls the functions make, served by the fault stand-ins
 * (test/helpers/faults.ts) so that the fuzz harness runs thousands of events a minute without DynamoDB
 * Local: the functions talk HTTP to 127.0.0.1 through their real SDK clients, unchanged.
 *
 * This is not DynamoDB: items are kept per table and key, the update expressions the stores write
 * (SET a = :v, SET a = if_not_exists(a, :v), ADD n :one, REMOVE a) are applied, condition expressions
 * are honoured for `attribute_not_exists(<key>)` on puts (a profile written once) and, on updates, for
 * the conjunctions the stores write (`attribute_exists(a) AND attribute_not_exists(b)`, `a = :v`), with
 * the old item on a failed condition when asked for (ALL_OLD); a Query finds the items whose attribute
 * equals the key condition's value (`email = :email` on the legacy directory's EmailIndex), up to its
 * Limit. Tests seed items through `put` (the legacy directory the import would have written). Every
 * store path of the functions is reached; the real semantics are tested against DynamoDB Local.
 */
import { snsPublishResponder, type ErrorAnswer, type Responder, type Service } from '../helpers/faults.ts';

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

const json = (body: unknown, contentType: string): ErrorAnswer => ({
  status: 200,
  headers: { 'content-type': contentType },
  body: JSON.stringify(body),
});

const dynamoError = (type: string, message: string): ErrorAnswer => ({
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type },
  body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }),
});

/** Splits at commas outside parentheses: `a = :a, b = if_not_exists(b, :b)`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** The clauses of an update expression, by keyword. */
function clauses(expression: string): Array<{ keyword: string; body: string }> {
  const found: Array<{ keyword: string; body: string }> = [];
  const pattern = /\b(SET|ADD|REMOVE|DELETE)\b/giu;
  const marks = [...expression.matchAll(pattern)];
  marks.forEach((mark, index) => {
    const start = (mark.index ?? 0) + mark[0].length;
    const end = marks[index + 1]?.index ?? expression.length;
    found.push({ keyword: mark[0].toUpperCase(), body: expression.slice(start, end) });
  });
  return found;
}

function applyUpdate(
  item: Item,
  expression: string,
  names: Record<string, string>,
  values: Record<string, AttributeValue>,
): void {
  const name = (token: string) => names[token.trim()] ?? token.trim();
  const value = (token: string) => values[token.trim()];
  for (const { keyword, body } of clauses(expression)) {
    for (const part of splitTopLevel(body)) {
      if (keyword === 'SET') {
        const [left = '', right = ''] = part.split(/=(.*)/su);
        const target = name(left);
        const ifNotExists = /^if_not_exists\(\s*([^,]+),\s*([^)]+)\)$/u.exec(right.trim());
        if (ifNotExists) {
          const fallback = value(ifNotExists[2] ?? '');
          if (!(target in item) && fallback) item[target] = fallback;
        } else {
          const assigned = value(right);
          if (assigned) item[target] = assigned;
        }
      } else if (keyword === 'ADD') {
        const [left = '', right = ''] = part.split(/\s+/u);
        const added = Number((value(right) as { N?: string } | undefined)?.N ?? 0);
        const current = Number((item[name(left)] as { N?: string } | undefined)?.N ?? 0);
        item[name(left)] = { N: String(current + added) };
      } else if (keyword === 'REMOVE') {
        delete item[name(part)];
      }
    }
  }
}

/**
 * Whether `item` (absent: no item) meets a condition the stores write: `attribute_exists(a)`,
 * `attribute_not_exists(a)` and `a = :v`, joined by AND. Anything else, and any expression with an OR,
 * holds (the fake does not judge it).
 */
function conditionHolds(
  item: Item | undefined,
  expression: string,
  names: Record<string, string>,
  values: Record<string, AttributeValue>,
): boolean {
  const name = (token: string) => names[token.trim()] ?? token.trim();
  // A disjunction (notifications' claim, occurrences' opening) is not judged: it holds.
  if (/\bOR\b/iu.test(expression)) return true;
  return expression
    .split(/\s+AND\s+/iu)
    .map((part) => part.trim())
    .filter(Boolean)
    .every((part) => {
      const exists = /^attribute_(not_)?exists\(\s*([^)]+?)\s*\)$/u.exec(part);
      if (exists) return (item !== undefined && name(exists[2] ?? '') in item) !== Boolean(exists[1]);
      const equals = /^([^\s=]+)\s*=\s*(:\w+)$/u.exec(part);
      if (equals) {
        const current = item?.[name(equals[1] ?? '')];
        return current !== undefined && JSON.stringify(current) === JSON.stringify(values[equals[2] ?? '']);
      }
      return true;
    });
}

export interface FakeDynamoDb extends Responder {
  /** Writes an item (DynamoDB JSON, as `marshall` makes it) as it is, under the key made of `keyAttribute`. */
  put(tableName: string, keyAttribute: string, item: Readonly<Record<string, object>>): void;
  /** Removes the item with this key (DynamoDB JSON). */
  remove(tableName: string, key: Readonly<Record<string, object>>): void;
}

/** An in-memory DynamoDB (JSON 1.0 protocol) for the calls the stores make. */
export function fakeDynamoDb(): FakeDynamoDb {
  const tables = new Map<string, Map<string, Item>>();
  const table = (name: string) => {
    let found = tables.get(name);
    if (!found) tables.set(name, (found = new Map()));
    return found;
  };
  const respond: Responder = ({ headers, body }) => {
    const operation = String(headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const input = JSON.parse(body || '{}') as {
      TableName?: string;
      Key?: Item;
      Item?: Item;
      UpdateExpression?: string;
      ConditionExpression?: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, AttributeValue>;
      ReturnValues?: string;
      ReturnValuesOnConditionCheckFailure?: string;
      KeyConditionExpression?: string;
      Limit?: number;
    };
    const rows = table(input.TableName ?? '');
    const key = JSON.stringify(input.Key ?? {});
    const type = 'application/x-amz-json-1.0';
    switch (operation) {
      case 'GetItem': {
        const item = rows.get(key);
        return json(item ? { Item: item } : {}, type);
      }
      case 'PutItem': {
        const item = input.Item ?? {};
        const itemKey = JSON.stringify(
          Object.fromEntries(
            Object.entries(item)
              .filter(([k]) => ['sub', 'id', 'username'].includes(k))
              .slice(0, 1),
          ),
        );
        // Judged on the attribute named: the import's attribute_not_exists(migratedAt) holds over an
        // existing item that has not migrated, as in DynamoDB.
        if (
          input.ConditionExpression &&
          !conditionHolds(
            rows.get(itemKey),
            input.ConditionExpression,
            input.ExpressionAttributeNames ?? {},
            input.ExpressionAttributeValues ?? {},
          )
        ) {
          return dynamoError('ConditionalCheckFailedException', 'The conditional request failed');
        }
        rows.set(itemKey, item);
        return json({}, type);
      }
      case 'UpdateItem': {
        const old = rows.get(key);
        const names = input.ExpressionAttributeNames ?? {};
        const values = input.ExpressionAttributeValues ?? {};
        if (input.ConditionExpression && !conditionHolds(old, input.ConditionExpression, names, values)) {
          const failed = dynamoError('ConditionalCheckFailedException', 'The conditional request failed');
          if (old && input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
            failed.body = JSON.stringify({ ...(JSON.parse(failed.body) as object), Item: old });
          }
          return failed;
        }
        const item: Item = { ...(old ?? input.Key ?? {}) };
        applyUpdate(
          item,
          input.UpdateExpression ?? '',
          input.ExpressionAttributeNames ?? {},
          input.ExpressionAttributeValues ?? {},
        );
        rows.set(key, item);
        return json(input.ReturnValues === 'ALL_NEW' ? { Attributes: item } : {}, type);
      }
      case 'DeleteItem':
        rows.delete(key);
        return json({}, type);
      case 'Query': {
        // `a = :v`: the items whose attribute a is v, in insertion order, up to Limit.
        const condition = /^\s*([^\s=]+)\s*=\s*(:\w+)\s*$/u.exec(input.KeyConditionExpression ?? '');
        if (!condition) return json({ Items: [], Count: 0, ScannedCount: 0 }, type);
        const attribute = input.ExpressionAttributeNames?.[condition[1] ?? ''] ?? condition[1] ?? '';
        const wanted = JSON.stringify(input.ExpressionAttributeValues?.[condition[2] ?? '']);
        const items = [...rows.values()]
          .filter((item) => item[attribute] !== undefined && JSON.stringify(item[attribute]) === wanted)
          .slice(0, input.Limit ?? Number.POSITIVE_INFINITY);
        return json({ Items: items, Count: items.length, ScannedCount: items.length }, type);
      }
      case 'Scan':
        return json({ Items: [], Count: 0, ScannedCount: 0 }, type);
      case 'BatchWriteItem':
        return json({ UnprocessedItems: {} }, type);
      case 'TransactWriteItems':
        return json({}, type);
      case 'BatchGetItem':
        return json({ Responses: {}, UnprocessedKeys: {} }, type);
      default:
        // An operation a store starts to use: an empty success is the most plausible answer we can give.
        return json({}, type);
    }
  };
  return Object.assign(respond, {
    put(tableName: string, keyAttribute: string, item: Readonly<Record<string, object>>) {
      const keyValue = item[keyAttribute];
      if (!keyValue) throw new Error(`the item has no ${keyAttribute}`);
      // Stored as the wire would carry it, so that answers are JSON like every other item's.
      table(tableName).set(JSON.stringify({ [keyAttribute]: keyValue }), JSON.parse(JSON.stringify(item)) as Item);
    },
    remove(tableName: string, key: Readonly<Record<string, object>>) {
      table(tableName).delete(JSON.stringify(key));
    },
  });
}

/** SES (v1 query protocol): every message accepted, with a message id. */
export function fakeSes(): Responder {
  let sent = 0;
  return () => {
    sent += 1;
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        '<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendEmailResult>' +
        `<MessageId>fuzz-${sent}</MessageId></SendEmailResult><ResponseMetadata><RequestId>fuzz-${sent}</RequestId>` +
        '</ResponseMetadata></SendEmailResponse>',
    };
  };
}

/**
 * Cognito (JSON 1.1): ListUsers finds one confirmed native user with the address asked for when the
 * address's length is even (so linking is both found and not found), and links succeed. AdminGetUser
 * finds a user with an address and a locale when the user name's length is even, and answers
 * UserNotFoundException, as Cognito does, when it is odd (the account-takeover notice meets both).
 */
export function fakeCognito(): Responder {
  return ({ headers, body }) => {
    const operation = String(headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const type = 'application/x-amz-json-1.1';
    if (operation === 'ListUsers') {
      const { Filter = '' } = JSON.parse(body || '{}') as { Filter?: string };
      const email = /^email = "(.*)"$/su.exec(Filter)?.[1]?.replace(/\\(.)/gu, '$1');
      const users =
        email && email.length % 2 === 0
          ? [
              {
                Username: 'native-user-0001',
                UserStatus: 'CONFIRMED',
                Enabled: true,
                Attributes: [
                  { Name: 'email', Value: email },
                  { Name: 'email_verified', Value: 'true' },
                ],
              },
            ]
          : [];
      return json({ Users: users }, type);
    }
    if (operation === 'AdminGetUser') {
      const { Username = '' } = JSON.parse(body || '{}') as { Username?: string };
      if (Username.length % 2 === 1) {
        return {
          status: 400,
          headers: { 'content-type': type, 'x-amzn-errortype': 'UserNotFoundException' },
          body: JSON.stringify({ __type: 'UserNotFoundException', message: 'User does not exist.' }),
        };
      }
      return json(
        {
          Username,
          UserStatus: 'CONFIRMED',
          Enabled: true,
          UserAttributes: [
            { Name: 'sub', Value: '00000000-0000-4000-8000-000000000001' },
            { Name: 'email', Value: 'fuzz.notice@example.com' },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'locale', Value: Username.length % 4 === 0 ? 'de' : 'fr' },
          ],
        },
        type,
      );
    }
    // AdminLinkProviderForUser, and any operation a function starts to use: an empty success.
    return json({}, type);
  };
}

export const FAKE_RESPONDERS: Readonly<Record<Service, () => Responder>> = {
  dynamodb: fakeDynamoDb,
  ses: fakeSes,
  cognito: fakeCognito,
  sns: () => snsPublishResponder(),
};
