/** Who a federated sign-up is: Cognito names it `<provider>_<id>`. Pure. */
export interface FederatedIdentity {
  /** The provider name as AdminLinkProviderForUser wants it, e.g. `Google`. */
  providerName: string;
  /** The user's id at the provider (the `Cognito_Subject`). */
  providerUserId: string;
}

/** Cognito spells social providers' names in user names in any case; the link API wants them exactly. */
const SOCIAL_PROVIDER_NAMES: Readonly<Record<string, string>> = {
  google: 'Google',
  facebook: 'Facebook',
  loginwithamazon: 'LoginWithAmazon',
  signinwithapple: 'SignInWithApple',
};

/**
 * A federated user name is `<provider>_<id>`. Provider names cannot contain `_`, ids can: split at the
 * first underscore only.
 */
export function parseFederatedUserName(userName: string): FederatedIdentity | undefined {
  const separator = userName.indexOf('_');
  if (separator <= 0 || separator === userName.length - 1) return undefined;
  const provider = userName.slice(0, separator);
  return {
    providerName: SOCIAL_PROVIDER_NAMES[provider.toLowerCase()] ?? provider,
    providerUserId: userName.slice(separator + 1),
  };
}
