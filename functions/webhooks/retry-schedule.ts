/**
 * When a failed delivery is tried again: exponential backoff (5 s, doubling, at most 6 hours apart) with equal
 * jitter, for 3 days from the first attempt (or from a redelivery). `scale` shrinks every wait and the window
 * alike (WEBHOOKS_RETRY_SCALE), so tests run the whole schedule in seconds.
 */
export const FIRST_RETRY_MS = 5_000;
export const LONGEST_WAIT_MS = 6 * 60 * 60 * 1000;
export const RETRY_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;

/** The wait before the next attempt, after `attempts` attempts of this window have failed (1 or more). */
export function backoffMs(attempts: number, scale = 1, random: () => number = Math.random): number {
  const exponential = Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.max(1, Math.round(jittered * scale));
}

export function retryWindowMs(scale = 1): number {
  return RETRY_WINDOW_MS * scale;
}

/** The next attempt's time, or undefined when it would fall past the window: the last attempt has been made. */
export function nextAttemptAt(
  windowStartedAt: Date,
  now: Date,
  attempts: number,
  scale = 1,
  random: () => number = Math.random,
): Date | undefined {
  const at = new Date(now.getTime() + backoffMs(attempts, scale, random));
  return at.getTime() > windowStartedAt.getTime() + retryWindowMs(scale) ? undefined : at;
}

/** The unscaled schedule's waits, for the merchant guide and its test: attempt n is followed by wait n. */
export function nominalSchedule(): number[] {
  const waits: number[] = [];
  let elapsed = 0;
  for (let attempts = 1; ; attempts += 1) {
    const wait = Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * 2 ** (attempts - 1));
    if (elapsed + wait > RETRY_WINDOW_MS) return waits;
    waits.push(wait);
    elapsed += wait;
  }
}
