import type { ChargeResult, Rate } from './ports';

/**
 * GCRA (the generic cell rate algorithm), the arithmetic both stores share: a bucket is one number, its
 * theoretical arrival time (TAT). Each request moves the TAT forward by the emission interval (period / limit); a
 * request is refused when that would put the TAT more than one period ahead of now. The Lua script in
 * redis-store.ts is the same arithmetic on the server's clock.
 */
export function gcra(
  tat: number | undefined,
  nowMs: number,
  rate: Rate,
): { result: Omit<ChargeResult, 'charged'>; newTat?: number } {
  const periodMs = rate.periodSeconds * 1000;
  const emission = periodMs / rate.limit;
  const current = Math.max(tat ?? nowMs, nowMs);
  const next = current + emission;
  const allowAt = next - periodMs;
  if (nowMs < allowAt) {
    return {
      result: {
        allowed: false,
        remaining: 0,
        resetSeconds: Math.ceil((current - nowMs) / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil((allowAt - nowMs) / 1000)),
      },
    };
  }
  return {
    result: {
      allowed: true,
      remaining: Math.floor((nowMs - allowAt) / emission),
      resetSeconds: Math.ceil((next - nowMs) / 1000),
      retryAfterSeconds: 0,
    },
    newTat: next,
  };
}
