/**
 * Magic-link tokens: `v1.<payload>.<mac>`, base64url, the MAC an HMAC-SHA256 under a key from
 * configuration over the version and payload. The payload binds the token to the user pool, the app
 * client and the user (the pool's internal user name), carries when it was issued and when it expires
 * (never more than 15 minutes apart) and a random nonce, which names the token's single-use record.
 * The token is the whole answer to the challenge; the link only carries it to the app.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The longest a link may live: the limit, and the most a pool's auth session can last. */
export const MAX_LINK_LIFETIME_SECONDS = 15 * 60;
const VERSION = 'v1';
/** A token far longer than any we issue is refused before any work is done on it. */
const MAX_TOKEN_LENGTH = 2048;

export interface LinkBinding {
  userPoolId: string;
  clientId: string;
  /** The user's internal user name (event.userName), the same in every session of that user. */
  userName: string;
}

export interface LinkClaims extends LinkBinding {
  /** Epoch seconds. */
  issuedAt: number;
  expiresAt: number;
  nonce: string;
}

interface Payload {
  p: string;
  c: string;
  u: string;
  i: number;
  e: number;
  n: string;
}

function mac(key: Uint8Array, signed: string): Buffer {
  return createHmac('sha256', key).update(signed, 'utf8').digest();
}

export function signLinkToken(
  key: Uint8Array,
  binding: LinkBinding,
  lifetimeSeconds: number,
  nowMs: number,
  nonce: string = randomBytes(18).toString('base64url'),
): { token: string; claims: LinkClaims } {
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 1 || lifetimeSeconds > MAX_LINK_LIFETIME_SECONDS) {
    throw new RangeError(`a link lives 1 to ${MAX_LINK_LIFETIME_SECONDS} seconds, not ${lifetimeSeconds}`);
  }
  const issuedAt = Math.floor(nowMs / 1000);
  const claims: LinkClaims = { ...binding, issuedAt, expiresAt: issuedAt + lifetimeSeconds, nonce };
  const payload: Payload = {
    p: claims.userPoolId,
    c: claims.clientId,
    u: claims.userName,
    i: claims.issuedAt,
    e: claims.expiresAt,
    n: claims.nonce,
  };
  const body = `${VERSION}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
  return { token: `${body}.${mac(key, body).toString('base64url')}`, claims };
}

export type LinkRefusal = 'malformed' | 'signature' | 'binding' | 'expired' | 'lifetime';

export type LinkCheck = { valid: true; claims: LinkClaims } | { valid: false; reason: LinkRefusal };

function isPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.p === 'string' &&
    typeof p.c === 'string' &&
    typeof p.u === 'string' &&
    typeof p.n === 'string' &&
    Number.isInteger(p.i) &&
    Number.isInteger(p.e)
  );
}

/**
 * Checks a token: its MAC first (in constant time; nothing of an unsigned payload is believed), then
 * that it was issued for this pool, client and user, that it has not expired and that it never could
 * live longer than the limit. Use of the nonce (single use) is the caller's, after this says valid.
 */
export function verifyLinkToken(key: Uint8Array, token: string, expected: LinkBinding, nowMs: number): LinkCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { valid: false, reason: 'malformed' };
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return { valid: false, reason: 'malformed' };
  const [version, encoded, signature] = parts as [string, string, string];
  const given = Buffer.from(signature, 'base64url');
  const wanted = mac(key, `${version}.${encoded}`);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { valid: false, reason: 'signature' };
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (!isPayload(payload)) return { valid: false, reason: 'malformed' };
  if (payload.p !== expected.userPoolId || payload.c !== expected.clientId || payload.u !== expected.userName) {
    return { valid: false, reason: 'binding' };
  }
  if (payload.e - payload.i > MAX_LINK_LIFETIME_SECONDS || payload.e <= payload.i) {
    return { valid: false, reason: 'lifetime' };
  }
  if (Math.floor(nowMs / 1000) >= payload.e) return { valid: false, reason: 'expired' };
  return {
    valid: true,
    claims: {
      userPoolId: payload.p,
      clientId: payload.c,
      userName: payload.u,
      issuedAt: payload.i,
      expiresAt: payload.e,
      nonce: payload.n,
    },
  };
}

/**
 * The link the e-mail carries: the allow-listed redirect URL with the token in its fragment, which
 * browsers never send to a server, so the token stays out of access logs and Referer headers.
 */
export function magicLinkUrl(redirectUrl: string, token: string): string {
  const url = new URL(redirectUrl);
  url.hash = `token=${token}`;
  return url.toString();
}

/**
 * The redirect URL for a request: the one asked for if it is on the allow-list (exact match after
 * URL normalisation: scheme, host, port and path), else none; the first entry when none is asked for.
 */
export function allowedRedirect(requested: string | undefined, allowList: readonly string[]): string | undefined {
  if (requested === undefined || requested === '') return allowList[0];
  let wanted: string;
  try {
    const url = new URL(requested);
    if (url.username || url.password || url.hash) return undefined;
    wanted = url.toString();
  } catch {
    return undefined;
  }
  return allowList.find((entry) => new URL(entry).toString() === wanted);
}
