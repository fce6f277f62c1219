/**
 * Window arithmetic shared by the offline export (training, evaluation) and the online feature store.
 *
 * Both sides keep DAY BUCKETS per card and per terminal: for one UTC day (see clock.ts) the number of
 * transactions, the sum of their amounts (integer thousandths of a major unit, see amount.ts) and the number of
 * them known to be fraud. Every window below is a closed range of day numbers; a store answers a window with
 * `SUM(...) WHERE key = $1 AND day BETWEEN from AND to`.
 *
 * - Card windows (the handbook's customer windows, n = 1, 7, 30 days "including the current transaction"):
 *   days [d - n + 1, d] where d is the current transaction's day; the current day's bucket holds the card's
 *   earlier transactions of that day, and the current transaction is added on top (features.ts).
 * - Terminal windows (the handbook's (t - (n+7), t - 7] with a 7-day label delay): the n whole days
 *   [d - 7 - n, d - 8]. Every transaction in them is at least 7 days old at any moment of day d, so its label is
 *   taken as known; today's and the last 7 days' labels never reach a feature.
 *
 * Store updates: when a payment is scored, +1 count and +amount in its card's and its terminal's bucket for the
 * payment's day (after its features were computed: the current transaction is added by features.ts, never read
 * from the store). When a fraud label arrives (a reviewer's decision, a fraud report), +1 fraudCount in the
 * bucket of the PAYMENT's day, not the label's; a label withdrawn takes it back. Buckets older than
 * BUCKET_RETENTION_DAYS are never read and may be deleted.
 */
export const CARD_WINDOW_DAYS = [1, 7, 30] as const;
export const TERMINAL_WINDOW_DAYS = [1, 7, 30] as const;
export const LABEL_DELAY_DAYS = 7;

/** Oldest bucket any window reads, counted back from the current day: d - 37 is still read, d - 38 never. */
export const BUCKET_RETENTION_DAYS = Math.max(
  Math.max(...CARD_WINDOW_DAYS),
  LABEL_DELAY_DAYS + Math.max(...TERMINAL_WINDOW_DAYS) + 1,
);

export interface DayRange {
  /** first day number, inclusive */
  readonly from: number;
  /** last day number, inclusive */
  readonly to: number;
}

export interface DayBucket {
  count: number;
  /** sum of amounts, integer thousandths of a major unit */
  amountMilli: number;
  fraudCount: number;
}

export function cardWindow(day: number, days: number): DayRange {
  return { from: day - days + 1, to: day };
}

export function terminalWindow(day: number, days: number): DayRange {
  return { from: day - LABEL_DELAY_DAYS - days, to: day - LABEL_DELAY_DAYS - 1 };
}

/** Every bucket day the features of a transaction on day `day` read: one range query per card / terminal. */
export function bucketDaysRead(day: number): DayRange {
  return { from: day - BUCKET_RETENTION_DAYS + 1, to: day };
}

export function emptyBucket(): DayBucket {
  return { count: 0, amountMilli: 0, fraudCount: 0 };
}

/** Sums the buckets of a window; `bucketAt` answers undefined for a day without transactions. */
export function sumWindow(bucketAt: (day: number) => DayBucket | undefined, range: DayRange): DayBucket {
  const total = emptyBucket();
  for (let day = range.from; day <= range.to; day++) {
    const bucket = bucketAt(day);
    if (bucket === undefined) continue;
    total.count += bucket.count;
    total.amountMilli += bucket.amountMilli;
    total.fraudCount += bucket.fraudCount;
  }
  return total;
}

/** A card's totals over its three windows, the current transaction NOT included. */
export function cardTotals(bucketAt: (day: number) => DayBucket | undefined, day: number): DayBucket[] {
  return CARD_WINDOW_DAYS.map((n) => sumWindow(bucketAt, cardWindow(day, n)));
}

/** A terminal's totals over its three delayed windows. */
export function terminalTotals(bucketAt: (day: number) => DayBucket | undefined, day: number): DayBucket[] {
  return TERMINAL_WINDOW_DAYS.map((n) => sumWindow(bucketAt, terminalWindow(day, n)));
}
