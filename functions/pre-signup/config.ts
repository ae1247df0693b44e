/** Pre sign-up configuration, from the function's environment (see README, "pre-signup"). */
import { defineConfig } from '../../shared/config.ts';
import { DEFAULT_POLICY, type SignUpPolicy } from './policy.ts';

export interface PreSignUpConfig {
  policy: SignUpPolicy;
  /** Shown after a federated identity was linked, asking the user to sign in once more. */
  linkedMessage: string;
}

export const loadConfig = defineConfig<PreSignUpConfig>((env) => ({
  policy: {
    allowedDomains: env.list('SIGNUP_ALLOWED_DOMAINS', DEFAULT_POLICY.allowedDomains),
    deniedDomains: env.list('SIGNUP_DENIED_DOMAINS', DEFAULT_POLICY.deniedDomains),
    blockDisposable: env.bool('SIGNUP_BLOCK_DISPOSABLE', DEFAULT_POLICY.blockDisposable),
    autoConfirmDomains: env.list('SIGNUP_AUTO_CONFIRM_DOMAINS', DEFAULT_POLICY.autoConfirmDomains),
    autoVerifyDomains: env.list('SIGNUP_AUTO_VERIFY_DOMAINS', DEFAULT_POLICY.autoVerifyDomains),
    domainRulesForAdminCreated: env.bool(
      'SIGNUP_DOMAIN_RULES_FOR_ADMIN_CREATED',
      DEFAULT_POLICY.domainRulesForAdminCreated,
    ),
    adminCreatedAutoVerifyEmail: env.bool(
      'SIGNUP_ADMIN_CREATED_AUTO_VERIFY_EMAIL',
      DEFAULT_POLICY.adminCreatedAutoVerifyEmail,
    ),
    adminCreatedAutoVerifyPhone: env.bool(
      'SIGNUP_ADMIN_CREATED_AUTO_VERIFY_PHONE',
      DEFAULT_POLICY.adminCreatedAutoVerifyPhone,
    ),
    federatedAutoConfirm: env.bool('SIGNUP_FEDERATED_AUTO_CONFIRM', DEFAULT_POLICY.federatedAutoConfirm),
    federatedEmailVerification: env.oneOf(
      'SIGNUP_FEDERATED_EMAIL_VERIFICATION',
      ['never', 'if-provider-verified', 'always'],
      DEFAULT_POLICY.federatedEmailVerification,
    ),
    linkFederatedToNative: env.bool('SIGNUP_LINK_FEDERATED_TO_NATIVE', DEFAULT_POLICY.linkFederatedToNative),
    linkTrustedProviders: env.list('SIGNUP_LINK_TRUSTED_PROVIDERS', DEFAULT_POLICY.linkTrustedProviders),
  },
  linkedMessage: env.string('SIGNUP_LINKED_MESSAGE', 'Your sign-in method has been connected. Please sign in again.'),
}));
