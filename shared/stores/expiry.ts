/** DynamoDB's TTL wants epoch seconds; the triggers think in milliseconds and days. */
export const DAY_SECONDS = 86_400;

/** The TTL attribute of a row written at `nowMs` that should live `lifetimeSeconds`. */
export function expiresAtSeconds(nowMs: number, lifetimeSeconds: number): number {
  return Math.floor(nowMs / 1000) + lifetimeSeconds;
}
