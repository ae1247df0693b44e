/** Linking a federated sign-up to the existing native account with the same verified e-mail. */
import type { DirectoryUser, UserDirectory } from '../../shared/aws/cognito.ts';
import type { FederatedIdentity } from './federated-user.ts';

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
  request: { userPoolId: string; identity: FederatedIdentity; email: string },
  signal?: AbortSignal,
): Promise<FederatedIdentity | undefined> {
  const { identity } = request;
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
