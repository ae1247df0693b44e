/**
 * The passwordless sign-in's rows, in one table (`id`, TTL `expiresAt`), the shape of the sign-in
 * attempts table but a table of its own, so that the custom-auth functions' roles reach these rows and
 * nothing of the lock-out:
 * - `send#<pool>#<user>`: the user's recent send times, for the send limit across sessions;
 * - `link#<nonce>`: a magic link that was used, kept until the link would have expired anyway.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { decideSend, type SendLimit, type SendVerdict } from '../passwordless/throttle.ts';

/** Thrown when concurrent sends kept overwriting each other's record: fail closed, send nothing. */
export class SendContentionError extends Error {
  override readonly name = 'SendContentionError';
}

const MAX_ROUNDS = 4;

export const sendKey = (userPoolId: string, userName: string) => `send#${userPoolId}#${userName.toLowerCase()}`;
export const linkKey = (nonce: string) => `link#${nonce}`;

export interface AuthChallengeStore {
  /** Records one send at `now` if the limit allows it; either way returns the verdict. Atomic per user. */
  takeSend(key: string, now: number, rule: SendLimit, signal?: AbortSignal): Promise<SendVerdict>;
  /** Marks a magic link used; true the first time, false ever after (until `expiresAtSeconds`). */
  useLink(nonce: string, expiresAtSeconds: number, signal?: AbortSignal): Promise<boolean>;
}

export function authChallengeStore(
  tableName: string,
  client: () => DocumentClient = documentClient,
): AuthChallengeStore {
  return {
    async takeSend(key, now, rule, signal) {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const { Item } = await client().send(
          new GetCommand({ TableName: tableName, Key: { id: key }, ConsistentRead: true }),
          { abortSignal: signal },
        );
        const recorded = Array.isArray(Item?.sends)
          ? ((Item.sends as unknown[]).filter(Number.isFinite) as number[])
          : [];
        const version = typeof Item?.version === 'number' ? Item.version : undefined;
        const verdict = decideSend(recorded, now, rule);
        if (!verdict.allowed) return verdict;
        // Optimistic: the write holds only if nobody wrote since the read, so two concurrent sends
        // cannot both take the last place.
        const written = await conditionHeld(
          client().send(
            new PutCommand({
              TableName: tableName,
              Item: {
                id: key,
                sends: verdict.sends,
                version: (version ?? 0) + 1,
                expiresAt: Math.ceil((now + rule.windowMs) / 1000),
              },
              ConditionExpression: version === undefined ? 'attribute_not_exists(id)' : 'version = :version',
              ...(version === undefined ? {} : { ExpressionAttributeValues: { ':version': version } }),
            }),
            { abortSignal: signal },
          ),
        );
        if (written) return verdict;
      }
      throw new SendContentionError(`the send record kept changing for ${MAX_ROUNDS} rounds`);
    },
    async useLink(nonce, expiresAtSeconds, signal) {
      return conditionHeld(
        client().send(
          new PutCommand({
            TableName: tableName,
            Item: { id: linkKey(nonce), expiresAt: expiresAtSeconds },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
          { abortSignal: signal },
        ),
      );
    },
  };
}
