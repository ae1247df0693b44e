import {
  claimText,
  compileMappings,
  mapAttributes,
  mappingFor,
  mappingProblems,
  decideFederation,
  parseSource,
} from '../../../functions/inbound-federation/mapping.ts';

describe('federation attribute mapping', () => {
  const raw = {
    CorpOIDC: {
      email: 'idToken.email',
      given_name: ['userInfo.given_name', 'idToken.given_name'],
      'custom:department': 'userInfo.department',
      email_verified: 'idToken.email_verified',
    },
    CorpSAML: { email: 'samlResponse.http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' },
    '*': { email: 'idToken.email' },
  };
  const mappings = compileMappings(raw);

  it('accepts a valid configuration', () => {
    expect(mappingProblems(raw, ['department'])).toEqual([]);
  });

  it('rejects mappings onto attributes the pool cannot accept, and bad sources', () => {
    expect(
      mappingProblems(
        {
          P: {
            sub: 'idToken.sub',
            'cognito:groups': 'idToken.g',
            department: 'userInfo.department',
            'custom:team': 'userInfo.team',
            email: 'headers.email',
            name: [],
          },
        },
        ['department'],
      ),
    ).toEqual([
      'P.sub: set by Cognito, cannot be mapped onto',
      'P.cognito:groups: set by Cognito, cannot be mapped onto',
      'P.department: not a standard or custom: attribute',
      'P.custom:team: the pool declares no such custom attribute',
      'P.email: source must be "<tokenResponse|idToken|userInfo|samlResponse>.<claim>"',
      'P.name: no source',
    ]);
    expect(mappingProblems([])).toEqual(['expected an object of provider mappings']);
    // A pool that declares no custom attributes accepts none.
    expect(mappingProblems({ P: { 'custom:department': 'userInfo.department' } })).toEqual([
      'P.custom:department: the pool declares no such custom attribute',
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
      'custom:department': 'Engineering',
      email_verified: 'true',
    });
  });

  it('uses the catch-all mapping for other providers, and nothing when there is none', () => {
    expect(mappingFor(mappings, 'Unknown')).toBe(mappings['*']);
    expect(mappingFor(compileMappings({ A: { email: 'idToken.email' } }), 'B')).toBeUndefined();
  });

  it('leaves out values over the attribute limit', () => {
    const result = mapAttributes(mappingFor(mappings, 'CorpSAML') ?? {}, {
      samlResponse: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': 'x'.repeat(3000) },
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
    it('answers the mapped attributes, leaves an unmapped provider to the pool', () => {
      expect(decideFederation(mappings, 'CorpOIDC', { idToken: { email: 'jane@example.com', sub: 'x' } })).toEqual({
        kind: 'mapped',
        attributes: { email: 'jane@example.com' },
        tooLong: [],
      });
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
          samlResponse: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': '😀'.repeat(2049) },
        }),
      ).toEqual({ kind: 'nothing-mapped', tooLong: ['email'] });
    });

    it('counts characters, not UTF-16 units, against the limit', () => {
      const result = mapAttributes(mappingFor(mappings, 'CorpSAML') ?? {}, {
        samlResponse: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': '😀'.repeat(2048) },
      });
      expect(result.tooLong).toEqual([]);
    });
  });
});
