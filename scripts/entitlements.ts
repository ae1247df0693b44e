/**
 * `npm run entitlements -- <set|get|remove> --sub <sub> | --group <name> | --client <id> [options]`:
 * manages the entitlements pre token generation puts into tokens (docs/pre-token-generation.md).
 *
 *   set     merges the given fields into the subject's row (creating it) and prints the row
 *           --tenant <t>  --roles a,b  --permissions x,y  --scopes s1,s2  --suppress-scopes s3
 *           --groups g1,g2 (a user's row: replaces cognito:groups)  --claim name=value (repeatable;
 *           a JSON value is kept as JSON, anything else as a string)  --clear <field> (repeatable)
 *           --iam-roles arn,arn  --preferred-role arn (a user's or a group's row: cognito:roles and
 *           cognito:preferred_role; IAM role ARNs, the preferred role one of the row's roles)
 *   get     prints the row as JSON (exit 1 when there is none)
 *   remove  deletes the row (exit 1 when there was none)
 *
 * Against AWS: --table <name> or ENTITLEMENTS_TABLE, credentials and region as the AWS CLI finds them.
 * Against `npm start`'s local stack: --stack-file .local/stack.json. Names a token may not carry
 * (reserved or identity claims, scopes with blanks) are refused here, before they reach a sign-in.
 * Running functions cache rows for ENTITLEMENTS_CACHE_SECONDS (30 s by default).
 */
import { parseArgs } from 'node:util';
import { isClaimValue, type ClaimValue } from '../shared/events/claims.ts';
import { CLAIM_NAMES, isForbiddenClaim, isValidScope } from '../functions/pre-token-generation/grant.ts';
import { entitlementStore, iamRoleProblem, type Entitlements, type Subject } from '../shared/stores/entitlements.ts';
import { UsageError, useStackFile } from '../local-cloud/stack.ts';

const USAGE =
  'usage: npm run entitlements -- <set|get|remove> --sub <sub> | --group <name> | --client <id> ' +
  '[--tenant t] [--roles a,b] [--permissions x,y] [--scopes s1,s2] [--suppress-scopes s] [--groups g] ' +
  '[--iam-roles arn,arn] [--preferred-role arn] [--claim name=value ...] [--clear field ...] ' +
  '[--stack-file .local/stack.json | --table <name>]';

const LIST_FIELDS = {
  roles: 'roles',
  permissions: 'permissions',
  scopes: 'scopes',
  'suppress-scopes': 'suppressScopes',
  groups: 'groups',
  'iam-roles': 'iamRoles',
} as const;
const FIELDS = ['tenant', 'claims', 'preferredRole', ...Object.values(LIST_FIELDS)] as const;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sub: { type: 'string' },
    group: { type: 'string' },
    client: { type: 'string' },
    tenant: { type: 'string' },
    roles: { type: 'string' },
    permissions: { type: 'string' },
    scopes: { type: 'string' },
    'suppress-scopes': { type: 'string' },
    groups: { type: 'string' },
    'iam-roles': { type: 'string' },
    'preferred-role': { type: 'string' },
    claim: { type: 'string', multiple: true },
    clear: { type: 'string', multiple: true },
    table: { type: 'string' },
    'stack-file': { type: 'string' },
  },
});

function subject(): Subject {
  const given = (['sub', 'group', 'client'] as const).filter((kind) => values[kind] !== undefined);
  if (given.length !== 1) throw new UsageError(`name exactly one of --sub, --group, --client\n${USAGE}`);
  const kind = given[0] as Subject['kind'];
  const id = values[kind]?.trim() ?? '';
  if (!id) throw new UsageError(`--${kind} needs a value`);
  return { kind, id };
}

const list = (text: string) =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

function claimOf(pair: string): [string, ClaimValue] {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new UsageError(`--claim takes name=value, got ${pair}`);
  const name = pair.slice(0, eq).trim();
  const text = pair.slice(eq + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: the text itself.
  }
  if (!isClaimValue(value)) throw new UsageError(`--claim ${name}: null is no claim value`);
  if (isForbiddenClaim(name) || (Object.values(CLAIM_NAMES) as string[]).includes(name))
    throw new UsageError(`--claim ${name}: a token may not carry this claim from entitlements`);
  return [name, value];
}

/** The fields given on the command line, checked as the function would check them. */
function changes(target: Subject): Partial<Entitlements> {
  const found: Partial<Record<keyof Entitlements, unknown>> = {};
  if (values.tenant !== undefined) found.tenant = values.tenant;
  for (const [option, field] of Object.entries(LIST_FIELDS)) {
    const text = values[option as keyof typeof LIST_FIELDS];
    if (text !== undefined) found[field] = list(text);
  }
  for (const field of ['scopes', 'suppressScopes'] as const) {
    const bad = ((found[field] as string[] | undefined) ?? []).filter((scope) => !isValidScope(scope));
    if (bad.length) throw new UsageError(`scopes are single words without blanks: ${bad.join(', ')}`);
  }
  if (found.groups !== undefined && target.kind !== 'sub')
    throw new UsageError('--groups replaces a user’s groups: only with --sub');
  if (values['preferred-role'] !== undefined) found.preferredRole = values['preferred-role'].trim();
  if ((found.iamRoles !== undefined || found.preferredRole !== undefined) && target.kind === 'client')
    throw new UsageError(
      '--iam-roles and --preferred-role go into ID tokens (cognito:roles): only with --sub or --group; ' +
        'client-credentials tokens have neither an ID token nor groups',
    );
  if (values.claim?.length) found.claims = Object.fromEntries(values.claim.map(claimOf));
  return found as Partial<Entitlements>;
}

async function main(): Promise<number> {
  const [command] = positionals;
  if (!command || !['set', 'get', 'remove'].includes(command)) throw new UsageError(USAGE);
  const target = subject();
  const stackTable = values['stack-file'] ? useStackFile(values['stack-file'], 'entitlements').tableName : undefined;
  const table = values.table ?? stackTable ?? process.env.ENTITLEMENTS_TABLE;
  if (!table) throw new UsageError('name the entitlements table: --table <name>, --stack-file or ENTITLEMENTS_TABLE');
  const store = entitlementStore(table);
  const label = `${target.kind} ${target.id}`;

  if (command === 'get') {
    const found = await store.get(target);
    if (!found) {
      process.stderr.write(`no entitlements for ${label}\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
    return 0;
  }
  if (command === 'remove') {
    const removed = await store.remove(target);
    process.stderr.write(removed ? `removed ${label}\n` : `no entitlements for ${label}\n`);
    return removed ? 0 : 1;
  }
  const update = changes(target);
  const cleared = values.clear ?? [];
  const unknown = cleared.filter((field) => !(FIELDS as readonly string[]).includes(field));
  if (unknown.length) throw new UsageError(`--clear takes one of ${FIELDS.join(', ')}; got ${unknown.join(', ')}`);
  const current = (await store.get(target)) ?? {};
  const next: Entitlements = { ...current, ...update };
  if (update.claims) next.claims = { ...current.claims, ...update.claims };
  for (const field of cleared) delete next[field as keyof Entitlements];
  // Checked on the row as it will be stored: a preferred role must stay one of the row's roles.
  const problem = iamRoleProblem(next);
  if (problem) throw new UsageError(problem);
  await store.put(target, next);
  process.stdout.write(`${JSON.stringify(next, null, 2)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  },
);
