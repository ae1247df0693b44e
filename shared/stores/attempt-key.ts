/**
 * The sign-in attempts key: the pool and the user name as Cognito gives it, lower-cased. Pre
 * authentication counts under it and post authentication resets it, so both must agree; and a user name
 * that does not exist is counted and locked exactly like one that does.
 */
export function attemptKey(userPoolId: string, userName: string): string {
  return `${userPoolId}#${userName.toLowerCase()}`;
}
