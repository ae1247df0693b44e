/** User profiles, one row per user keyed by `sub`: what the pool told us, minus secrets. */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { isSecretName } from '../runtime/redact.ts';

export interface Profile {
  sub: string;
  userPoolId: string;
  clientId: string | null;
  attributes: Record<string, string>;
  createdAt: string;
  lastSignInAt?: string;
  /** Set by an administrator (or a script) to stop the user from signing in. */
  blocked?: boolean;
}

/** Attributes worth keeping: no Cognito bookkeeping (`cognito:*`), nothing that looks like a secret. */
export function profileAttributes(userAttributes: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(userAttributes).filter(
      ([name]) => !name.startsWith('cognito:') && name !== 'sub' && !isSecretName(name),
    ),
  );
}

export interface ProfileStore {
  /** Writes the profile unless one exists; Cognito may deliver the same confirmation twice. */
  createOnce(profile: Profile, signal?: AbortSignal): Promise<'created' | 'exists'>;
  get(sub: string, signal?: AbortSignal): Promise<Profile | undefined>;
  /**
   * Records a sign-in, creating the profile from what the sign-in knows when there is none: users who
   * were confirmed before the suite was attached, or whose confirmation failed to write it.
   */
  recordSignIn(
    profile: Pick<Profile, 'sub' | 'userPoolId' | 'clientId' | 'attributes'>,
    at: string,
    signal?: AbortSignal,
  ): Promise<void>;
}

export function profileStore(tableName: string, client: () => DocumentClient = documentClient): ProfileStore {
  return {
    async createOnce(profile, signal) {
      const created = await conditionHeld(
        client().send(
          new PutCommand({
            TableName: tableName,
            Item: profile,
            ConditionExpression: 'attribute_not_exists(#sub)',
            ExpressionAttributeNames: { '#sub': 'sub' },
          }),
          { abortSignal: signal },
        ),
      );
      return created ? 'created' : 'exists';
    },
    async get(sub, signal) {
      const { Item } = await client().send(new GetCommand({ TableName: tableName, Key: { sub } }), {
        abortSignal: signal,
      });
      return Item as Profile | undefined;
    },
    async recordSignIn(profile, at, signal) {
      await client().send(
        new UpdateCommand({
          TableName: tableName,
          Key: { sub: profile.sub },
          UpdateExpression:
            'SET lastSignInAt = :at, createdAt = if_not_exists(createdAt, :at), ' +
            'userPoolId = if_not_exists(userPoolId, :pool), clientId = if_not_exists(clientId, :client), ' +
            'attributes = if_not_exists(attributes, :attributes)',
          ExpressionAttributeValues: {
            ':at': at,
            ':pool': profile.userPoolId,
            ':client': profile.clientId,
            ':attributes': profile.attributes,
          },
        }),
        { abortSignal: signal },
      );
    },
  };
}
