import { isNight, isWeekend } from './clock';
import { majorFromMilli } from './amount';
import { referenceMajor } from './currency';
import {
  CARD_WINDOW_DAYS,
  cardTotals,
  TERMINAL_WINDOW_DAYS,
  terminalTotals,
  terminalFraudRun,
  emptyBucket,
  hourIndex,
  type Bucket,
  type FraudRun,
} from './windows';

/**
 * The model's inputs in the order this module produces them: the handbook's 15 (chapter 3.3), then RamPay's:
 * - the amount over the card's average amount in each window BEFORE this transaction (1 for a card with no
 *   earlier transaction in the window), and the card's 1-day and 7-day average amounts over its 30-day one (this
 *   transaction included), from the same card totals;
 * - the terminal's latest run of confirmed frauds (windows.ts, terminalFraudRun): how many, and how many hours
 *   ago the first of them was (0 for no run), from the same terminal buckets.
 * models/MODEL_CARD.md says what each adds. The model's metadata names its own input order; the scorer maps from
 * this order to that one by name, so a model trained on fewer of them still runs.
 */
export const FEATURE_NAMES = [
  'amount',
  'weekend',
  'night',
  'card_tx_count_1d',
  'card_avg_amount_1d',
  'card_tx_count_7d',
  'card_avg_amount_7d',
  'card_tx_count_30d',
  'card_avg_amount_30d',
  'terminal_tx_count_1d',
  'terminal_risk_1d',
  'terminal_tx_count_7d',
  'terminal_risk_7d',
  'terminal_tx_count_30d',
  'terminal_risk_30d',
  'amount_to_card_avg_1d',
  'amount_to_card_avg_7d',
  'amount_to_card_avg_30d',
  'card_avg_1d_to_30d',
  'card_avg_7d_to_30d',
  'terminal_fraud_run',
  'terminal_fraud_run_hours',
] as const;

/** The handbook's 15 inputs: the first 15 names above. */
export const HANDBOOK_FEATURE_COUNT = 15;

/** Floor of the earlier average in the amount ratio: one cent, so a card of 0.00 payments gives no infinity. */
const RATIO_FLOOR_MILLI = 10;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;

export interface ScoredTransaction {
  /** the payment's instant, epoch milliseconds (features read it in UTC) */
  readonly atMs: number;
  /** integer thousandths of a major unit of the payment's currency (amount.ts) */
  readonly amountMilli: number;
  /** the rates table's quote for the payment's currency: its units per reference unit (currency.ts), 1 for EUR */
  readonly unitsPerReference: number;
}

/**
 * THE feature definition. `card` and `terminal` are the window totals of cardTotals / terminalTotals for the
 * transaction's hour, the current transaction not yet in them, and `terminalRun` the terminal's fraud run
 * (terminalFraudRun); `out` (optional) receives the values at `offset` so the offline export can fill one large
 * array without allocating.
 */
export function computeFeatures(
  tx: ScoredTransaction,
  card: readonly Bucket[],
  terminal: readonly Bucket[],
  terminalRun: FraudRun,
  out: Float64Array = new Float64Array(FEATURE_COUNT),
  offset = 0,
): Float64Array {
  let i = offset;
  const units = tx.unitsPerReference;
  if (!(units > 0) || !Number.isFinite(units)) throw new Error(`not a currency quote: ${units}`);
  out[i++] = referenceMajor(tx.amountMilli, units);
  out[i++] = isWeekend(tx.atMs) ? 1 : 0;
  out[i++] = isNight(tx.atMs) ? 1 : 0;
  // The card's averages with this transaction, in the payment's currency (integer thousandths).
  const averages: number[] = [];
  for (let w = 0; w < CARD_WINDOW_DAYS.length; w++) {
    const totals = card[w] ?? emptyBucket();
    const count = totals.count + 1;
    out[i++] = count;
    averages.push((totals.amountMilli + tx.amountMilli) / count);
    // The card's sums are in the payment's currency: its average is converted at today's quote.
    out[i++] = majorFromMilli(totals.amountMilli + tx.amountMilli) / count / units;
  }
  for (let w = 0; w < TERMINAL_WINDOW_DAYS.length; w++) {
    const totals = terminal[w] ?? emptyBucket();
    out[i++] = totals.count;
    out[i++] = totals.count > 0 ? totals.fraudCount / totals.count : 0;
  }
  // Ratios within the card's own currency: no rate enters them.
  for (let w = 0; w < CARD_WINDOW_DAYS.length; w++) {
    const totals = card[w] ?? emptyBucket();
    out[i++] =
      totals.count > 0 ? tx.amountMilli / Math.max(totals.amountMilli / totals.count, RATIO_FLOOR_MILLI) : 1;
  }
  const monthly = Math.max(averages[CARD_WINDOW_DAYS.length - 1] as number, RATIO_FLOOR_MILLI);
  for (let w = 0; w < CARD_WINDOW_DAYS.length - 1; w++) out[i++] = (averages[w] as number) / monthly;
  out[i++] = terminalRun.frauds;
  out[i] = terminalRun.firstHour === undefined ? 0 : hourIndex(tx.atMs) - terminalRun.firstHour;
  return out;
}

/** Features as a name -> value record (for assessments, reasons and logs). */
export function namedFeatures(values: ArrayLike<number>, offset = 0): Record<FeatureName, number> {
  const named = {} as Record<FeatureName, number>;
  FEATURE_NAMES.forEach((name, k) => {
    named[name] = values[offset + k] as number;
  });
  return named;
}

/**
 * Features of `tx` from the hour buckets a store returned (e.g. one `hour BETWEEN` query per key over
 * bucketHoursRead(hour)), keyed by UTC hour number; the current transaction must not be in them yet.
 */
export function featuresFromBuckets(
  tx: ScoredTransaction,
  cardBuckets: ReadonlyMap<number, Bucket>,
  terminalBuckets: ReadonlyMap<number, Bucket>,
): Float64Array {
  const hour = hourIndex(tx.atMs);
  const terminalAt = (h: number): Bucket | undefined => terminalBuckets.get(h);
  return computeFeatures(
    tx,
    cardTotals((h) => cardBuckets.get(h), hour),
    terminalTotals(terminalAt, hour),
    terminalFraudRun(terminalAt, hour),
  );
}

export interface HistoryTransaction {
  readonly atMs: number;
  /** integer thousandths of a major unit of the card's (or terminal's) currency */
  readonly amountMilli: number;
  /** true when the transaction is known to be fraud (a reviewer's decision or a fraud report) */
  readonly fraud: boolean;
}

/** Hour buckets built from a list of transactions (what the online store holds for one card or terminal). */
export function bucketsFromHistory(history: readonly HistoryTransaction[]): Map<number, Bucket> {
  const buckets = new Map<number, Bucket>();
  for (const h of history) {
    const hour = hourIndex(h.atMs);
    let bucket = buckets.get(hour);
    if (bucket === undefined) {
      bucket = emptyBucket();
      buckets.set(hour, bucket);
    }
    bucket.count += 1;
    bucket.amountMilli += h.amountMilli;
    bucket.fraudCount += h.fraud ? 1 : 0;
  }
  return buckets;
}

/**
 * Features of `tx` over explicit histories: the card's and the terminal's earlier transactions (entries at or
 * after tx.atMs are ignored). The same arithmetic as the export and the store, through the same buckets.
 */
export function featuresFromHistory(
  tx: ScoredTransaction,
  cardHistory: readonly HistoryTransaction[],
  terminalHistory: readonly HistoryTransaction[],
): Float64Array {
  const before = (h: HistoryTransaction): boolean => h.atMs < tx.atMs;
  return featuresFromBuckets(
    tx,
    bucketsFromHistory(cardHistory.filter(before)),
    bucketsFromHistory(terminalHistory.filter(before)),
  );
}
