/** pre-token-generation's pure decisions: the merge, escalation guards, the answer per version, the size rule. */
import {
  answerBytes,
  currentGroups,
  fitToBudget,
  groupOverride,
  renderAnswer,
  type AnswerOptions,
} from '../../../functions/pre-token-generation/answer.ts';
import {
  isForbiddenClaim,
  mergeGrant,
  trustedAttributeClaims,
  unentitledScopes,
  type Grant,
} from '../../../functions/pre-token-generation/grant.ts';
import { buildEvent, checkResponse, type PreTokenGenerationEvent } from '../../../shared/events/index.ts';
import { iamRoleProblem, isIamRoleArn, readEntitlements } from '../../../shared/stores/entitlements.ts';

const V2: AnswerOptions = { version: '2', claimTokens: new Set(['id', 'access']), clientCredentials: false };
const V1: AnswerOptions = { version: '1', claimTokens: new Set(['id', 'access']), clientCredentials: false };

const grant = (overrides: Partial<Grant> = {}): Grant => ({
  claims: {},
  scopesToAdd: [],
  scopesToSuppress: [],
  refused: [],
  ...overrides,
});

/** The answer, checked by the library's rules as the wrapper would: it throws on a violation. */
function accepted(version: '1' | '2' | '3', source: string, answer: object) {
  const event = buildEvent('PreTokenGeneration', {
    version,
    triggerSource: source,
  } as never) as PreTokenGenerationEvent;
  checkResponse('PreTokenGeneration', event, { ...event, response: answer } as never);
}

describe('merging entitlements', () => {
  it('unites lists, the user first; the user decides single values, then the first group', () => {
    const merged = mergeGrant({
      user: { roles: ['editor'], permissions: ['a'], scopes: ['orders/write'] },
      groups: [
        { tenant: 'from-group', roles: ['reader', 'editor'], scopes: ['orders/read'], claims: { plan: 'gold' } },
        { tenant: 'second-group', claims: { plan: 'silver', region: 'eu' } },
      ],
    });
    expect(merged).toEqual({
      claims: { tenant: 'from-group', roles: ['editor', 'reader'], permissions: ['a'], plan: 'gold', region: 'eu' },
      scopesToAdd: ['orders/write', 'orders/read'],
      scopesToSuppress: [],
      refused: [],
    });
    expect(mergeGrant({ user: { tenant: 'mine' }, groups: [{ tenant: 'theirs' }] }).claims.tenant).toBe('mine');
  });

  it('lets suppression win over addition and overrides groups from the user row only', () => {
    const merged = mergeGrant({
      user: { scopes: ['a/b'], groups: ['admins', 'admins'] },
      groups: [{ suppressScopes: ['a/b', 'openid'], groups: ['ignored'] }],
    });
    expect(merged.scopesToAdd).toEqual([]);
    expect(merged.scopesToSuppress).toEqual(['a/b', 'openid']);
    expect(merged.groups).toEqual(['admins']);
  });

  it('gives nothing when there is nothing', () => {
    expect(renderAnswer(mergeGrant({ groups: [undefined] }), V2)).toEqual({});
    expect(renderAnswer(mergeGrant({ groups: [] }), V1)).toEqual({});
  });
});

describe('no escalation', () => {
  it('refuses reserved and identity claim names from the store, by name, without failing the token', () => {
    const merged = mergeGrant({
      user: {
        claims: {
          sub: 'someone-else',
          'cognito:groups': ['admins'],
          'cognito:roles': ['arn'],
          username: 'admin',
          scope: 'admin',
          aud: 'other-client',
          email: 'ceo@example.com',
          email_verified: true,
          'dev:x': 'y',
          token_use: 'id',
          roles: ['admin'],
          department: 'sales',
        },
      },
      groups: [],
    });
    expect(merged.claims).toEqual({ department: 'sales' });
    expect(merged.refused.sort()).toEqual(
      [
        'sub',
        'cognito:groups',
        'cognito:roles',
        'username',
        'scope',
        'aud',
        'email',
        'email_verified',
        'dev:x',
        'token_use',
        'roles',
      ].sort(),
    );
    accepted('2', 'TokenGeneration_Authentication', renderAnswer(merged, V2));
  });

  it('refuses a __proto__ claim from a stored row', () => {
    const row = JSON.parse('{"pk":"sub#x","claims":{"__proto__":{"admin":true},"ok":"1"}}') as Record<string, unknown>;
    const merged = mergeGrant({ user: readEntitlements(row), groups: [] });
    expect(Object.keys(merged.claims)).toEqual(['ok']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('reads only typed fields of a row: a string where a list belongs is ignored', () => {
    expect(readEntitlements({ pk: 'sub#x', roles: 'admin', scopes: ['a', 7], tenant: 3, claims: [1] })).toEqual({
      scopes: ['a'],
    });
  });

  it('drops scopes with blanks instead of failing the sign-in', () => {
    const merged = mergeGrant({ user: { scopes: ['orders/read', 'admin all', ''] }, groups: [] });
    expect(merged.scopesToAdd).toEqual(['orders/read']);
    expect(merged.refused).toEqual(['scope:admin all', 'scope:']);
  });

  it('takes claims from trusted attributes only, and their values as plain strings', () => {
    const attributes = {
      'custom:role': 'admin',
      'custom:roles': '["admin"]',
      'custom:groups': 'admins',
      'custom:scope': 'orders/admin',
      'custom:tenant': '{"id":"other"}',
    };
    expect(trustedAttributeClaims(attributes, new Map())).toEqual({});
    const claims = trustedAttributeClaims(attributes, new Map([['custom:tenant', 'org']]));
    expect(claims).toEqual({ org: '{"id":"other"}' });
    // Attributes never feed scopes or groups, and lose to the store.
    const merged = mergeGrant({ user: { claims: { org: 'acme' } }, groups: [], attributeClaims: claims });
    expect(merged).toMatchObject({ claims: { org: 'acme' }, scopesToAdd: [] });
    expect(merged.groups).toBeUndefined();
  });

  it('treats a trusted attribute named like a reserved claim as refused', () => {
    expect(isForbiddenClaim('cognito:groups')).toBe(true);
    const merged = mergeGrant({ groups: [], attributeClaims: { sub: 'x', org: 'y' } });
    expect(merged.claims).toEqual({ org: 'y' });
  });

  it('suppresses requested scopes under a managed prefix that no entitlement grants', () => {
    expect(unentitledScopes(['openid', 'orders/admin', 'orders/read'], ['orders/read'], ['orders/'])).toEqual([
      'orders/admin',
    ]);
    expect(unentitledScopes(['orders/admin'], [], [])).toEqual([]);
  });
});

describe('the answer per version', () => {
  const merged = grant({
    claims: { tenant: 't', roles: ['a', 'b'], level: 3, flags: { beta: true } },
    scopesToAdd: ['orders/read'],
    scopesToSuppress: ['orders/admin'],
    groups: ['g'],
  });

  it('V1: ID token claims as strings, group override, no scopes', () => {
    const answer = renderAnswer(merged, V1);
    expect(answer).toEqual({
      claimsOverrideDetails: {
        claimsToAddOrOverride: { tenant: 't', roles: '["a","b"]', level: '3', flags: '{"beta":true}' },
        groupOverrideDetails: { groupsToOverride: ['g'], iamRolesToOverride: [] },
      },
    });
    accepted('1', 'TokenGeneration_Authentication', answer);
  });

  it('V2: claims into the configured tokens, scopes on the access token', () => {
    const answer = renderAnswer(merged, V2);
    expect(answer).toEqual({
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: merged.claims },
        accessTokenGeneration: {
          claimsToAddOrOverride: merged.claims,
          scopesToAdd: ['orders/read'],
          scopesToSuppress: ['orders/admin'],
        },
        groupOverrideDetails: { groupsToOverride: ['g'], iamRolesToOverride: [] },
      },
    });
    accepted('2', 'TokenGeneration_RefreshTokens', answer);
    const accessOnly = renderAnswer(merged, { ...V2, claimTokens: new Set(['access']) });
    expect(accessOnly).not.toHaveProperty('claimsAndScopeOverrideDetails.idTokenGeneration');
  });

  it('V3 client credentials: the access token only, no groups', () => {
    const answer = renderAnswer(merged, { version: '3', claimTokens: new Set(['id']), clientCredentials: true });
    expect(answer).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: {
          claimsToAddOrOverride: merged.claims,
          scopesToAdd: ['orders/read'],
          scopesToSuppress: ['orders/admin'],
        },
      },
    });
    accepted('3', 'TokenGeneration_ClientCredentials', answer);
  });
});

describe('the size budget', () => {
  const big = (n: number) => 'x'.repeat(n);

  it('keeps an answer within the budget as it is', () => {
    const merged = grant({ claims: { tenant: 't', permissions: ['a'] } });
    const fitted = fitToBudget(merged, V2, 4096);
    expect(fitted).toMatchObject({ dropped: [], refused: false });
    expect(fitted.bytes).toBe(answerBytes(renderAnswer(merged, V2)));
  });

  it('gives up optional claims, largest first, until it fits', () => {
    const merged = grant({
      claims: { tenant: 't', roles: ['r'], permissions: [big(900)], small: 's', large: big(1500) },
      scopesToSuppress: ['orders/admin'],
    });
    const fitted = fitToBudget(merged, V2, 3000);
    expect(fitted.dropped).toEqual(['large']);
    expect(fitted.bytes).toBeLessThanOrEqual(3000);
    const tighter = fitToBudget(merged, V2, 600);
    expect(tighter.dropped).toEqual(['large', 'permissions']);
    expect(tighter.answer).toMatchObject({
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: { tenant: 't', roles: ['r'], small: 's' } },
        accessTokenGeneration: { scopesToSuppress: ['orders/admin'] },
      },
    });
  });

  it('counts bytes, not characters', () => {
    const merged = grant({ claims: { note: 'é'.repeat(1200) } });
    expect(fitToBudget(merged, V2, 4096).dropped).toEqual(['note']);
  });

  it('refuses the token when tenant, roles, scopes and groups alone exceed it', () => {
    const merged = grant({ claims: { tenant: 't', roles: [big(5000)] } });
    expect(fitToBudget(merged, V2, 4096)).toMatchObject({ refused: true, answer: {} });
  });
});

const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

describe('groups and IAM roles (the guide: groupOverrideDetails replaces the whole object)', () => {
  const pool = currentGroups({
    groupsToOverride: ['readers', 'staff'],
    iamRolesToOverride: [ROLE('reader'), ROLE('staff')],
    preferredRole: ROLE('reader'),
  });

  it('leaves no override when the grant changes neither groups nor roles', () => {
    expect(groupOverride(grant(), pool)).toBeUndefined();
    expect(renderAnswer(grant({ claims: { tenant: 't' } }), { ...V2, groupConfiguration: pool })).not.toHaveProperty(
      'claimsAndScopeOverrideDetails.groupOverrideDetails',
    );
  });

  it("keeps the request's IAM roles and preferred role when the grant overrides groups only (V1, V2, V3)", () => {
    const override = {
      groupsToOverride: ['auditors'],
      iamRolesToOverride: [ROLE('reader'), ROLE('staff')],
      preferredRole: ROLE('reader'),
    };
    const groupsOnly = grant({ groups: ['auditors'] });
    const v1 = renderAnswer(groupsOnly, { ...V1, groupConfiguration: pool });
    expect(v1).toEqual({ claimsOverrideDetails: { groupOverrideDetails: override } });
    accepted('1', 'TokenGeneration_Authentication', v1);
    for (const version of ['2', '3'] as const) {
      const answer = renderAnswer(groupsOnly, { ...V2, version, groupConfiguration: pool });
      expect(answer).toEqual({ claimsAndScopeOverrideDetails: { groupOverrideDetails: override } });
      accepted(version, 'TokenGeneration_RefreshTokens', answer);
    }
  });

  it("keeps the request's groups when the grant sets roles only, and takes the entitlement's roles", () => {
    const merged = mergeGrant({
      user: { iamRoles: [ROLE('orders-reader'), ROLE('orders-writer')], preferredRole: ROLE('orders-writer') },
      groups: [undefined, undefined],
    });
    expect(renderAnswer(merged, { ...V2, groupConfiguration: pool })).toEqual({
      claimsAndScopeOverrideDetails: {
        groupOverrideDetails: {
          groupsToOverride: ['readers', 'staff'],
          iamRolesToOverride: [ROLE('orders-reader'), ROLE('orders-writer')],
          preferredRole: ROLE('orders-writer'),
        },
      },
    });
  });

  it('gives client-credentials tokens no group override: they have no ID token and no groups', () => {
    const answer = renderAnswer(grant({ groups: ['g'], iamRoles: { roles: [ROLE('x')] } }), {
      version: '3',
      claimTokens: new Set(['access']),
      clientCredentials: true,
      groupConfiguration: pool,
    });
    expect(answer).toEqual({});
  });

  it('reads preferredRole as a string, a one-element list, null, or a longer list (no single role)', () => {
    expect(currentGroups({ preferredRole: [ROLE('a')] }).preferredRole).toBe(ROLE('a'));
    expect(currentGroups({ preferredRole: null })).toEqual({ groups: [], iamRoles: [] });
    expect(currentGroups({ preferredRole: [ROLE('a'), ROLE('b')] })).not.toHaveProperty('preferredRole');
    expect(currentGroups(undefined)).toEqual({ groups: [], iamRoles: [] });
    expect(groupOverride(grant({ groups: ['g'] }), currentGroups({ iamRolesToOverride: [ROLE('a')] }))).toEqual({
      groupsToOverride: ['g'],
      iamRolesToOverride: [ROLE('a')],
    });
  });

  it('merges roles: the user row decides alone; else the groups’ rows in precedence order', () => {
    const admins = { iamRoles: [ROLE('admin')], preferredRole: ROLE('admin') };
    const readers = { iamRoles: [ROLE('reader'), ROLE('admin')] };
    expect(mergeGrant({ groups: [admins, undefined, readers] }).iamRoles).toEqual({
      roles: [ROLE('admin'), ROLE('reader')],
      preferredRole: ROLE('admin'),
    });
    // Without a preferred role in any row, the best-precedence row does not decide: several roles, none preferred.
    expect(mergeGrant({ groups: [readers] }).iamRoles).toEqual({ roles: [ROLE('reader'), ROLE('admin')] });
    // Only the best-precedence row decides: a later row's preferred role does not become the default.
    expect(mergeGrant({ groups: [readers, admins] }).iamRoles).toEqual({ roles: [ROLE('reader'), ROLE('admin')] });
    // A best-precedence row with one role prefers it, as Cognito prefers the best group's role.
    expect(mergeGrant({ groups: [{ iamRoles: [ROLE('staff')] }, readers] }).iamRoles).toEqual({
      roles: [ROLE('staff'), ROLE('reader'), ROLE('admin')],
      preferredRole: ROLE('staff'),
    });
    // One role: it is the preferred one, as Cognito sets it for a single allowed role.
    expect(mergeGrant({ groups: [{ iamRoles: [ROLE('reader')] }] }).iamRoles).toEqual({
      roles: [ROLE('reader')],
      preferredRole: ROLE('reader'),
    });
    expect(mergeGrant({ user: { iamRoles: [ROLE('user')] }, groups: [admins] }).iamRoles).toEqual({
      roles: [ROLE('user')],
      preferredRole: ROLE('user'),
    });
    // An empty list is a decision too: no roles at all.
    expect(mergeGrant({ user: { iamRoles: [] }, groups: [admins] }).iamRoles).toEqual({ roles: [] });
    // A client row names no IAM roles into a token.
    expect(mergeGrant({ groups: [], client: { iamRoles: [ROLE('svc')] } }).iamRoles).toBeUndefined();
  });

  it('refuses ARNs that are no IAM role and a preferred role outside its row, without failing the token', () => {
    const merged = mergeGrant({
      user: {
        iamRoles: [ROLE('ok'), 'arn:aws:iam::123456789012:user/alice', 'admin'],
        preferredRole: ROLE('elsewhere'),
      },
      groups: [],
    });
    expect(merged.iamRoles).toEqual({ roles: [ROLE('ok')], preferredRole: ROLE('ok') });
    expect(merged.refused).toEqual(['iamRole:arn:aws:iam::123456789012:user/alice', 'iamRole:admin', 'preferredRole']);
  });

  it('never takes roles from attributes, trusted or not', () => {
    const claims = trustedAttributeClaims({ 'custom:iam': ROLE('admin') }, new Map([['custom:iam', 'iam']]));
    const merged = mergeGrant({ groups: [], attributeClaims: { ...claims, 'cognito:roles': ROLE('admin') } });
    expect(merged.iamRoles).toBeUndefined();
    expect(merged.refused).toEqual(['cognito:roles']);
  });

  it('keeps the override when the size budget gives up claims', () => {
    const merged = grant({
      claims: { large: 'x'.repeat(5000) },
      iamRoles: { roles: [ROLE('r')], preferredRole: ROLE('r') },
    });
    const fitted = fitToBudget(merged, { ...V2, groupConfiguration: pool }, 1024);
    expect(fitted.dropped).toEqual(['large']);
    expect(fitted.answer).toEqual({
      claimsAndScopeOverrideDetails: {
        groupOverrideDetails: {
          groupsToOverride: ['readers', 'staff'],
          iamRolesToOverride: [ROLE('r')],
          preferredRole: ROLE('r'),
        },
      },
    });
  });
});

describe('IAM role ARNs in the store', () => {
  it('accepts IAM role ARNs of any partition, with a path; refuses the rest', () => {
    expect(isIamRoleArn(ROLE('orders-reader'))).toBe(true);
    expect(isIamRoleArn('arn:aws-us-gov:iam::123456789012:role/team/app/reader')).toBe(true);
    expect(isIamRoleArn('arn:aws-cn:iam::123456789012:role/a+=,.@-_')).toBe(true);
    for (const bad of [
      'arn:aws:iam::123456789012:user/alice',
      'arn:aws:iam::12345:role/short-account',
      'arn:aws:sts::123456789012:assumed-role/r/s',
      'arn:aws:iam::XXXXXXXXXXXX:role/sns_callerA',
      `arn:aws:iam::123456789012:role/${'x'.repeat(65)}`,
      'arn:aws:iam::123456789012:role/has space',
      '',
    ])
      expect(isIamRoleArn(bad)).toBe(false);
  });

  it('requires the preferred role among the same row’s roles', () => {
    expect(iamRoleProblem({ iamRoles: [ROLE('a')], preferredRole: ROLE('a') })).toBeUndefined();
    expect(iamRoleProblem({ iamRoles: [ROLE('a')], preferredRole: ROLE('b') })).toMatch(/one of the IAM roles/u);
    expect(iamRoleProblem({ preferredRole: ROLE('b') })).toMatch(/one of the IAM roles/u);
    expect(iamRoleProblem({ iamRoles: ['reader'] })).toMatch(/not IAM role ARNs/u);
  });

  it('reads iamRoles and preferredRole from a row only with the right types', () => {
    expect(readEntitlements({ pk: 'sub#x', iamRoles: [ROLE('a'), 3], preferredRole: ROLE('a') })).toEqual({
      iamRoles: [ROLE('a')],
      preferredRole: ROLE('a'),
    });
    expect(readEntitlements({ pk: 'sub#x', iamRoles: ROLE('a'), preferredRole: [ROLE('a')] })).toEqual({});
  });
});
