/**
 * Window arithmetic shared by the offline export (training, evaluation) and the online feature store.
 *
 * Both sides keep HOUR BUCKETS per card and per terminal: for one UTC hour (see clock.ts: hour number = hours
 * since 1970-01-01T00:00Z) the number of transactions, the sum of their amounts (integer thousandths of a major
 * unit, see amount.ts) and the number of them known to be fraud. Every window below is a closed range of hour
 * numbers; a store answers a window with `SUM(...) WHERE key = $1 AND hour BETWEEN from AND to`.
 *
 * The handbook's windows are continuous: a card's last n days (t - n days, t], a terminal's (t - (n+7) days,
 * t - 7 days]. Hour buckets follow them to within the hour, where day buckets lost up to a day:
 * - Card windows (n = 1, 7, 30 days "including the current transaction"): the 24n hours [H - 24n + 1, H], H the
 *   current transaction's hour; the current hour's bucket holds the card's earlier transactions of that hour,
 *   and the current transaction is added on top (features.ts).
 * - Terminal windows (7-day label delay): the 24n hours [H - 24(n+7), H - 24*7 - 1]. The last one ends at the
 *   start of hour H - 168, which is at or before t - 7 days: every label in a window is at least 7 days old.
 *   The hour H - 168 itself is never read (part of it is younger than 7 days at t).
 *
 * Store updates: when a payment is scored, +1 count and +amount in its card's and its terminal's bucket for the
 * payment's hour (after its features were computed: the current transaction is added by features.ts, never read
 * from the store). When a fraud label arrives (a reviewer's decision, a fraud report), +1 fraudCount in the
 * bucket of the PAYMENT's hour, not the label's. Buckets older than BUCKET_RETENTION_HOURS are never read and
 * may be deleted.
 */
import { MS_PER_HOUR } from './clock';

export const CARD_WINDOW_DAYS = [1, 7, 30] as const;
export const TERMINAL_WINDOW_DAYS = [1, 7, 30] as const;
export const LABEL_DELAY_DAYS = 7;
export const HOURS_PER_DAY = 24;

/** Oldest bucket any window reads, counted back from the current hour: H - 888 is still read, H - 889 never. */
export const BUCKET_RETENTION_HOURS = Math.max(
  HOURS_PER_DAY * Math.max(...CARD_WINDOW_DAYS),
  HOURS_PER_DAY * (LABEL_DELAY_DAYS + Math.max(...TERMINAL_WINDOW_DAYS)) + 1,
);

/** The UTC hour number (hours since 1970-01-01T00:00Z) of an instant: the key of an hour bucket. */
export function hourIndex(atMs: number): number {
  return Math.floor(atMs / MS_PER_HOUR);
}

export interface HourRange {
  /** first hour number, inclusive */
  readonly from: number;
  /** last hour number, inclusive */
  readonly to: number;
}

export interface Bucket {
  count: number;
  /** sum of amounts, integer thousandths of a major unit */
  amountMilli: number;
  fraudCount: number;
}

export function cardWindow(hour: number, days: number): HourRange {
  return { from: hour - HOURS_PER_DAY * days + 1, to: hour };
}

export function terminalWindow(hour: number, days: number): HourRange {
  return {
    from: hour - HOURS_PER_DAY * (days + LABEL_DELAY_DAYS),
    to: hour - HOURS_PER_DAY * LABEL_DELAY_DAYS - 1,
  };
}

/** Every bucket hour the features of a transaction in hour `hour` read: one range query per card / terminal. */
export function bucketHoursRead(hour: number): HourRange {
  return { from: hour - BUCKET_RETENTION_HOURS + 1, to: hour };
}

export function emptyBucket(): Bucket {
  return { count: 0, amountMilli: 0, fraudCount: 0 };
}

/** Sums the buckets of a window; `bucketAt` answers undefined for an hour without transactions. */
export function sumWindow(bucketAt: (hour: number) => Bucket | undefined, range: HourRange): Bucket {
  const total = emptyBucket();
  for (let hour = range.from; hour <= range.to; hour++) {
    const bucket = bucketAt(hour);
    if (bucket === undefined) continue;
    total.count += bucket.count;
    total.amountMilli += bucket.amountMilli;
    total.fraudCount += bucket.fraudCount;
  }
  return total;
}

/** The card's windows for a transaction in hour `hour`, in CARD_WINDOW_DAYS order. */
export function cardWindows(hour: number): HourRange[] {
  return CARD_WINDOW_DAYS.map((n) => cardWindow(hour, n));
}

/** The terminal's delayed windows for a transaction in hour `hour`, in TERMINAL_WINDOW_DAYS order. */
export function terminalWindows(hour: number): HourRange[] {
  return TERMINAL_WINDOW_DAYS.map((n) => terminalWindow(hour, n));
}

/** A card's totals over its three windows, the current transaction NOT included. */
export function cardTotals(bucketAt: (hour: number) => Bucket | undefined, hour: number): Bucket[] {
  return cardWindows(hour).map((range) => sumWindow(bucketAt, range));
}

/** A terminal's totals over its three delayed windows. */
export function terminalTotals(bucketAt: (hour: number) => Bucket | undefined, hour: number): Bucket[] {
  return terminalWindows(hour).map((range) => sumWindow(bucketAt, range));
}

/**
 * A terminal's latest run of confirmed frauds: the frauds in the hours of its longest delayed window after the
 * last hour in which it took a payment not known to be fraud, and the first hour holding one of them. A skimmed
 * terminal turns every payment into a fraud until it is found; once the labels of its first frauds are 7 days
 * old, the run shows it, and the run's age tells a compromise still going from one that ended (a genuine payment
 * since ends the run).
 */
export interface FraudRun {
  frauds: number;
  /** the hour number of the run's first fraud; undefined when the run is empty */
  firstHour?: number;
}

/** The hours a terminal's fraud run is looked for in: the longest delayed window's, [H - 888, H - 169]. */
export function fraudRunWindow(hour: number): HourRange {
  return terminalWindow(hour, Math.max(...TERMINAL_WINDOW_DAYS));
}

/** The terminal's fraud run for a transaction in hour `hour`, walking back from the window's last hour. */
export function terminalFraudRun(bucketAt: (hour: number) => Bucket | undefined, hour: number): FraudRun {
  const range = fraudRunWindow(hour);
  const run: FraudRun = { frauds: 0 };
  for (let h = range.to; h >= range.from; h--) {
    const bucket = bucketAt(h);
    if (bucket === undefined) continue;
    if (bucket.count > bucket.fraudCount) break;
    if (bucket.fraudCount > 0) {
      run.frauds += bucket.fraudCount;
      run.firstHour = h;
    }
  }
  return run;
}
