/**
 * The token-generation stand-in's rules (local-cloud/token-generation.ts) against the developer guide:
 * which groups and roles Cognito writes into tokens, and how it applies a pre token generation answer.
 * cognito-local 5.3 applies only the ID token claims of a V1 answer; these are what it leaves out.
 */
import {
  applyPreTokenAnswer,
  groupConfigurationOf,
  preTokenEvent,
  tokensWithGroups,
} from '../../local-cloud/token-generation.ts';
import { parseEvent } from '../../shared/events/index.ts';

const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const base = () => ({
  id: { sub: 's', 'cognito:username': 'u', email: 'u@example.com', token_use: 'id' } as Record<string, unknown>,
  access: { sub: 's', username: 'u', scope: 'aws.cognito.signin.user.admin', token_use: 'access' } as Record<
    string,
    unknown
  >,
});

describe('groups and roles as Cognito writes them ("Using tokens to assign roles to users")', () => {
  it('orders groups by precedence; the preferred role is the best-precedence group’s', () => {
    const configuration = groupConfigurationOf([
      { GroupName: 'staff', RoleArn: ROLE('staff'), Precedence: 5 },
      { GroupName: 'none' },
      { GroupName: 'admins', RoleArn: ROLE('admin'), Precedence: 1 },
    ]);
    expect(configuration).toEqual({
      groupsToOverride: ['admins', 'staff', 'none'],
      iamRolesToOverride: [ROLE('admin'), ROLE('staff')],
      preferredRole: ROLE('admin'),
    });
  });

  it('"If there is only one allowed role, cognito:preferred_role is set to that role"', () => {
    expect(groupConfigurationOf([{ GroupName: 'a', RoleArn: ROLE('r') }, { GroupName: 'b' }]).preferredRole).toBe(
      ROLE('r'),
    );
  });

  it('"If there are multiple roles and no single role has the best precedence, this claim is not set"', () => {
    const tie = groupConfigurationOf([
      { GroupName: 'a', RoleArn: ROLE('a'), Precedence: 1 },
      { GroupName: 'b', RoleArn: ROLE('b'), Precedence: 1 },
    ]);
    expect(tie.preferredRole).toBeNull();
    const { id, access } = tokensWithGroups(base().id, base().access, tie);
    expect(id).toMatchObject({ 'cognito:groups': ['a', 'b'], 'cognito:roles': [ROLE('a'), ROLE('b')] });
    expect(id).not.toHaveProperty('cognito:preferred_role');
    // Access tokens carry the groups, never the role claims.
    expect(access['cognito:groups']).toEqual(['a', 'b']);
    expect(access).not.toHaveProperty('cognito:roles');
  });

  it('sends the event Cognito sends, which the event library accepts (V1 and V2)', () => {
    for (const version of ['1', '2'] as const) {
      const event = preTokenEvent({
        version,
        triggerSource: 'TokenGeneration_RefreshTokens',
        userPoolId: 'local_pool',
        userName: 'u',
        clientId: 'client',
        userAttributes: { sub: 's', 'cognito:user_status': 'CONFIRMED' },
        groupConfiguration: { groupsToOverride: ['a'], iamRolesToOverride: [ROLE('a')], preferredRole: ROLE('a') },
        scopes: ['aws.cognito.signin.user.admin'],
      });
      expect(() => parseEvent('PreTokenGeneration', event)).not.toThrow();
    }
  });
});

describe('a pre token generation answer, applied as Cognito applies it', () => {
  const pool = () =>
    tokensWithGroups(base().id, base().access, {
      groupsToOverride: ['readers'],
      iamRolesToOverride: [ROLE('reader')],
      preferredRole: ROLE('reader'),
    });

  it('V1: groupOverrideDetails replaces groups and roles in the ID token and the groups in the access token', () => {
    const { id, access } = applyPreTokenAnswer(
      pool(),
      {
        claimsOverrideDetails: {
          claimsToAddOrOverride: { tenant: 't', sub: 'forged' },
          claimsToSuppress: ['email'],
          groupOverrideDetails: {
            groupsToOverride: ['group-A', 'group-B'],
            iamRolesToOverride: [ROLE('sns_callerA'), ROLE('sns_callerB')],
            preferredRole: ROLE('sns_callerA'),
          },
        },
      },
      '1',
    );
    expect(id).toEqual({
      sub: 's',
      'cognito:username': 'u',
      token_use: 'id',
      tenant: 't',
      'cognito:groups': ['group-A', 'group-B'],
      'cognito:roles': [ROLE('sns_callerA'), ROLE('sns_callerB')],
      'cognito:preferred_role': ROLE('sns_callerA'),
    });
    expect(access['cognito:groups']).toEqual(['group-A', 'group-B']);
  });

  it('an override of the groups alone drops the roles: "The groupOverrideDetails object is replaced"', () => {
    const { id } = applyPreTokenAnswer(
      pool(),
      { claimsOverrideDetails: { groupOverrideDetails: { groupsToOverride: ['auditors'] } } },
      '1',
    );
    expect(id['cognito:groups']).toEqual(['auditors']);
    expect(id).not.toHaveProperty('cognito:roles');
    expect(id).not.toHaveProperty('cognito:preferred_role');
  });

  it('"If you provide an empty or null object in the response, then the groups are suppressed"', () => {
    for (const empty of [null, {}]) {
      const { id, access } = applyPreTokenAnswer(
        pool(),
        { claimsAndScopeOverrideDetails: { groupOverrideDetails: empty } },
        '2',
      );
      expect(id).not.toHaveProperty('cognito:groups');
      expect(id).not.toHaveProperty('cognito:roles');
      expect(access).not.toHaveProperty('cognito:groups');
    }
    // No groupOverrideDetails at all leaves them as they are.
    expect(applyPreTokenAnswer(pool(), { claimsAndScopeOverrideDetails: {} }, '2')).toEqual(pool());
  });

  it('V2: claims per token, JSON values kept, scopes added and suppressed, suppression wins', () => {
    const { id, access } = applyPreTokenAnswer(
      pool(),
      {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: { roles: ['a'], plan: 'x' }, claimsToSuppress: ['plan'] },
          accessTokenGeneration: {
            claimsToAddOrOverride: { tenant: 't' },
            scopesToAdd: ['orders/read', 'orders/admin'],
            scopesToSuppress: ['orders/admin', 'aws.cognito.signin.user.admin'],
          },
        },
      },
      '2',
    );
    expect(id.roles).toEqual(['a']);
    expect(id).not.toHaveProperty('plan');
    expect(access).toMatchObject({ tenant: 't', scope: 'orders/read', 'cognito:groups': ['readers'] });
  });

  it('suppressing cognito:groups also drops the role claims (the claims reference, footnote 3)', () => {
    const { id } = applyPreTokenAnswer(
      pool(),
      { claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToSuppress: ['cognito:groups'] } } },
      '2',
    );
    expect(id).not.toHaveProperty('cognito:groups');
    expect(id).not.toHaveProperty('cognito:roles');
    expect(id).not.toHaveProperty('cognito:preferred_role');
  });
});
