/**
 * Pre token generation against the developer guide: claims and scopes (user-pool-lambda-pre-token-
 * generation.md). Groups and roles overrides: pre-token-groups.test.ts.
 */
import {
  answerProblems,
  eventProblems,
  expectConformant,
  guideEvent,
  startFunctions,
  type Functions,
} from './guide.ts';

let functions: Functions;
beforeAll(async () => {
  functions = await startFunctions(['pre-token-generation']);
});
afterAll(() => functions.stop());

const USER_SOURCES = [
  'TokenGeneration_HostedAuth',
  'TokenGeneration_Authentication',
  'TokenGeneration_NewPasswordChallenge',
  'TokenGeneration_AuthenticateDevice',
  'TokenGeneration_RefreshTokens',
] as const;
const v1 = (example = {}) => guideEvent('PreTokenGeneration', example, { version: '1' });
const v2 = (example = {}) => guideEvent('PreTokenGeneration', example, { version: '2' });
const v3 = (example = {}) => guideEvent('PreTokenGeneration', example, { version: '3' });
const clientIdOf = (event: Record<string, unknown>) => (event.callerContext as { clientId: string }).clientId;

describe("user-pool-lambda-pre-token-generation.md, 'Pre token generation Lambda trigger sources'", () => {
  it.each(USER_SOURCES)('%s (V1 and V2): the event check and our function', async (triggerSource) => {
    for (const version of ['1', '2'] as const) {
      const event = guideEvent('PreTokenGeneration', {}, { triggerSource, version });
      expect(eventProblems('PreTokenGeneration', event)).toEqual([]);
      expectConformant('PreTokenGeneration', event, await functions.run('pre-token-generation', event));
    }
  });

  it('V3 TokenGeneration_ClientCredentials, a machine with no user: userName and userAttributes null', async () => {
    const event = guideEvent(
      'PreTokenGeneration',
      { userName: null, request: { userAttributes: null, scopes: ['orders/read'] } },
      { triggerSource: 'TokenGeneration_ClientCredentials', version: '3' },
    );
    expect(eventProblems('PreTokenGeneration', event)).toEqual([]);
    expectConformant('PreTokenGeneration', event, await functions.run('pre-token-generation', event));
  });
});

describe("user-pool-lambda-pre-token-generation.md, 'Pre token generation example: Add a new claim and suppress an existing claim'", () => {
  const answer = {
    claimsOverrideDetails: {
      claimsToAddOrOverride: { attribute_key2: 'attribute_value2', attribute_key: 'attribute_value' },
      claimsToSuppress: ['email'],
    },
  };

  it('the test event as written ({"request": {}, "response": {}}) is refused: it has no userAttributes', () => {
    // The guide contradicts its own common parameters ("This request must include: userAttributes");
    // Cognito sends them with every user's token. The stub was written for the Lambda console.
    // Its request is taken whole here: the common parameters, and nothing of ours in request.
    expect(eventProblems('PreTokenGeneration', { ...v1(), request: {}, response: {} })).toEqual([
      'request.userAttributes: required, missing',
    ]);
  });

  it("the example's answer passes the response check of a V1 event", () => {
    expect(answerProblems('PreTokenGeneration', v1(), answer)).toEqual([]);
  });

  it('the same answer to a V2 event is refused: a V2 event is answered with claimsAndScopeOverrideDetails', () => {
    expect(answerProblems('PreTokenGeneration', v2(), answer)).toEqual([
      'response.claimsOverrideDetails: the V1 answer to a V2/V3 event: write claimsAndScopeOverrideDetails',
    ]);
  });
});

describe("user-pool-lambda-pre-token-generation.md, 'Pre token generation response parameters'", () => {
  it('"If a value is both suppressed and replaced, then it will be suppressed": allowed', () => {
    const answer = {
      claimsOverrideDetails: { claimsToAddOrOverride: { email: 'x@example.com' }, claimsToSuppress: ['email'] },
    };
    expect(answerProblems('PreTokenGeneration', v1(), answer)).toEqual([]);
  });

  it('"For group related claims, use groupOverrideDetails instead": cognito:groups is not a claim to add', () => {
    const answer = { claimsOverrideDetails: { claimsToAddOrOverride: { 'cognito:groups': 'admins' } } };
    expect(answerProblems('PreTokenGeneration', v1(), answer)).toEqual([
      'response.claimsOverrideDetails.claimsToAddOrOverride.cognito:groups: reserved claim: Cognito sets it and rejects a change',
    ]);
  });

  it('claimsToAddOrOverride is {"string": "string"} in V1', () => {
    const answer = { claimsOverrideDetails: { claimsToAddOrOverride: { level: 3 } } };
    expect(answerProblems('PreTokenGeneration', v1(), answer)).toEqual([
      'response.claimsOverrideDetails.claimsToAddOrOverride.level: expected string, got number',
    ]);
  });
});

describe('user-pool-lambda-pre-token-generation.md: "You can not modify the following claims"', () => {
  const RESERVED = [
    'acr',
    'amr',
    'aud',
    'at_hash',
    'auth_time',
    'azp',
    'cognito:username',
    'exp',
    'iat',
    'identities',
    'iss',
    'jti',
    'nbf',
    'nonce',
    'origin_jti',
    'sub',
    'token_use',
  ];

  it.each(RESERVED)('%s: refused as a claim to add (V1, the ID token)', (claim) => {
    const answer = { claimsOverrideDetails: { claimsToAddOrOverride: { [claim]: 'x' } } };
    expect(answerProblems('PreTokenGeneration', v1(), answer)).toEqual([
      `response.claimsOverrideDetails.claimsToAddOrOverride.${claim}: reserved claim: Cognito sets it and rejects a change`,
    ]);
  });

  it.each(RESERVED)('%s: refused as a claim to suppress (V1)', (claim) => {
    const answer = { claimsOverrideDetails: { claimsToSuppress: [claim] } };
    expect(answerProblems('PreTokenGeneration', v1(), answer)).toEqual([
      `response.claimsOverrideDetails.claimsToSuppress[0]: reserved claim ${claim} cannot be suppressed`,
    ]);
  });

  it.each(RESERVED)('%s: refused as a claim to add to the V2/V3 ID token', (claim) => {
    for (const event of [v2(), v3()]) {
      // Even aud as the client id: the claims table has no aud to add in the ID token.
      const value = claim === 'aud' ? clientIdOf(event) : 'x';
      const answer = {
        claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { [claim]: value } } },
      };
      expect(answerProblems('PreTokenGeneration', event, answer)).toEqual([
        `response.claimsAndScopeOverrideDetails.idTokenGeneration.claimsToAddOrOverride.${claim}: reserved claim: Cognito sets it and rejects a change`,
      ]);
    }
  });
});

describe('user-pool-lambda-pre-token-generation.md, V2/V3 claims and scopes (the rules in shared/events/claims.ts)', () => {
  it("aud in the access token, as the session's app client id only (footnote 4 of the claims table)", () => {
    for (const event of [v2(), v3()]) {
      const own = {
        claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: { aud: clientIdOf(event) } } },
      };
      expect(answerProblems('PreTokenGeneration', event, own)).toEqual([]);
      const other = {
        claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: { aud: 'other' } } },
      };
      expect(answerProblems('PreTokenGeneration', event, other)).toEqual([
        'response.claimsAndScopeOverrideDetails.accessTokenGeneration.claimsToAddOrOverride.aud: reserved claim: Cognito sets it and rejects a change',
      ]);
    }
  });

  it('claim values may be JSON objects, arrays, numbers and booleans in V2/V3', () => {
    const claims = { tier: 2, beta: true, roles: ['a', 'b'], profile: { team: 'x' } };
    const answer = {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: claims },
        accessTokenGeneration: { claimsToAddOrOverride: claims },
      },
    };
    expect(answerProblems('PreTokenGeneration', v2(), answer)).toEqual([]);
  });

  it.each(['phone_number_verified', 'email_verified', 'updated_at', 'address'])(
    '"In the ID token, you can populate complex objects to the values of claims except for ... %s"',
    (claim) => {
      const answer = {
        claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { [claim]: { a: 1 } } } },
      };
      expect(answerProblems('PreTokenGeneration', v2(), answer)).toEqual([
        `response.claimsAndScopeOverrideDetails.idTokenGeneration.claimsToAddOrOverride.${claim}: must be a string, number or boolean in the ID token`,
      ]);
    },
  );

  it('"You can\'t add scope values that contain one or more blank-space characters"', () => {
    const answer = {
      claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToAdd: ['orders/read', 'two words'] } },
    };
    expect(answerProblems('PreTokenGeneration', v2(), answer)).toEqual([
      'response.claimsAndScopeOverrideDetails.accessTokenGeneration.scopesToAdd[1]: a scope is one non-empty word without spaces',
    ]);
  });

  it('footnote 3: suppressing cognito:roles or cognito:preferred_role alone removes nothing, and is not refused', () => {
    const answer = {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToSuppress: ['cognito:roles', 'cognito:preferred_role'] },
        accessTokenGeneration: { claimsToSuppress: ['cognito:groups'] },
      },
    };
    expect(answerProblems('PreTokenGeneration', v2(), answer)).toEqual([]);
  });

  it('a V2/V3 answer to a V1 event is refused: a V1 event is answered with claimsOverrideDetails', () => {
    const answer = {
      claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme' } } },
    };
    expect(answerProblems('PreTokenGeneration', v1(), answer)).toEqual([
      'response.claimsAndScopeOverrideDetails: the V2/V3 answer to a V1 event: write claimsOverrideDetails',
    ]);
  });
});
