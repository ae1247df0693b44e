import { decideSend } from '../../../shared/passwordless/throttle.ts';

const rule = { limit: 3, windowMs: 60_000 };
const now = 1_800_000_000_000;

describe('the send limit (sliding window)', () => {
  it('allows up to the limit within the window and records the send', () => {
    expect(decideSend([], now, rule)).toEqual({ allowed: true, sends: [now] });
    expect(decideSend([now - 2, now - 1], now, rule)).toEqual({ allowed: true, sends: [now - 2, now - 1, now] });
  });

  it('refuses past the limit, saying when the oldest send leaves the window', () => {
    const verdict = decideSend([now - 50_000, now - 10_000, now - 5_000], now, rule);
    expect(verdict).toEqual({ allowed: false, sends: [now - 50_000, now - 10_000, now - 5_000], retryAfterMs: 10_000 });
  });

  it('forgets sends older than the window, so no burst at a window edge doubles the limit', () => {
    expect(decideSend([now - 60_000, now - 59_999, now - 1], now, rule)).toEqual({
      allowed: true,
      sends: [now - 59_999, now - 1, now],
    });
    expect(decideSend([now - 59_999, now - 30_000, now - 1], now, rule)).toMatchObject({
      allowed: false,
      retryAfterMs: 1,
    });
    expect(decideSend([now - 70_000, now - 65_000, now - 61_000], now, rule)).toEqual({ allowed: true, sends: [now] });
  });

  it("counts sends stamped later than now (another container's clock, a concurrent request)", () => {
    expect(decideSend([now + 5, now + 7, now + 9], now, rule)).toMatchObject({ allowed: false });
    expect(decideSend([now + 5], now, rule)).toEqual({ allowed: true, sends: [now, now + 5] });
  });
});
