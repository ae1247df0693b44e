/**
 * Issue 16, item 5: where the event library disagreed with the developer guide. Each case names the
 * guide page it follows; the conformance suite (test/conformance) holds the guide's examples.
 */
import { buildEvent, parseEvent, responseProblems } from '../../../shared/events/index.ts';

describe('events the library refused though Cognito sends them', () => {
  it('verify auth challenge: privateChallengeParameters null (a challenge created without them)', () => {
    // user-pool-lambda-create-auth-challenge.md: privateChallengeParameters is optional in create's answer,
    // so verify receives null when create set none.
    const built = buildEvent('VerifyAuthChallengeResponse');
    const event = { ...built, request: { ...built.request, privateChallengeParameters: null } };
    expect(() => parseEvent('VerifyAuthChallengeResponse', event)).not.toThrow();
  });

  it('pre token generation V3 client credentials: userAttributes and userName null (no user)', () => {
    const m2m = buildEvent('PreTokenGeneration', { triggerSource: 'TokenGeneration_ClientCredentials', version: '3' });
    const event = { ...m2m, userName: null, request: { ...m2m.request, userAttributes: null } };
    expect(() => parseEvent('PreTokenGeneration', event)).not.toThrow();
  });

  it('still refuses a null userName where a user signs in', () => {
    const user = buildEvent('PreTokenGeneration', { triggerSource: 'TokenGeneration_Authentication', version: '3' });
    expect(() => parseEvent('PreTokenGeneration', { ...user, userName: null })).toThrow('userName');
  });
});

describe('pre token generation answers (user-pool-lambda-pre-token-generation.md)', () => {
  it.each(['1', '2', '3'] as const)(
    'V%s: claimsToSuppress ["cognito:roles"] is allowed (a no-op by footnote 3, not refused)',
    (version) => {
      const event = buildEvent('PreTokenGeneration', { version });
      event.response =
        version === '1'
          ? { claimsOverrideDetails: { claimsToSuppress: ['cognito:roles'] } }
          : {
              claimsAndScopeOverrideDetails: {
                idTokenGeneration: { claimsToSuppress: ['cognito:roles', 'cognito:preferred_role'] },
                accessTokenGeneration: { claimsToSuppress: ['cognito:roles'] },
              },
            };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual([]);
    },
  );

  it.each(['2', '3'] as const)('V%s: aud may not be added to the ID token, even as the client id', (version) => {
    const event = buildEvent('PreTokenGeneration', { version });
    const clientId = event.callerContext.clientId as string;
    event.response = {
      claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { aud: clientId } } },
    };
    expect(responseProblems('PreTokenGeneration', event, event)).toEqual([
      'response.claimsAndScopeOverrideDetails.idTokenGeneration.claimsToAddOrOverride.aud: reserved claim: Cognito sets it and rejects a change',
    ]);
  });

  it.each(['2', '3'] as const)(
    'V%s: aud may be added to the access token as the client id (footnote 4), nothing else',
    (version) => {
      const event = buildEvent('PreTokenGeneration', { version });
      const clientId = event.callerContext.clientId as string;
      event.response = {
        claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: { aud: clientId } } },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual([]);
      event.response = {
        claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: { aud: 'another-client' } } },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toHaveLength(1);
    },
  );

  it.each(['2', '3'] as const)('V%s event: an answer in the V1 shape is refused', (version) => {
    const event = buildEvent('PreTokenGeneration', { version });
    const answer = { ...event, response: { claimsOverrideDetails: { claimsToAddOrOverride: { tenant: 'acme' } } } };
    expect(responseProblems('PreTokenGeneration', event, answer)).toEqual([
      'response.claimsOverrideDetails: the V1 answer to a V2/V3 event: write claimsAndScopeOverrideDetails',
    ]);
  });

  it('V1 event: an answer in the V2/V3 shape is refused', () => {
    const event = buildEvent('PreTokenGeneration', { version: '1' });
    const answer = {
      ...event,
      response: { claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme' } } } },
    };
    expect(responseProblems('PreTokenGeneration', event, answer)).toEqual([
      'response.claimsAndScopeOverrideDetails: the V2/V3 answer to a V1 event: write claimsOverrideDetails',
    ]);
  });

  it('a null field of the other version holds nothing and passes', () => {
    const v2 = buildEvent('PreTokenGeneration', { version: '2' });
    expect(responseProblems('PreTokenGeneration', v2, { ...v2, response: { claimsOverrideDetails: null } })).toEqual(
      [],
    );
    const v1 = buildEvent('PreTokenGeneration', { version: '1' });
    expect(
      responseProblems('PreTokenGeneration', v1, { ...v1, response: { claimsAndScopeOverrideDetails: null } }),
    ).toEqual([]);
  });
});
