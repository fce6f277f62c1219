/**
 * The clock every fraud feature uses: UTC. A payment's instant (epoch milliseconds, whatever offset its ISO
 * string carried) decides its day bucket, its weekday and its hour, all read in UTC. The simulator's
 * timestamps are UTC too, so training and serving agree. Local time would need the card holder's zone,
 * which a payment does not carry; UTC is the one clock both sides have.
 */
export const MS_PER_DAY = 86_400_000;
export const MS_PER_HOUR = 3_600_000;

/** The UTC day number (days since 1970-01-01) of an instant: the key of a day bucket. */
export function dayIndex(atMs: number): number {
  return Math.floor(atMs / MS_PER_DAY);
}

/** 0..23, the UTC hour of an instant. */
export function utcHour(atMs: number): number {
  return Math.floor((atMs - dayIndex(atMs) * MS_PER_DAY) / MS_PER_HOUR);
}

/** Saturday or Sunday in UTC. 1970-01-01 (day 0) was a Thursday. */
export function isWeekend(atMs: number): boolean {
  const weekday = (((dayIndex(atMs) + 4) % 7) + 7) % 7; // 0 = Sunday
  return weekday === 0 || weekday === 6;
}

/** The handbook's night: hour <= 6, i.e. 00:00:00.000 to 06:59:59.999 UTC. */
export const NIGHT_LAST_HOUR = 6;
export function isNight(atMs: number): boolean {
  return utcHour(atMs) <= NIGHT_LAST_HOUR;
}

/** Parses an ISO 8601 timestamp (with Z or an offset) to epoch milliseconds; throws on anything else. */
export function instantMs(iso: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms) || !/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) {
    throw new Error(`not an ISO 8601 timestamp with a zone: ${iso}`);
  }
  return ms;
}
