/**
 * Inbound federation against the developer guide: user-pool-lambda-inbound-federation.md (not in the
 * archived awsdocs repository; its text as published: "Inbound federation Lambda trigger parameters").
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
  functions = await startFunctions(['inbound-federation']);
});
afterAll(() => functions.stop());

/** "attributes.tokenResponse: OAuth token response data from the /token endpoint ... Contains access_token, id_token, refresh_token, token_type, expires_in, and scope." */
const tokenResponse = {
  access_token: 'eyJraWQiOiJrMSJ9.access.sig',
  id_token: 'eyJraWQiOiJrMSJ9.id.sig',
  refresh_token: 'refresh',
  token_type: 'Bearer',
  expires_in: 3600,
  scope: 'openid email profile',
};
const idToken = { sub: '115024857362041934865', email: 'user@example.com', email_verified: true, exp: 1764493200 };
const userInfo = { sub: '115024857362041934865', email: 'user@example.com', name: 'Jane Doe' };
const samlResponse = { email: 'john.doe@company.com', department: 'Engineering', groups: 'a,b' };

const federated = (providerType: string) => {
  const saml = providerType === 'SAML';
  return guideEvent('InboundFederation', {
    userName: `${providerType}_115024857362041934865`,
    request: {
      providerName: saml ? 'CorporateAD' : providerType,
      providerType,
      attributes: saml ? { samlResponse } : { tokenResponse, idToken, userInfo },
    },
  });
};

describe("user-pool-lambda-inbound-federation.md, 'Inbound federation request parameters'", () => {
  // "providerType: The type of the external identity provider. Valid values: OIDC, SAML, Facebook,
  // Google, SignInWithApple, LoginWithAmazon." OIDC and social providers send tokenResponse, idToken and
  // userInfo ("Available for OIDC and social providers only"), SAML its assertion's attributes.
  it.each(['OIDC', 'SAML', 'Facebook', 'Google', 'SignInWithApple', 'LoginWithAmazon'])(
    'a %s provider: the event check (claims as the provider types them) and our function',
    async (providerType) => {
      const event = federated(providerType);
      expect(eventProblems('InboundFederation', event)).toEqual([]);
      const outcome = await functions.run('inbound-federation', event);
      // The mapping these tests run with (test/fuzz) names ID-token claims only: for a SAML assertion it
      // maps nothing, and the function refuses deliberately (docs/inbound-federation.md).
      expect(outcome).toHaveProperty(providerType === 'SAML' ? 'refused' : 'answer');
      expectConformant('InboundFederation', event, outcome);
    },
  );
});

describe("user-pool-lambda-inbound-federation.md, 'Inbound federation response parameters'", () => {
  it('{} keeps "all original attributes from the identity provider"', () => {
    expect(answerProblems('InboundFederation', federated('OIDC'), { userAttributesToMap: {} })).toEqual([]);
  });

  it('the provider attributes passed through, as strings, are accepted', () => {
    const merged = Object.fromEntries(Object.entries({ ...userInfo, ...idToken }).map(([k, v]) => [k, String(v)]));
    expect(answerProblems('InboundFederation', federated('Google'), { userAttributesToMap: merged })).toEqual([]);
  });

  it('userAttributesToMap is a map of strings', () => {
    expect(
      answerProblems('InboundFederation', federated('OIDC'), {
        userAttributesToMap: { sub: idToken.sub, email_verified: true },
      }),
    ).toHaveLength(1);
  });

  it("'Inbound federation example: Truncate large attributes': a value over Cognito's 2,048 characters is refused", () => {
    expect(
      answerProblems('InboundFederation', federated('SAML'), {
        userAttributesToMap: { email: samlResponse.email, groups: 'g,'.repeat(1100) },
      }),
    ).toEqual(['response.userAttributesToMap.groups: longer than 2048 characters']);
  });
});
