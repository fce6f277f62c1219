import * as z from 'zod';

/**
 * Instants a request may name: from 1970-01-01T00:00:00Z up to, not including, 3000-01-01T00:00:00Z. Every
 * value in that range, and a day either side of it (the widest step of range arithmetic), is a valid
 * PostgreSQL timestamptz and a JavaScript Date.
 */
export const EARLIEST_INSTANT_MS = Date.UTC(1970, 0, 1);
export const LATEST_INSTANT_MS = Date.UTC(3000, 0, 1);
export const INSTANT_RANGE_RULE =
  'must be from 1970-01-01T00:00:00Z up to (not including) 3000-01-01T00:00:00Z';

export function isAcceptedInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_INSTANT_MS && ms < LATEST_INSTANT_MS;
}

/** An ISO 8601 date-time with an offset, within the accepted range. */
export function dateTime() {
  return z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-24T10:00:00Z' })
    .refine((value) => isAcceptedInstant(Date.parse(value)), { error: INSTANT_RANGE_RULE });
}

/** `date` moved into the accepted range, for instants computed from others (a default range start). */
export function clampInstant(date: Date): Date {
  const ms = Math.min(Math.max(date.getTime(), EARLIEST_INSTANT_MS), LATEST_INSTANT_MS);
  return ms === date.getTime() ? date : new Date(ms);
}
