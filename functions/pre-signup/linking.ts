/** Linking a federated sign-up to the existing native account with the same verified e-mail. */
import type { DirectoryUser, UserDirectory } from '../../shared/aws/cognito.ts';

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

/**
 * A native (not federated) user. A native user already linked to another provider carries `identities`
 * and stays native: linking a second provider to it is what prevents a duplicate.
 */
function isNativeUser(user: DirectoryUser): boolean {
  return user.status !== 'EXTERNAL_PROVIDER';
}

/**
 * The account to link to: the one enabled, confirmed native user whose e-mail is verified and equal to
 * the federated address (case-insensitively). Several candidates are ambiguous: link to none.
 */
export function chooseLinkTarget(users: readonly DirectoryUser[], email: string): DirectoryUser | undefined {
  const wanted = email.trim().toLowerCase();
  const candidates = users.filter(
    (user) =>
      isNativeUser(user) &&
      user.enabled &&
      user.status === 'CONFIRMED' &&
      user.attributes.email_verified === 'true' &&
      user.attributes.email?.trim().toLowerCase() === wanted,
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * Links the federated identity to the native account that owns its verified e-mail, if exactly one does.
 * Returns the linked identity, or undefined when there was nothing to link to.
 */
export async function linkToNativeAccount(
  directory: UserDirectory,
  request: { userPoolId: string; userName: string; email: string },
  signal?: AbortSignal,
): Promise<FederatedIdentity | undefined> {
  const identity = parseFederatedUserName(request.userName);
  if (!identity) return undefined;
  const target = chooseLinkTarget(
    await directory.findUsersByEmail(request.userPoolId, request.email, signal),
    request.email,
  );
  if (!target) return undefined;
  await directory.linkProviderUser(
    { userPoolId: request.userPoolId, nativeUsername: target.username, ...identity },
    signal,
  );
  return identity;
}
