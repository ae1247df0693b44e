import {
  claimText,
  compileMappings,
  mapAttributes,
  mappingFor,
  mappingProblems,
  decideFederation,
  parseSource,
} from '../../../functions/inbound-federation/mapping.ts';
import { buildEvent, responseProblems } from '../../../shared/events/index.ts';

const EMAIL_URI = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';

describe('federation attribute mapping (provider attribute names)', () => {
  const raw = {
    CorpOIDC: {
      email: 'idToken.email',
      given_name: ['userInfo.given_name', 'idToken.given_name'],
      department: 'userInfo.department',
      email_verified: 'idToken.email_verified',
    },
    CorpSAML: { email: `samlResponse.${EMAIL_URI}` },
    '*': { email: 'idToken.email' },
  };
  const mappings = compileMappings(raw);

  it('accepts a valid configuration', () => {
    expect(mappingProblems(raw)).toEqual([]);
  });

  it('accepts the names the provider and the guide use: raw claims, sub, custom: names, claim URIs', () => {
    expect(
      mappingProblems({
        P: {
          sub: 'idToken.sub',
          department: 'userInfo.department',
          employee_id: 'samlResponse.employee_id',
          'custom:user_groups': 'samlResponse.groups',
          [EMAIL_URI]: `samlResponse.${EMAIL_URI}`,
        },
      }),
    ).toEqual([]);
  });

  it('refuses bad sources, blank and prototype names, and sub taken from another claim', () => {
    const problems = mappingProblems(
      JSON.parse(
        JSON.stringify({
          P: {
            sub: 'userInfo.email',
            email: 'headers.email',
            name: [],
            ' ': 'idToken.x',
          },
        }).replace('"name"', '"__proto__"'),
      ),
    );
    expect(problems).toEqual([
      "P.sub: the provider's sub is always kept as sent and cannot come from another claim",
      'P.email: source must be "<tokenResponse|idToken|userInfo|samlResponse>.<claim>"',
      'P.__proto__: not a usable attribute name',
      'P. : not a usable attribute name',
    ]);
    expect(mappingProblems([])).toEqual(['expected an object of provider mappings']);
    expect(mappingProblems({ P: { name: [] } })).toEqual(['P.name: no source']);
    // sub is kept anyway: a mapping with nothing else would refuse every sign-in.
    expect(mappingProblems({ P: { sub: 'idToken.sub' }, Q: {} })).toEqual([
      'P: names no attribute besides sub',
      'Q: names no attribute besides sub',
    ]);
  });

  it('splits SAML claim URIs at the first dot only', () => {
    expect(parseSource('samlResponse.http://a.b/c.d')).toEqual({ section: 'samlResponse', claim: 'http://a.b/c.d' });
    expect(parseSource('nosection')).toBeUndefined();
  });

  it('maps what the mapping names, falls back through sources, drops the rest', () => {
    const result = mapAttributes(mappingFor(mappings, 'CorpOIDC') ?? {}, {
      idToken: { email: 'jane@example.com', given_name: 'J', email_verified: true, secret_claim: 'x' },
      userInfo: { department: 'Engineering' },
    });
    expect(result.attributes).toEqual({
      email: 'jane@example.com',
      given_name: 'J',
      department: 'Engineering',
      email_verified: 'true',
    });
  });

  it('uses the catch-all mapping for other providers, and nothing when there is none', () => {
    expect(mappingFor(mappings, 'Unknown')).toBe(mappings['*']);
    expect(mappingFor(compileMappings({ A: { email: 'idToken.email' } }), 'B')).toBeUndefined();
  });

  it('leaves out values over the attribute limit', () => {
    const result = mapAttributes(mappingFor(mappings, 'CorpSAML') ?? {}, {
      samlResponse: { [EMAIL_URI]: 'x'.repeat(3000) },
    });
    expect(result).toEqual({ attributes: {}, tooLong: ['email'] });
  });

  it('turns JSON claims into attribute text', () => {
    expect(claimText(true)).toBe('true');
    expect(claimText(42)).toBe('42');
    expect(claimText(['a', 'b'])).toBe('a,b');
    expect(claimText({ a: 1 })).toBe('{"a":1}');
    expect(claimText(null)).toBeUndefined();
  });

  it('is not fooled by prototype keys in provider claims', () => {
    const result = mapAttributes({ email: [{ section: 'idToken', claim: 'constructor' }] }, { idToken: {} });
    expect(result.attributes).toEqual({});
  });

  describe('decision', () => {
    it("never drops the provider's sub: the answer carries it as sent, whatever the mapping names", () => {
      expect(decideFederation(mappings, 'CorpOIDC', { idToken: { email: 'jane@example.com', sub: 'x' } })).toEqual({
        kind: 'mapped',
        attributes: { sub: 'x', email: 'jane@example.com' },
        tooLong: [],
      });
      // The UserInfo endpoint's sub when the ID token has none; a mapped sub cannot override it.
      const withSub = compileMappings({ P: { sub: 'idToken.sub', email: 'userInfo.email' } });
      expect(decideFederation(withSub, 'P', { userInfo: { sub: 42, email: 'a@example.com' } })).toEqual({
        kind: 'mapped',
        attributes: { sub: '42', email: 'a@example.com' },
        tooLong: [],
      });
    });

    it('answers a SAML mapping without sub when the assertion has none', () => {
      expect(decideFederation(mappings, 'CorpSAML', { samlResponse: { [EMAIL_URI]: 'jane@example.com' } })).toEqual({
        kind: 'mapped',
        attributes: { email: 'jane@example.com' },
        tooLong: [],
      });
    });

    it('leaves an unmapped provider to answer {} (every provider attribute kept)', () => {
      expect(decideFederation(compileMappings({ A: { email: 'idToken.email' } }), 'B', {})).toEqual({
        kind: 'unmapped',
      });
    });

    it('refuses rather than answer {} (which Cognito reads as "keep everything") when nothing maps', () => {
      expect(decideFederation(mappings, 'CorpOIDC', { idToken: { sub: 'x', picture: 'p' } })).toEqual({
        kind: 'nothing-mapped',
        tooLong: [],
      });
      expect(
        decideFederation(mappings, 'CorpSAML', {
          samlResponse: { [EMAIL_URI]: '😀'.repeat(2049) },
        }),
      ).toEqual({ kind: 'nothing-mapped', tooLong: ['email'] });
    });

    it("refuses a provider sub over the attribute limit, which can be neither answered nor dropped", () => {
      const sub = 'x'.repeat(2049);
      const decision = decideFederation(mappings, 'CorpOIDC', { idToken: { sub, email: 'jane@example.com' } });
      expect(decision).toEqual({ kind: 'subject-too-long', tooLong: ['sub'] });
    });

    it('counts characters, not UTF-16 units, against the limit', () => {
      const result = mapAttributes(mappingFor(mappings, 'CorpSAML') ?? {}, {
        samlResponse: { [EMAIL_URI]: '😀'.repeat(2048) },
      });
      expect(result.tooLong).toEqual([]);
    });

    it("answers what the library's response rules accept for the sample event", () => {
      const event = buildEvent('InboundFederation');
      const decision = decideFederation(mappings, event.request.providerName, event.request.attributes);
      expect(decision.kind).toBe('mapped');
      if (decision.kind !== 'mapped') return;
      event.response.userAttributesToMap = decision.attributes;
      expect(event.response.userAttributesToMap.sub).toBe(event.request.attributes.idToken?.sub);
      expect(responseProblems('InboundFederation', event, event)).toEqual([]);
    });
  });
});
