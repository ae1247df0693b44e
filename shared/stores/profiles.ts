/** User profiles, one row per user keyed by `sub`: what the pool told us, minus secrets. */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, type DocumentClient } from '../aws/dynamodb.ts';

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

/** A word of the name (split at `:`, `_`, `-`, `.` and camelCase) names a secret: `custom:password_hash`, `apiToken`. */
const SECRET_WORD = /(^|_)(password|passwd|secret|token|hash|otp|salt)s?(_|$)/iu;

export function looksSecret(name: string): boolean {
  return SECRET_WORD.test(name.replace(/([a-z0-9])([A-Z])/gu, '$1_$2').replace(/[:.-]/gu, '_'));
}

/** Attributes worth keeping: no Cognito bookkeeping (`cognito:*`), nothing that looks like a secret. */
export function profileAttributes(userAttributes: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(userAttributes).filter(
      ([name]) => !name.startsWith('cognito:') && name !== 'sub' && !looksSecret(name),
    ),
  );
}

export interface ProfileStore {
  /** Writes the profile unless one exists; Cognito may deliver the same confirmation twice. */
  createOnce(profile: Profile, signal?: AbortSignal): Promise<'created' | 'exists'>;
  get(sub: string, signal?: AbortSignal): Promise<Profile | undefined>;
  /** Records a sign-in on an existing profile; a user without a profile is left without one. */
  recordSignIn(sub: string, at: string, signal?: AbortSignal): Promise<void>;
}

export function profileStore(tableName: string, client: () => DocumentClient = documentClient): ProfileStore {
  return {
    async createOnce(profile, signal) {
      try {
        await client().send(
          new PutCommand({
            TableName: tableName,
            Item: profile,
            ConditionExpression: 'attribute_not_exists(#sub)',
            ExpressionAttributeNames: { '#sub': 'sub' },
          }),
          { abortSignal: signal },
        );
        return 'created';
      } catch (error) {
        if (isConditionFailure(error)) return 'exists';
        throw error;
      }
    },
    async get(sub, signal) {
      const { Item } = await client().send(new GetCommand({ TableName: tableName, Key: { sub } }), {
        abortSignal: signal,
      });
      return Item as Profile | undefined;
    },
    async recordSignIn(sub, at, signal) {
      try {
        await client().send(
          new UpdateCommand({
            TableName: tableName,
            Key: { sub },
            UpdateExpression: 'SET lastSignInAt = :at',
            ConditionExpression: 'attribute_exists(#sub)',
            ExpressionAttributeNames: { '#sub': 'sub' },
            ExpressionAttributeValues: { ':at': at },
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
