/**
 * A federated sign-up against the directory: linking it to the existing native account with the same
 * verified e-mail (once, also when Cognito retries), and auto-verifying its address only when no other
 * user holds it.
 */
import {
  isAlreadyLinkedError,
  linkedIdentities,
  type DirectoryUser,
  type UserDirectory,
} from '../../shared/aws/cognito.ts';
import type { FederatedIdentity } from './federated-user.ts';
import type { FederatedCheck } from './policy.ts';

/**
 * A native (not federated) user. A native user already linked to another provider carries `identities`
 * and stays native: linking a second provider to it is what prevents a duplicate.
 */
function isNativeUser(user: DirectoryUser): boolean {
  return user.status !== 'EXTERNAL_PROVIDER';
}

const sameAddress = (user: DirectoryUser, wanted: string) => user.attributes.email?.trim().toLowerCase() === wanted;
const normalAddress = (email: string) => email.trim().toLowerCase();

/**
 * The account to link to: the one enabled, confirmed native user whose e-mail is verified and equal to
 * the federated address (case-insensitively). Several candidates are ambiguous: link to none.
 *
 * `email_verified` is trusted as the owner's proof because nothing in this suite sets it for a native
 * user any more: a self sign-up's address is never auto-verified (docs/pre-signup.md, "Security notes"), so it is
 * true only after a code or link reached the owner, where an administrator said so, or where a user
 * migration carried it over from the system the pool replaces.
 */
export function chooseLinkTarget(users: readonly DirectoryUser[], email: string): DirectoryUser | undefined {
  const wanted = normalAddress(email);
  const candidates = users.filter(
    (user) =>
      isNativeUser(user) &&
      user.enabled &&
      user.status === 'CONFIRMED' &&
      user.attributes.email_verified === 'true' &&
      sameAddress(user, wanted),
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Whether the user's `identities` list this provider identity (provider names compared as Cognito spells them, any case). */
export function hasIdentity(user: DirectoryUser, identity: FederatedIdentity): boolean {
  const provider = identity.providerName.toLowerCase();
  return linkedIdentities(user).some(
    (linked) => linked.providerName.toLowerCase() === provider && linked.userId === identity.providerUserId,
  );
}

/**
 * Whether a user other than the one signing up holds the address: has it verified, which is what makes
 * an address a user's alias. Auto-verifying it for the newcomer would move that alias away from them.
 * An unverified copy holds nothing (and counting it would let anyone block others' verification by
 * signing up with their address first).
 */
export function addressHeldByOther(users: readonly DirectoryUser[], email: string, userName: string): boolean {
  const wanted = normalAddress(email);
  const self = userName.toLowerCase();
  return users.some(
    (user) =>
      user.username.toLowerCase() !== self && user.attributes.email_verified === 'true' && sameAddress(user, wanted),
  );
}

export type FederatedPlan =
  /** The identity is linked already (Cognito retried after a successful link): end as the first call did. */
  | { action: 'already-linked'; identity: FederatedIdentity }
  | { action: 'link'; identity: FederatedIdentity; target: DirectoryUser }
  /** No link: Cognito creates the federated user, with its address verified only if nobody else holds it. */
  | { action: 'create'; autoVerifyEmail: boolean; addressHeld: boolean };

/** What to do with a federated sign-up, given the users the directory lists for its address. Pure. */
export function planFederatedSignUp(
  users: readonly DirectoryUser[],
  check: FederatedCheck & { userName: string },
): FederatedPlan {
  const { link } = check;
  if (link && users.some((user) => hasIdentity(user, link))) return { action: 'already-linked', identity: link };
  const target = link ? chooseLinkTarget(users, check.email) : undefined;
  if (link && target) return { action: 'link', identity: link, target };
  const addressHeld = addressHeldByOther(users, check.email, check.userName);
  return { action: 'create', autoVerifyEmail: check.verifyEmail && !addressHeld, addressHeld };
}

export type FederatedOutcome =
  /** Linked now, or found linked by an earlier delivery of this sign-up (`repeated`). */
  | { linked: FederatedIdentity; repeated: boolean }
  | {
      linked: undefined;
      autoVerifyEmail: boolean;
      /** Why a wanted auto-verify was withheld, if it was. */
      withheld?: 'address-held' | 'directory-unavailable';
      /** The directory's error, when it could not be asked. */
      lookupError?: unknown;
    };

export interface FederatedRequest extends FederatedCheck {
  userPoolId: string;
  /** The federated user's own name (`<provider>_<id>`): not "another user". */
  userName: string;
}

/**
 * Asks the directory who holds the address, then links or answers. When the directory cannot be asked:
 * linking fails closed (the error is thrown: no account is touched, and no separate federated user is
 * created that could never be merged later); a sign-up that only wanted its address auto-verified goes
 * on without it (the user can still verify it with a code).
 */
export async function settleFederatedSignUp(
  directory: UserDirectory,
  request: FederatedRequest,
  signal?: AbortSignal,
): Promise<FederatedOutcome> {
  const lookup = () => directory.findUsersByEmail(request.userPoolId, request.email, signal);
  let users: DirectoryUser[];
  try {
    users = await lookup();
  } catch (error) {
    if (request.link) throw error;
    return { linked: undefined, autoVerifyEmail: false, withheld: 'directory-unavailable', lookupError: error };
  }

  const plan = planFederatedSignUp(users, request);
  if (plan.action === 'create') {
    return {
      linked: undefined,
      autoVerifyEmail: plan.autoVerifyEmail,
      ...(request.verifyEmail && plan.addressHeld ? { withheld: 'address-held' as const } : {}),
    };
  }
  const { identity } = plan;
  if (plan.action === 'already-linked') return { linked: identity, repeated: true };

  try {
    await directory.linkProviderUser(
      { userPoolId: request.userPoolId, nativeUsername: plan.target.username, ...identity },
      signal,
    );
  } catch (error) {
    // A delivery racing the first one's link, or a directory that did not show the link yet. Cognito's
    // answer does not say to whom the identity is linked: only the directory's word settles it.
    if (!isAlreadyLinkedError(error)) throw error;
    const linkedNow = (await lookup()).some(
      (user) => user.username === plan.target.username && hasIdentity(user, identity),
    );
    if (!linkedNow) throw error;
    return { linked: identity, repeated: true };
  }
  return { linked: identity, repeated: false };
}
