/** The user pool directory, as triggers need it: look users up by e-mail, link federated identities. */
import {
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
