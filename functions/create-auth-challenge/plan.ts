/**
 * What create auth challenge makes of a request: the method, whether a message goes out (and to
 * whom), and the challenge's public and private parameters and metadata. Pure but for the random
 * code and nonce, which come from a CSPRNG through the injectable `random`.
 *
 * A user who does not exist (`userNotFound`) or whose address is not verified gets exactly what a
 * real user gets, a code generated and sealed, a link signed, the same parameters; only `deliverTo`
 * is empty, and the handler sends nothing.
 */
import type { ChallengeResult } from '../../shared/events/triggers/auth-challenge.ts';
import { generateCode, sealCode, type RandomInt } from '../../shared/passwordless/codes.ts';
import type { ChallengeSettings, SignInMethod } from '../../shared/passwordless/config.ts';
import { SIGN_IN_METHODS } from '../../shared/passwordless/config.ts';
import {
  allowedRedirect,
  magicLinkUrl,
  signLinkToken,
  type LinkBinding,
} from '../../shared/passwordless/magic-link.ts';
import { formatMetadata, parseMetadata, type ChallengeState } from '../../shared/passwordless/metadata.ts';

export interface CreateFacts {
  session: readonly ChallengeResult[];
  clientMetadata: Readonly<Record<string, string>> | null | undefined;
  userAttributes: Readonly<Record<string, string>>;
  userNotFound: boolean;
  binding: LinkBinding;
  now: number;
}

/** A message to render and send (or, with no address, to render only). */
export interface Outgoing {
  kind: 'sign-in-code' | 'magic-link';
  /** Where it goes: undefined for an unknown user or an unverified address (nothing is sent). */
  deliverTo: string | undefined;
  /** The template's values: { code, minutes } or { link, minutes }. Secret: never logged. */
  values: { code: string; minutes: string } | { link: string; minutes: string };
}

export type Plan =
  | { kind: 'refuse'; message: string }
  | {
      kind: 'challenge';
      state: ChallengeState;
      outgoing: Outgoing | undefined;
      publicChallengeParameters: Record<string, string>;
      privateChallengeParameters: Record<string, string>;
      challengeMetadata: string;
    };

/** Messages shown to the user (Cognito: "CreateAuthChallenge failed with error <message>.", its period). */
export const REFUSALS = {
  method: 'This sign-in method is not available',
  redirect: 'This redirect URL is not allowed',
  throttled: 'Too many sign-in messages. Please wait a few minutes and try again',
} as const;

function requestedMethod(metadata: CreateFacts['clientMetadata']): string {
  return metadata?.signInMethod?.trim().toUpperCase() || 'EMAIL_OTP';
}

/** The address a message may go to: the user's e-mail, if the pool marks it verified. */
export function deliveryAddress(facts: Pick<CreateFacts, 'userAttributes' | 'userNotFound'>): string | undefined {
  if (facts.userNotFound) return undefined;
  const { email, email_verified: verified } = facts.userAttributes;
  return email && verified === 'true' ? email : undefined;
}

export function planChallenge(facts: CreateFacts, settings: ChallengeSettings, random?: RandomInt): Plan {
  const customs = facts.session.filter((entry) => entry.challengeName === 'CUSTOM_CHALLENGE');
  const previous = parseMetadata(customs.at(-1)?.challengeMetadata);
  const action = facts.clientMetadata?.action;
  const afterPassword = facts.session.some((entry) => entry.challengeName === 'PASSWORD_VERIFIER');

  // A wrong answer: the same challenge again, nothing new sent, the same code still expected.
  if (previous && action !== 'resend') {
    return challenge({ ...previous, origin: 'retry' }, undefined, settings);
  }

  const asked = afterPassword ? 'EMAIL_OTP' : requestedMethod(facts.clientMetadata);
  if (!(SIGN_IN_METHODS as readonly string[]).includes(asked) || !settings.methods.includes(asked as SignInMethod)) {
    return { kind: 'refuse', message: REFUSALS.method };
  }
  const method = asked as SignInMethod;
  const deliverTo = deliveryAddress(facts);

  if (method === 'EMAIL_OTP') {
    const code = generateCode(settings.codeLength, random);
    const expiresAt = Math.floor(facts.now / 1000) + settings.codeLifetimeSeconds;
    const state: ChallengeState = {
      method,
      origin: previous ? 'resent' : 'new',
      code: { ...sealCode(code), expiresAt },
    };
    const minutes = String(Math.round(settings.codeLifetimeSeconds / 60));
    return challenge(state, { kind: 'sign-in-code', deliverTo, values: { code, minutes } }, settings);
  }

  const link = settings.link;
  if (!link) return { kind: 'refuse', message: REFUSALS.method };
  // The app holds a link from an earlier message and will answer with its token: nothing to send.
  if (!previous && action === 'redeem') return challenge({ method, origin: 'redeem' }, undefined, settings);
  const redirect = allowedRedirect(facts.clientMetadata?.redirectUri, link.redirectUrls);
  if (!redirect) return { kind: 'refuse', message: REFUSALS.redirect };
  const { token } = signLinkToken(link.key, facts.binding, link.lifetimeSeconds, facts.now);
  const minutes = String(Math.round(link.lifetimeSeconds / 60));
  return challenge(
    { method, origin: previous ? 'resent' : 'new' },
    { kind: 'magic-link', deliverTo, values: { link: magicLinkUrl(redirect, token), minutes } },
    settings,
  );
}

function challenge(state: ChallengeState, outgoing: Outgoing | undefined, settings: ChallengeSettings): Plan {
  const publicChallengeParameters: Record<string, string> =
    state.method === 'EMAIL_OTP'
      ? { signInMethod: state.method, codeLength: String(settings.codeLength) }
      : { signInMethod: state.method };
  const privateChallengeParameters: Record<string, string> = state.code
    ? {
        signInMethod: state.method,
        salt: state.code.salt,
        digest: state.code.digest,
        expiresAt: String(state.code.expiresAt),
      }
    : { signInMethod: state.method };
  return {
    kind: 'challenge',
    state,
    outgoing,
    publicChallengeParameters,
    privateChallengeParameters,
    challengeMetadata: formatMetadata(state),
  };
}
