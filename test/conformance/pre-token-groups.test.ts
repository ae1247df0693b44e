/**
 * Group overrides in pre token generation, held to the Amazon Cognito Developer Guide
 * (awsdocs/amazon-cognito-developer-guide, doc_source/user-pool-lambda-pre-token-generation.md and
 * doc_source/role-based-access-control.md). The guide's example events and answers are transcribed here
 * as facts; each test names the section it rests on. They run through the event library (the event
 * Cognito sends is accepted, the answer passes the response check), the function (built, through the
 * stack's Lambda endpoint, its entitlements in DynamoDB Local), and the local stack's token-generation
 * stand-in (the tokens Cognito would issue).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { applyPreTokenAnswer, groupConfigurationOf, tokensWithGroups } from '../../local-cloud/token-generation.ts';
import { dynamoDbClientFor } from '../../local-cloud/index.ts';
import {
  buildEvent,
  checkResponse,
  parseEvent,
  responseProblems,
  type PreTokenGenerationEvent,
} from '../../shared/events/index.ts';
import { entitlementStore } from '../../shared/stores/entitlements.ts';
import { invokeFunction, stack, tableName } from '../helpers/stack.ts';

const dynamoDb = dynamoDbClientFor(stack.dynamodb.endpoint);
const db = DynamoDBDocumentClient.from(dynamoDb);
const store = entitlementStore(tableName('entitlements'), () => db);

afterAll(() => {
  db.destroy();
  dynamoDb.destroy();
});

/** The guide's group configuration, as its "Modify the user's group membership" example writes it. */
const GUIDE_GROUPS = {
  groupsToOverride: ['group-A', 'group-B', 'group-C'],
  iamRolesToOverride: [
    'arn:aws:iam::XXXXXXXXXXXX:role/sns_callerA',
    'arn:aws:iam::XXXXXXXXX:role/sns_callerB',
    'arn:aws:iam::XXXXXXXXXX:role/sns_callerC',
  ],
  preferredRole: 'arn:aws:iam::XXXXXXXXXXX:role/sns_caller',
};

/** "Pre token generation example: Modify the user's group membership": the guide's answer, verbatim. */
const GUIDE_GROUP_ANSWER = {
  claimsOverrideDetails: {
    claimsToAddOrOverride: { attribute_key2: 'attribute_value2', attribute_key: 'attribute_value' },
    claimsToSuppress: ['email'],
    groupOverrideDetails: GUIDE_GROUPS,
  },
};

const v1Event = (request: Record<string, unknown>) =>
  buildEvent('PreTokenGeneration', {
    version: '1',
    triggerSource: 'TokenGeneration_HostedAuth',
    request,
  } as never) as PreTokenGenerationEvent;

async function answerOf(event: PreTokenGenerationEvent): Promise<PreTokenGenerationEvent['response']> {
  const { payload, functionError } = await invokeFunction('pre-token-generation', event);
  expect(functionError).toBeUndefined();
  checkResponse('PreTokenGeneration', event, payload as PreTokenGenerationEvent);
  return (payload as PreTokenGenerationEvent).response;
}

describe('guide: Pre token generation Lambda trigger parameters (request: groupConfiguration)', () => {
  it('accepts the request as the guide documents it: groupsToOverride, iamRolesToOverride, preferredRole', () => {
    const event = v1Event({ userAttributes: { sub: randomUUID() }, groupConfiguration: GUIDE_GROUPS });
    expect(() => parseEvent('PreTokenGeneration', event)).not.toThrow();
  });
});

describe("guide: Pre token generation example: Modify the user's group membership", () => {
  it("the library's response check accepts the guide's answer (ARNs are not the library's to judge)", () => {
    const event = v1Event({ userAttributes: { sub: randomUUID() }, groupConfiguration: GUIDE_GROUPS });
    expect(responseProblems('PreTokenGeneration', event, { ...event, response: GUIDE_GROUP_ANSWER })).toEqual([]);
  });

  it('the local stack issues what the answer says: groups, roles and the preferred role in the ID token', () => {
    const before = tokensWithGroups(
      { sub: 's', email: 'a@example.com', token_use: 'id' },
      { sub: 's', token_use: 'access', scope: 'aws.cognito.signin.user.admin' },
      { groupsToOverride: ['old'], iamRolesToOverride: [], preferredRole: null },
    );
    const { id, access } = applyPreTokenAnswer(before, GUIDE_GROUP_ANSWER, '1');
    expect(id).toEqual({
      sub: 's',
      token_use: 'id',
      attribute_key2: 'attribute_value2',
      attribute_key: 'attribute_value',
      'cognito:groups': GUIDE_GROUPS.groupsToOverride,
      'cognito:roles': GUIDE_GROUPS.iamRolesToOverride,
      // The guide's preferred role is none of its roles: Cognito sets it as given.
      'cognito:preferred_role': GUIDE_GROUPS.preferredRole,
    });
    // "Your groupOverrideDetails object will replace the cognito:groups claim in access tokens as well as ID tokens."
    expect(access['cognito:groups']).toEqual(GUIDE_GROUPS.groupsToOverride);
  });
});

describe('guide: Pre token generation response parameters (groupOverrideDetails)', () => {
  it('"The groupOverrideDetails object is replaced with the one you provide": a groups-only row keeps the request’s roles', async () => {
    const sub = randomUUID();
    await store.put({ kind: 'sub', id: sub }, { groups: ['auditors'] });
    const response = await answerOf(v1Event({ userAttributes: { sub }, groupConfiguration: GUIDE_GROUPS }));
    // "To leave the existing group configuration as is, copy the value of the request's groupConfiguration".
    expect(response).toEqual({
      claimsOverrideDetails: {
        groupOverrideDetails: {
          groupsToOverride: ['auditors'],
          iamRolesToOverride: GUIDE_GROUPS.iamRolesToOverride,
          preferredRole: GUIDE_GROUPS.preferredRole,
        },
      },
    });
  });

  it('"If you provide an empty or null object in the response, then the groups are suppressed": the function never does by accident', async () => {
    const sub = randomUUID();
    await store.put({ kind: 'sub', id: sub }, { tenant: 'acme' });
    const response = await answerOf(v1Event({ userAttributes: { sub }, groupConfiguration: GUIDE_GROUPS }));
    expect(response).toEqual({ claimsOverrideDetails: { claimsToAddOrOverride: { tenant: 'acme' } } });
    // And the local stack suppresses them when an answer does.
    const tokens = tokensWithGroups({ sub: 's' }, { sub: 's' }, { ...GUIDE_GROUPS });
    const suppressed = applyPreTokenAnswer(tokens, { claimsOverrideDetails: { groupOverrideDetails: null } }, '1');
    expect(suppressed.id).toEqual({ sub: 's' });
    expect(suppressed.access).toEqual({ sub: 's' });
  });

  it('V2: the same override in claimsAndScopeOverrideDetails, the request’s roles kept, the row’s roles when it names them', async () => {
    const ROLE = 'arn:aws:iam::123456789012:role/orders-reader';
    const keep = randomUUID();
    await store.put({ kind: 'sub', id: keep }, { groups: ['auditors'] });
    const request = (sub: string) => ({
      version: '2',
      triggerSource: 'TokenGeneration_Authentication',
      request: { userAttributes: { sub }, groupConfiguration: GUIDE_GROUPS, scopes: ['aws.cognito.signin.user.admin'] },
    });
    const kept = await answerOf(buildEvent('PreTokenGeneration', request(keep) as never) as PreTokenGenerationEvent);
    expect(kept).toEqual({
      claimsAndScopeOverrideDetails: {
        groupOverrideDetails: {
          groupsToOverride: ['auditors'],
          iamRolesToOverride: GUIDE_GROUPS.iamRolesToOverride,
          preferredRole: GUIDE_GROUPS.preferredRole,
        },
      },
    });
    const own = randomUUID();
    await store.put({ kind: 'sub', id: own }, { iamRoles: [ROLE], preferredRole: ROLE });
    const replaced = await answerOf(buildEvent('PreTokenGeneration', request(own) as never) as PreTokenGenerationEvent);
    expect(replaced).toEqual({
      claimsAndScopeOverrideDetails: {
        groupOverrideDetails: {
          groupsToOverride: GUIDE_GROUPS.groupsToOverride,
          iamRolesToOverride: [ROLE],
          preferredRole: ROLE,
        },
      },
    });
  });

  it('a preferredRole sent as a list (the event library accepts one: its note records the guide’s V2 test events sending it) is kept as one role', async () => {
    const sub = randomUUID();
    await store.put({ kind: 'sub', id: sub }, { groups: ['auditors'] });
    const event = buildEvent('PreTokenGeneration', {
      version: '2',
      request: {
        userAttributes: { sub },
        groupConfiguration: { ...GUIDE_GROUPS, preferredRole: [GUIDE_GROUPS.preferredRole] },
      },
    } as never) as PreTokenGenerationEvent;
    expect(await answerOf(event)).toMatchObject({
      claimsAndScopeOverrideDetails: { groupOverrideDetails: { preferredRole: GUIDE_GROUPS.preferredRole } },
    });
  });
});

describe('guide: role-based access control, "Using tokens to assign roles to users"', () => {
  it('"cognito:preferred_role ... is set to the role from the group with the best (lowest) Precedence value"', () => {
    expect(
      groupConfigurationOf([
        { GroupName: 'b', RoleArn: 'arn:aws:iam::123456789012:role/b', Precedence: 2 },
        { GroupName: 'a', RoleArn: 'arn:aws:iam::123456789012:role/a', Precedence: 0 },
      ]),
    ).toEqual({
      groupsToOverride: ['a', 'b'],
      iamRolesToOverride: ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/b'],
      preferredRole: 'arn:aws:iam::123456789012:role/a',
    });
  });

  it('"The cognito:roles claim is set if there is at least one role"', () => {
    const { id } = tokensWithGroups({}, {}, groupConfigurationOf([{ GroupName: 'no-role' }]));
    expect(id).toEqual({ 'cognito:groups': ['no-role'] });
  });
});
