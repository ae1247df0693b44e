/** The DynamoDB document client, created on first use, with the suite's short timeouts. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazy } from '../lazy.ts';
import { clientConfig } from './client-config.ts';

export const documentClient = lazy(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()), { marshallOptions: { removeUndefinedValues: true } }),
);

export type DocumentClient = DynamoDBDocumentClient;

/** True for the error DynamoDB raises when a condition expression does not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Awaits a conditional write: true when it was made, false when its condition did not hold. */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
