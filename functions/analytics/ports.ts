import type { Queryable } from '../shared/db/client';
import type { Histogram } from './histogram';
import type { GrainRange } from './ranges';
import type { Counted, Counters, PaymentFacts, PaymentFactsUpdate, PeriodRow } from './rollup';

/** Whose data a query reads: one merchant, or every merchant ('*', analytics:admin only). */
export type MerchantScope = string;
export const ALL_MERCHANTS = '*';

/** The consumer's writes; every method runs in the consumer's transaction (next to its inbox row). */
export interface RollupWriter {
  /** Merges what an event tells about its payment (earliest of each fact) and returns the row, locked. */
  upsertFacts(tx: Queryable, update: PaymentFactsUpdate): Promise<PaymentFacts>;
  /**
   * Adds the rows' deltas to the rollups, the latency histogram and the failure reasons, and records what is
   * now counted for the payment, if that changed (one statement: folding is round-trip bound).
   */
  applyRows(
    tx: Queryable,
    merchantId: string,
    rows: readonly PeriodRow[],
    counted?: { paymentId: string; counted: Counted },
  ): Promise<void>;
}

export interface CurrencyTotals {
  currency: string;
  counters: Counters;
}

export interface SeriesPoint {
  periodStart: Date;
  counters: Counters;
  latency: Histogram;
}

export interface AnalyticsReader {
  totals(
    merchant: MerchantScope,
    ranges: readonly GrainRange[],
    currency?: string,
  ): Promise<CurrencyTotals[]>;
  latency(merchant: MerchantScope, ranges: readonly GrainRange[], currency?: string): Promise<Histogram>;
  failureReasons(
    merchant: MerchantScope,
    ranges: readonly GrainRange[],
    currency?: string,
  ): Promise<Record<string, number>>;
  /** Non-empty periods of one grain in [from, to), oldest first, summed over currencies unless one is given. */
  series(
    merchant: MerchantScope,
    range: GrainRange,
    options: { currency?: string; latency: boolean },
  ): Promise<SeriesPoint[]>;
  /** Payments waiting for a reviewer (in_review or held). */
  reviewQueueSize(merchant: MerchantScope): Promise<number>;
}
