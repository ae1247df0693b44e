/**
 * Settings of the passwordless sign-in, read by the three custom-auth functions (each reads the part it
 * needs; the defaults are one set, here, so the three cannot disagree).
 */
import type { EnvReader, SettingDescriptions } from '../config.ts';
import { MAX_CODE_LENGTH, MIN_CODE_LENGTH } from './codes.ts';
import { MAX_LINK_LIFETIME_SECONDS } from './magic-link.ts';

export const SIGN_IN_METHODS = ['EMAIL_OTP', 'MAGIC_LINK'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/** What define auth challenge needs: the limits of one session. */
export interface SessionRules {
  /** Wrong answers after which the session fails (default 3). */
  maxWrongAnswers: number;
  /** Messages (codes or links) one session may send, the first included (default 3). */
  maxMessagesPerSession: number;
  /** A password first (SRP_A, PASSWORD_VERIFIER), then the e-mail code: the code is a second factor. */
  requirePassword: boolean;
}

export function readSessionRules(env: EnvReader): SessionRules {
  return {
    maxWrongAnswers: env.int('PASSWORDLESS_MAX_WRONG_ANSWERS', 3, { min: 1, max: 10 }),
    maxMessagesPerSession: env.int('PASSWORDLESS_MAX_MESSAGES_PER_SESSION', 3, { min: 1, max: 10 }),
    requirePassword: env.bool('PASSWORDLESS_REQUIRE_PASSWORD', false),
  };
}

/** The magic-link key and where links may lead; absent when magic links are off. */
export interface LinkSettings {
  key: Uint8Array;
  lifetimeSeconds: number;
  redirectUrls: string[];
}

/** A URL a link may lead to: https, or http on a loopback host (local development). */
function redirectProblem(entry: string): string | undefined {
  try {
    const url = new URL(entry);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) {
      return url.hash || url.username || url.password ? 'may have no fragment or credentials' : undefined;
    }
    return 'must be https (http only on localhost)';
  } catch {
    return 'is not a URL';
  }
}

export function readMethods(env: EnvReader): SignInMethod[] {
  // E-mail codes alone by default: magic links need a key and an allow-list, which no default can give.
  const methods = env.list('PASSWORDLESS_METHODS', ['EMAIL_OTP'], { lowerCase: false }).map((m) => m.toUpperCase());
  const unknown = methods.filter((m) => !(SIGN_IN_METHODS as readonly string[]).includes(m));
  if (unknown.length || methods.length === 0) {
    env.problems.push(`PASSWORDLESS_METHODS: expected a list of ${SIGN_IN_METHODS.join(', ')}`);
  }
  return methods.filter((m): m is SignInMethod => (SIGN_IN_METHODS as readonly string[]).includes(m));
}

/** The magic-link settings, required when MAGIC_LINK is among the methods. */
export function readLinkSettings(env: EnvReader, methods: readonly SignInMethod[]): LinkSettings | undefined {
  if (!methods.includes('MAGIC_LINK')) return undefined;
  // From SSM Parameter Store in Lambda (MAGIC_LINK_SECRET_PARAMETER), a plain value locally.
  const secret = env.secret('MAGIC_LINK_SECRET') ?? '';
  // 32 characters of a generated secret (e.g. `openssl rand -base64 32`) carry well over 128 bits.
  if (secret && secret.length < 32) env.problems.push('MAGIC_LINK_SECRET: at least 32 characters');
  const redirectUrls = env.list('MAGIC_LINK_REDIRECT_URLS', [], { lowerCase: false });
  if (redirectUrls.length === 0) env.problems.push('MAGIC_LINK_REDIRECT_URLS: required, not set');
  for (const entry of redirectUrls) {
    const problem = redirectProblem(entry);
    if (problem) env.problems.push(`MAGIC_LINK_REDIRECT_URLS: an entry ${problem}`);
  }
  return {
    key: Buffer.from(secret, 'utf8'),
    lifetimeSeconds: env.int('MAGIC_LINK_MINUTES', 15, { min: 1, max: MAX_LINK_LIFETIME_SECONDS / 60 }) * 60,
    redirectUrls,
  };
}

export interface ChallengeSettings {
  methods: SignInMethod[];
  codeLength: number;
  /** How long a code may be answered (the session's own validity bounds it too). */
  codeLifetimeSeconds: number;
  link: LinkSettings | undefined;
  /** Messages per user across sessions: at most `sendLimit` in any `sendWindowSeconds`. */
  sendLimit: number;
  sendWindowSeconds: number;
}

export function readChallengeSettings(env: EnvReader): ChallengeSettings {
  const methods = readMethods(env);
  return {
    methods,
    codeLength: env.int('PASSWORDLESS_CODE_LENGTH', 6, { min: MIN_CODE_LENGTH, max: MAX_CODE_LENGTH }),
    codeLifetimeSeconds: env.int('PASSWORDLESS_CODE_MINUTES', 3, { min: 1, max: 15 }) * 60,
    link: readLinkSettings(env, methods),
    sendLimit: env.int('PASSWORDLESS_SEND_LIMIT', 5, { min: 1, max: 100 }),
    sendWindowSeconds: env.int('PASSWORDLESS_SEND_WINDOW_MINUTES', 15, { min: 1, max: 1440 }) * 60,
  };
}

export const settingDescriptions: SettingDescriptions = {
  PASSWORDLESS_METHODS: 'the methods offered, a list of `EMAIL_OTP`, `MAGIC_LINK`',
  PASSWORDLESS_CODE_LENGTH: 'digits per code',
  PASSWORDLESS_CODE_MINUTES:
    "how long a code may be answered (the app client's auth session validity, 3 minutes by default, bounds it too)",
  PASSWORDLESS_MAX_WRONG_ANSWERS: 'wrong answers that end a session',
  PASSWORDLESS_MAX_MESSAGES_PER_SESSION: 'codes or links one session may send, the first included',
  PASSWORDLESS_REQUIRE_PASSWORD: 'the code as a second factor after the password',
  PASSWORDLESS_SEND_LIMIT: 'messages per user across sessions in any window of `PASSWORDLESS_SEND_WINDOW_MINUTES`',
  PASSWORDLESS_SEND_WINDOW_MINUTES: 'the window of the per-user send limit',
  MAGIC_LINK_SECRET_PARAMETER:
    'the SecureString holding the HMAC key, at least 32 characters, required for `MAGIC_LINK` (docs/deploying.md, Secrets); changing it voids every link out',
  MAGIC_LINK_REDIRECT_URLS:
    'the allow-list, required for `MAGIC_LINK`: https URLs (http only on localhost), no fragment',
  MAGIC_LINK_MINUTES: 'how long a link may be used',
};
