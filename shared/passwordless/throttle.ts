/**
 * The per-user send limit: at most `limit` messages in any `windowMs` (a sliding window over the send
 * times, so no burst at a window's edge doubles the limit). Pure; the store applies it atomically.
 */
export interface SendLimit {
  limit: number;
  windowMs: number;
}

export type SendVerdict =
  { allowed: true; sends: number[] } | { allowed: false; sends: number[]; retryAfterMs: number };

/** Given the recorded send times, whether one more send at `now` is allowed, and the times to keep. */
export function decideSend(recorded: readonly number[], now: number, rule: SendLimit): SendVerdict {
  // A send stamped later than `now` (another container's clock, a concurrent request) still counts.
  const recent = recorded.filter((at) => at > now - rule.windowMs).sort((a, b) => a - b);
  if (recent.length >= rule.limit) {
    const oldest = recent[recent.length - rule.limit] as number;
    return { allowed: false, sends: recent, retryAfterMs: Math.max(0, oldest + rule.windowMs - now) };
  }
  return { allowed: true, sends: [...recent, now].sort((a, b) => a - b) };
}
