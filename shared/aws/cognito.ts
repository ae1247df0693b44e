/**
 * The user pool directory, as triggers need it: look users up by e-mail or by user name, link federated
 * identities.
 */
import {
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { lazy } from '../lazy.ts';
import { clientConfig } from './client-config.ts';

export const cognitoClient = lazy(() => new CognitoIdentityProviderClient(clientConfig()));

export interface DirectoryUser {
  username: string;
  status: string | undefined;
  enabled: boolean;
  attributes: Record<string, string>;
}

export function toDirectoryUser(user: UserType): DirectoryUser {
  return {
    username: user.Username ?? '',
    status: user.UserStatus,
    enabled: user.Enabled ?? true,
    attributes: Object.fromEntries((user.Attributes ?? []).map((a) => [a.Name ?? '', a.Value ?? ''])),
  };
}

/** A provider identity linked to a user, as its `identities` attribute lists it. */
export interface LinkedIdentity {
  providerName: string;
  userId: string;
}

/**
 * The identities a user's `identities` attribute lists: Cognito keeps there, as a JSON array
 * (`[{"userId":"1170...","providerName":"Google","providerType":"Google","issuer":null,"primary":false,
 * "dateCreated":1700000000000}]`), every provider identity linked to the user. Anything unreadable counts
 * as no identity.
 */
export function linkedIdentities(user: DirectoryUser): LinkedIdentity[] {
  const raw = user.attributes.identities;
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { providerName, userId } = entry as Record<string, unknown>;
    return typeof providerName === 'string' && typeof userId === 'string' ? [{ providerName, userId }] : [];
  });
}

/**
 * Whether AdminLinkProviderForUser refused because the source identity is linked already, as on a
 * retry after a successful link. Cognito answers InvalidParameterException "SourceUser is already linked
 * to DestinationUser" (since mid-2024, aws/aws-sdk#766); before that the same case answered "Invalid
 * SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a
 * DestinationUser" (aws-sdk-js-v3#5281, boto3#4163). Neither says to which user: the caller confirms
 * the link in the directory before it relies on this.
 */
export function isAlreadyLinkedError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return (
    name === 'InvalidParameterException' &&
    typeof message === 'string' &&
    /already linked|may not be passed in as a SourceUser/iu.test(message)
  );
}

/** ListUsers filters quote values with double quotes; a quote or backslash in the value must be escaped. */
export function filterValue(value: string): string {
  return `"${value.replace(/["\\]/gu, (c) => `\\${c}`)}"`;
}

export interface UserDirectory {
  findUsersByEmail(userPoolId: string, email: string, signal?: AbortSignal): Promise<DirectoryUser[]>;
  linkProviderUser(
    request: { userPoolId: string; nativeUsername: string; providerName: string; providerUserId: string },
    signal?: AbortSignal,
  ): Promise<void>;
}

export function cognitoDirectory(client: () => CognitoIdentityProviderClient = cognitoClient): UserDirectory {
  return {
    async findUsersByEmail(userPoolId, email, signal) {
      const { Users = [] } = await client().send(
        new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = ${filterValue(email)}`, Limit: 10 }),
        { abortSignal: signal },
      );
      return Users.map(toDirectoryUser);
    },
    async linkProviderUser({ userPoolId, nativeUsername, providerName, providerUserId }, signal) {
      await client().send(
        new AdminLinkProviderForUserCommand({
          UserPoolId: userPoolId,
          DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: nativeUsername },
          SourceUser: {
            ProviderName: providerName,
            ProviderAttributeName: 'Cognito_Subject',
            ProviderAttributeValue: providerUserId,
          },
        }),
        { abortSignal: signal },
      );
    },
  };
}

/** A user looked up by user name: undefined when the pool has no such user (any more). */
export type UserLookup = (
  userPoolId: string,
  username: string,
  signal?: AbortSignal,
) => Promise<DirectoryUser | undefined>;

/** Whether Cognito answered that the user does not exist (AdminGetUser's UserNotFoundException). */
export function isUserNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'UserNotFoundException';
}

/**
 * AdminGetUser: the user's attributes and status by user name. Only a user who does not exist is an
 * answer (undefined); every other failure (throttling, a timeout, access denied) is thrown, for the
 * caller to fail on rather than take for "no such user".
 */
export function cognitoUserLookup(client: () => CognitoIdentityProviderClient = cognitoClient): UserLookup {
  return async (userPoolId, username, signal) => {
    try {
      const user = await client().send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }), {
        abortSignal: signal,
      });
      return toDirectoryUser({
        Username: user.Username,
        UserStatus: user.UserStatus,
        Enabled: user.Enabled,
        Attributes: user.UserAttributes,
      });
    } catch (error) {
      if (isUserNotFound(error)) return undefined;
      throw error;
    }
  };
}
