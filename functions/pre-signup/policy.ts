/**
 * The pre sign-up decision, free of I/O: who may sign up, who is confirmed or verified without a code,
 * and whether a federated sign-up should be linked to an existing native account.
 */
import type { PreSignUpSource } from '../../shared/events/index.ts';
import { emailDomain, matchesAny } from './email-domain.ts';
import { parseFederatedUserName, type FederatedIdentity } from './federated-user.ts';

export type FederatedEmailVerification = 'never' | 'if-provider-verified' | 'always';

export interface SignUpPolicy {
  /** When non-empty, only these domains (and their subdomains) may sign up. */
  allowedDomains: readonly string[];
  deniedDomains: readonly string[];
  blockDisposable: boolean;
  /** Domains whose users are confirmed without a code. */
  autoConfirmDomains: readonly string[];
  /** Domains whose users' e-mail is marked verified without a code: only for domains you control. */
  autoVerifyDomains: readonly string[];
  /** Whether users an administrator creates must pass the domain rules too. */
  domainRulesForAdminCreated: boolean;
  adminCreatedAutoVerifyEmail: boolean;
  adminCreatedAutoVerifyPhone: boolean;
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
  autoVerifyDomains: [],
  domainRulesForAdminCreated: false,
  adminCreatedAutoVerifyEmail: false,
  adminCreatedAutoVerifyPhone: false,
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
  'invalid-email': 'Please enter a valid email address.',
  'email-required': 'Please sign up with an email address.',
  'domain-not-allowed': 'Please sign up with your organisation email address.',
  'domain-denied': 'Sign-up with this email address is not allowed.',
  'disposable-domain': 'Disposable email addresses are not accepted. Please use a permanent address.',
};

export type SignUpVerdict =
  | { allowed: false; reason: DenialReason; message: string }
  | {
      allowed: true;
      autoConfirmUser: boolean;
      autoVerifyEmail: boolean;
      autoVerifyPhone: boolean;
      /** Look for a native account with this (trimmed, provider-verified) address to link the identity to. */
      link: { email: string; identity: FederatedIdentity } | undefined;
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
  const hasPhone = Boolean(userAttributes.phone_number);
  const domain = email ? emailDomain(email) : undefined;
  const adminCreated = triggerSource === 'PreSignUp_AdminCreateUser';

  if (!adminCreated || policy.domainRulesForAdminCreated) {
    if (hasEmail && !domain) return deny('invalid-email');
    if (!domain && policy.allowedDomains.length > 0) return deny('email-required');
    const denial = domain ? domainVerdict(domain, policy, isDisposable) : undefined;
    if (denial) return deny(denial);
  }

  if (adminCreated) {
    return {
      allowed: true,
      autoConfirmUser: false,
      autoVerifyEmail: policy.adminCreatedAutoVerifyEmail && hasEmail,
      autoVerifyPhone: policy.adminCreatedAutoVerifyPhone && hasPhone,
      link: undefined,
    };
  }

  if (triggerSource === 'PreSignUp_ExternalProvider') {
    const identity = parseFederatedUserName(userName);
    const providerVerified = userAttributes.email_verified === 'true';
    const verifyEmail =
      hasEmail &&
      (policy.federatedEmailVerification === 'always' ||
        (policy.federatedEmailVerification === 'if-provider-verified' && providerVerified));
    return {
      allowed: true,
      autoConfirmUser: policy.federatedAutoConfirm,
      autoVerifyEmail: verifyEmail,
      autoVerifyPhone: false,
      // Only an address a trusted provider vouches for may take over an existing account's identity.
      link:
        policy.linkFederatedToNative &&
        email &&
        providerVerified &&
        identity &&
        isTrustedProvider(identity, policy.linkTrustedProviders)
          ? { email, identity }
          : undefined,
    };
  }

  return {
    allowed: true,
    autoConfirmUser: Boolean(domain && matchesAny(domain, policy.autoConfirmDomains)),
    autoVerifyEmail: Boolean(domain && matchesAny(domain, policy.autoVerifyDomains)),
    autoVerifyPhone: false,
    link: undefined,
  };
}
