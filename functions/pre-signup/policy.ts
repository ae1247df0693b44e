/**
 * The pre sign-up decision, free of I/O: who may sign up, who is confirmed without a code, and what a
 * federated sign-up must ask the directory before it is linked to a native account or its address is
 * marked verified (linking.ts).
 */
import type { PreSignUpSource } from '../../shared/events/index.ts';
import { emailDomain, matchesAny } from './email-domain.ts';
import { parseFederatedUserName, type FederatedIdentity } from './federated-user.ts';

export type FederatedEmailVerification = 'never' | 'if-provider-verified' | 'always';

/** Domain rules are compared in one form, whatever form they are given in (email-domain.ts). */
export interface SignUpPolicy {
  /** When non-empty, only these domains (and their subdomains) may sign up. */
  allowedDomains: readonly string[];
  deniedDomains: readonly string[];
  blockDisposable: boolean;
  /**
   * Domains whose users are confirmed without a code. Confirmed is not verified: the address stays
   * unverified until its owner enters a code, so such an account never becomes a link target on an
   * address it has not proved (docs/pre-signup.md, "Security notes").
   */
  autoConfirmDomains: readonly string[];
  /** Whether users an administrator creates must pass the domain rules too. */
  domainRulesForAdminCreated: boolean;
  federatedAutoConfirm: boolean;
  federatedEmailVerification: FederatedEmailVerification;
  /** Link a federated sign-up to the native user with the same verified e-mail instead of creating another. */
  linkFederatedToNative: boolean;
  /**
   * Providers whose `email_verified` is trusted enough to hand over an existing account. Any provider can
   * claim any address: an untrusted one must never be linked to someone else's account.
   */
  linkTrustedProviders: readonly string[];
}

export const DEFAULT_POLICY: SignUpPolicy = {
  allowedDomains: [],
  deniedDomains: [],
  blockDisposable: true,
  autoConfirmDomains: [],
  domainRulesForAdminCreated: false,
  federatedAutoConfirm: true,
  federatedEmailVerification: 'if-provider-verified',
  linkFederatedToNative: true,
  linkTrustedProviders: ['Google', 'SignInWithApple'],
};

export type DenialReason =
  'invalid-email' | 'domain-not-allowed' | 'domain-denied' | 'disposable-domain' | 'email-required';

/**
 * What the user is told. None says whether an account exists: the reasons are about the address offered,
 * never about the pool's contents.
 */
export const DENIAL_MESSAGES: Readonly<Record<DenialReason, string>> = {
  'invalid-email': 'Please enter a valid email address',
  'email-required': 'Please sign up with an email address',
  'domain-not-allowed': 'Please sign up with your organisation email address',
  'domain-denied': 'Sign-up with this email address is not allowed',
  'disposable-domain': 'Disposable email addresses are not accepted. Please use a permanent address',
};

/** What a federated sign-up must ask the directory (users holding its address) before it is answered. */
export interface FederatedCheck {
  /** The address as the policy read it (trimmed). */
  email: string;
  /**
   * Link this identity to the native account that owns the address, verified: set only when a trusted
   * provider vouches for the address.
   */
  link: FederatedIdentity | undefined;
  /**
   * Mark the address verified, provided no other user holds it: auto-verifying another user's address
   * would move the alias to this user (developer guide, pre sign-up).
   */
  verifyEmail: boolean;
}

export type SignUpVerdict =
  | { allowed: false; reason: DenialReason; message: string }
  | {
      allowed: true;
      autoConfirmUser: boolean;
      /** False until the directory was asked; for a federated sign-up see `federated.verifyEmail`. */
      autoVerifyEmail: boolean;
      autoVerifyPhone: boolean;
      federated: FederatedCheck | undefined;
    };

export interface SignUpRequest {
  triggerSource: PreSignUpSource;
  /** For a federated sign-up, `<provider>_<id>`. */
  userName: string;
  userAttributes: Readonly<Record<string, string>>;
}

function isTrustedProvider(identity: FederatedIdentity, trusted: readonly string[]): boolean {
  const provider = identity.providerName.toLowerCase();
  return trusted.some((name) => name.toLowerCase() === provider);
}

const deny = (reason: DenialReason): SignUpVerdict => ({ allowed: false, reason, message: DENIAL_MESSAGES[reason] });

function domainVerdict(
  domain: string,
  policy: SignUpPolicy,
  isDisposable: (domain: string) => boolean,
): DenialReason | undefined {
  if (matchesAny(domain, policy.deniedDomains)) return 'domain-denied';
  // An explicit allow-list is the organisation's word: it wins over the disposable list.
  if (policy.allowedDomains.length > 0)
    return matchesAny(domain, policy.allowedDomains) ? undefined : 'domain-not-allowed';
  if (policy.blockDisposable && isDisposable(domain)) return 'disposable-domain';
  return undefined;
}

export function decideSignUp(
  request: SignUpRequest,
  policy: SignUpPolicy,
  isDisposable: (domain: string) => boolean,
): SignUpVerdict {
  const { triggerSource, userName, userAttributes } = request;
  const email = userAttributes.email?.trim();
  const hasEmail = Boolean(email);
  const domain = email ? emailDomain(email) : undefined;
  const adminCreated = triggerSource === 'PreSignUp_AdminCreateUser';

  if (!adminCreated || policy.domainRulesForAdminCreated) {
    if (hasEmail && !domain) return deny('invalid-email');
    if (!domain && policy.allowedDomains.length > 0) return deny('email-required');
    const denial = domain ? domainVerdict(domain, policy, isDisposable) : undefined;
    if (denial) return deny(denial);
  }

  if (adminCreated) {
    // Cognito ignores all three flags for AdminCreateUser: the administrator sets email_verified /
    // phone_number_verified in the request itself.
    return {
      allowed: true,
      autoConfirmUser: false,
      autoVerifyEmail: false,
      autoVerifyPhone: false,
      federated: undefined,
    };
  }

  if (triggerSource === 'PreSignUp_ExternalProvider') {
    const identity = parseFederatedUserName(userName);
    const providerVerified = userAttributes.email_verified === 'true';
    const verifyEmail =
      policy.federatedEmailVerification === 'always' ||
      (policy.federatedEmailVerification === 'if-provider-verified' && providerVerified);
    // Only an address a trusted provider vouches for may take over an existing account's identity.
    const link =
      policy.linkFederatedToNative &&
      providerVerified &&
      identity &&
      isTrustedProvider(identity, policy.linkTrustedProviders)
        ? identity
        : undefined;
    return {
      allowed: true,
      autoConfirmUser: policy.federatedAutoConfirm,
      autoVerifyEmail: false,
      autoVerifyPhone: false,
      federated: email && (link || verifyEmail) ? { email, link, verifyEmail } : undefined,
    };
  }

  // A self sign-up's address is never marked verified here: nothing but a code (or link) its owner
  // received proves it, and a verified address is what makes an account a link target.
  return {
    allowed: true,
    autoConfirmUser: Boolean(domain && matchesAny(domain, policy.autoConfirmDomains)),
    autoVerifyEmail: false,
    autoVerifyPhone: false,
    federated: undefined,
  };
}
