/**
 * The base64 dialects password hashes are written in. Pure: no I/O, no crypto.
 *
 * - bcrypt: its own alphabet (`./A-Za-z0-9`), no padding.
 * - PHC strings (Argon2): standard base64 without padding.
 * - passlib's PHC-like strings (scrypt, pbkdf2-sha256): "adapted base64", `.` in place of `+`, no padding.
 */
import { timingSafeEqual } from 'node:crypto';

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BCRYPT = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function translate(text: string, from: string, to: string): string {
  let out = '';
  for (const char of text) {
    const index = from.indexOf(char);
    if (index < 0) throw new Error('not base64 of this dialect');
    out += to[index];
  }
  return out;
}

/** Decodes bcrypt's base64 (a salt is 22 characters for 16 bytes). */
export function bcryptBase64Decode(text: string): Buffer {
  return Buffer.from(translate(text, BCRYPT, STANDARD), 'base64');
}

export function bcryptBase64Encode(data: Uint8Array): string {
  return translate(Buffer.from(data).toString('base64').replace(/=+$/u, ''), STANDARD, BCRYPT);
}

/** Decodes PHC base64, standard or passlib's adapted form (`.` for `+`), with or without padding. */
export function phcBase64Decode(text: string): Buffer {
  return Buffer.from(text.replaceAll('.', '+'), 'base64');
}

export function phcBase64Encode(data: Uint8Array, { adapted = false } = {}): string {
  const text = Buffer.from(data).toString('base64').replace(/=+$/u, '');
  return adapted ? text.replaceAll('+', '.') : text;
}

/**
 * Compares two digests in time that depends only on their lengths (which the stored hash makes public
 * anyway), never on where they first differ.
 */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return timingSafeEqual(a, b);
}
