import { createHmac } from 'node:crypto';
import {
  allowedRedirect,
  magicLinkUrl,
  MAX_LINK_LIFETIME_SECONDS,
  signLinkToken,
  verifyLinkToken,
} from '../../../shared/passwordless/magic-link.ts';

const key = Buffer.from('a-test-key-of-at-least-32-characters!!', 'utf8');
const binding = { userPoolId: 'eu-west-1_Pool', clientId: 'client123', userName: 'user-1' };
const now = 1_800_000_000_000;

describe('magic-link tokens', () => {
  it('verify for the pool, client and user they were issued to, until they expire', () => {
    const { token, claims } = signLinkToken(key, binding, 900, now);
    expect(verifyLinkToken(key, token, binding, now)).toEqual({ valid: true, claims });
    expect(verifyLinkToken(key, token, binding, now + 899_000).valid).toBe(true);
    expect(verifyLinkToken(key, token, binding, now + 900_000)).toEqual({ valid: false, reason: 'expired' });
    expect(claims.nonce.length).toBeGreaterThanOrEqual(20);
  });

  it('are refused for another pool, client or user', () => {
    const { token } = signLinkToken(key, binding, 900, now);
    for (const other of [
      { ...binding, userPoolId: 'eu-west-1_Other' },
      { ...binding, clientId: 'client456' },
      { ...binding, userName: 'user-2' },
    ]) {
      expect(verifyLinkToken(key, token, other, now)).toEqual({ valid: false, reason: 'binding' });
    }
  });

  it('are refused under another key, or with any byte of the payload changed', () => {
    const { token } = signLinkToken(key, binding, 900, now);
    expect(verifyLinkToken(Buffer.from('another-key-of-at-least-32-characters!'), token, binding, now)).toEqual({
      valid: false,
      reason: 'signature',
    });
    const [version, payload, mac] = token.split('.') as [string, string, string];
    const changed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    changed.e = Number(changed.e) + 3600;
    const forged = `${version}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${mac}`;
    expect(verifyLinkToken(key, forged, binding, now)).toEqual({ valid: false, reason: 'signature' });
  });

  it('never live longer than 15 minutes, even when signed with the right key', () => {
    expect(() => signLinkToken(key, binding, MAX_LINK_LIFETIME_SECONDS + 1, now)).toThrow(RangeError);
    expect(() => signLinkToken(key, binding, 0, now)).toThrow(RangeError);
    const issued = Math.floor(now / 1000);
    const payload = {
      p: binding.userPoolId,
      c: binding.clientId,
      u: binding.userName,
      i: issued,
      e: issued + 3600,
      n: 'x',
    };
    const body = `v1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const token = `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
    expect(verifyLinkToken(key, token, binding, now)).toEqual({ valid: false, reason: 'lifetime' });
  });

  it('refuse what is not a token', () => {
    for (const junk of ['', 'abc', 'v1.x', 'v2.a.b', 'v1.a.b.c', 'x'.repeat(5000), `v1.${'%'.repeat(10)}.abc`]) {
      expect(verifyLinkToken(key, junk, binding, now).valid).toBe(false);
    }
    const body = `v1.${Buffer.from('not json').toString('base64url')}`;
    const signed = `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
    expect(verifyLinkToken(key, signed, binding, now)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('travel in the URL fragment, never in the query or path', () => {
    const url = new URL(magicLinkUrl('https://app.example/sign-in?from=mail', 'v1.abc.def'));
    expect(url.hash).toBe('#token=v1.abc.def');
    expect(url.search).toBe('?from=mail');
  });
});

describe('redirect allow-list', () => {
  const list = ['https://app.example/sign-in', 'http://localhost:3000/sign-in'];

  it('takes an exact entry, the first one when none is asked for', () => {
    expect(allowedRedirect('https://app.example/sign-in', list)).toBe('https://app.example/sign-in');
    expect(allowedRedirect('HTTPS://APP.EXAMPLE/sign-in', list)).toBe('https://app.example/sign-in');
    expect(allowedRedirect(undefined, list)).toBe(list[0]);
    expect(allowedRedirect('', list)).toBe(list[0]);
  });

  it('refuses anything else: other hosts, paths, ports, look-alike prefixes, credentials, fragments', () => {
    for (const url of [
      'https://evil.example/sign-in',
      'https://app.example/sign-in/extra',
      'https://app.example.evil.example/sign-in',
      'https://app.example:8443/sign-in',
      'https://user@app.example/sign-in',
      'https://app.example/sign-in#x',
      'http://app.example/sign-in',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(allowedRedirect(url, list)).toBeUndefined();
    }
  });
});
