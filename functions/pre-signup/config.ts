/** Pre sign-up configuration, from the function's environment (see docs/pre-signup.md). */
import { defineConfig, type EnvReader, type SettingDescriptions } from '../../shared/config.ts';
import { normalizeDomainRule } from './email-domain.ts';
import { DEFAULT_POLICY, type SignUpPolicy } from './policy.ts';

export interface PreSignUpConfig {
  policy: SignUpPolicy;
  /** Shown after a federated identity was linked, asking the user to sign in once more. */
  linkedMessage: string;
  /**
   * Settings this function no longer reads that are still set (docs/pre-signup.md, "Security notes"): the handler
   * warns about them, so that a deployment that still relies on one learns it does nothing now.
   */
  removedSettings: string[];
}

/**
 * Variables this function used to read. `SIGNUP_AUTO_VERIFY_DOMAINS` let a self sign-up's address be
 * marked verified without its owner proving it (account takeover through linking); the
 * `SIGNUP_ADMIN_CREATED_AUTO_VERIFY_*` pair answered flags Cognito ignores for AdminCreateUser.
 */
export const DEFAULT_LINKED_MESSAGE = 'Your sign-in method has been connected. Please sign in again';

/**
 * The configured text without a closing period: Cognito shows it as "PreSignUp failed with error
 * <message>.", adding its own.
 */
export function linkedMessageOf(configured: string | undefined): string {
  return configured?.trim().replace(/\.+$/u, '') || DEFAULT_LINKED_MESSAGE;
}

export const REMOVED_SETTINGS = [
  'SIGNUP_AUTO_VERIFY_DOMAINS',
  'SIGNUP_ADMIN_CREATED_AUTO_VERIFY_EMAIL',
  'SIGNUP_ADMIN_CREATED_AUTO_VERIFY_PHONE',
] as const;

/**
 * A list of domain rules in the one form they are compared in (lower-case ASCII, IDNs as punycode:
 * `bücher.example` and `xn--bcher-kva.example` are one rule). An entry that is no domain name is a
 * configuration error, reported by position (values are never echoed).
 */
function domainList(env: EnvReader, name: string, fallback: readonly string[]): string[] {
  const rules: string[] = [];
  env.list(name, fallback).forEach((entry, index) => {
    const rule = normalizeDomainRule(entry);
    if (rule) rules.push(rule);
    else env.problems.push(`${name}: entry ${index + 1} is not a domain name`);
  });
  return rules;
}

export function readPreSignUpConfig(env: EnvReader): PreSignUpConfig {
  return {
    policy: {
      allowedDomains: domainList(env, 'SIGNUP_ALLOWED_DOMAINS', DEFAULT_POLICY.allowedDomains),
      deniedDomains: domainList(env, 'SIGNUP_DENIED_DOMAINS', DEFAULT_POLICY.deniedDomains),
      blockDisposable: env.bool('SIGNUP_BLOCK_DISPOSABLE', DEFAULT_POLICY.blockDisposable),
      autoConfirmDomains: domainList(env, 'SIGNUP_AUTO_CONFIRM_DOMAINS', DEFAULT_POLICY.autoConfirmDomains),
      domainRulesForAdminCreated: env.bool(
        'SIGNUP_DOMAIN_RULES_FOR_ADMIN_CREATED',
        DEFAULT_POLICY.domainRulesForAdminCreated,
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
    linkedMessage: linkedMessageOf(env.string('SIGNUP_LINKED_MESSAGE', DEFAULT_LINKED_MESSAGE)),
    removedSettings: REMOVED_SETTINGS.filter((name) => env.string(name) !== undefined),
  };
}

export const loadConfig = defineConfig<PreSignUpConfig>(readPreSignUpConfig);

export const settingDescriptions: SettingDescriptions = {
  SIGNUP_ALLOWED_DOMAINS: 'when set, only these domains and their subdomains may sign up',
  SIGNUP_DENIED_DOMAINS: 'refused domains (and subdomains); wins over the allow-list',
  SIGNUP_BLOCK_DISPOSABLE:
    'refuse disposable providers (list: `disposable-email-domains-js`); an allow-list wins over it',
  SIGNUP_AUTO_CONFIRM_DOMAINS:
    'self sign-ups of these domains are confirmed without a code; their address stays unverified until the owner enters one (see "Security notes")',
  SIGNUP_DOMAIN_RULES_FOR_ADMIN_CREATED: 'apply the domain rules to `AdminCreateUser` too',
  SIGNUP_FEDERATED_AUTO_CONFIRM: 'confirm users of external providers',
  SIGNUP_FEDERATED_EMAIL_VERIFICATION:
    '`if-provider-verified`: when the provider\'s `email_verified` is `true`; in every case only when no other user holds the address verified (see "Security notes")',
  SIGNUP_LINK_FEDERATED_TO_NATIVE:
    'link a federated sign-up to the one confirmed native user with the same verified address',
  SIGNUP_LINK_TRUSTED_PROVIDERS:
    'providers whose verified address may be linked; an empty value means the default: to link none, set `SIGNUP_LINK_FEDERATED_TO_NATIVE=false`',
  SIGNUP_LINKED_MESSAGE: 'shown after linking (a closing period is dropped: Cognito adds one)',
  SIGNUP_AUTO_VERIFY_DOMAINS: 'removed (see "Security notes"): no effect; the function logs a warning while it is set',
  SIGNUP_ADMIN_CREATED_AUTO_VERIFY_EMAIL:
    'removed (Cognito ignores the flag for `AdminCreateUser`): no effect; a warning while set',
  SIGNUP_ADMIN_CREATED_AUTO_VERIFY_PHONE:
    'removed (Cognito ignores the flag for `AdminCreateUser`): no effect; a warning while set',
};
