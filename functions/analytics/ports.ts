import type { Queryable, Sql } from '../shared/db/client';
import type { Histogram } from './histogram';
import type { GrainRange } from './ranges';
import type { Counted, Counters, MinuteDelta, PaymentFacts, PaymentFactsUpdate } from './rollup';

/**
 * Every merchant at once (analytics:admin only). A symbol, not a string, so that no merchant id, whatever a token
 * or a query carries, can ever mean it.
 */
export const ALL_MERCHANTS: unique symbol = Symbol('every merchant');

/** Whose data a query reads: one merchant (its id), or every merchant. */
export type MerchantScope = string | typeof ALL_MERCHANTS;

/** How a scope is shown in answers: the merchant id, or * for every merchant. */
export const scopeLabel = (scope: MerchantScope): string => (scope === ALL_MERCHANTS ? '*' : scope);

/** The consumer's writes. */
export interface RollupWriter {
  /** Merges what an event tells about its payment (earliest of each fact) and returns the row, locked. */
  upsertFacts(tx: Queryable, update: PaymentFactsUpdate): Promise<PaymentFacts>;
  /**
   * Appends an event's changes for compaction, and records what is now counted for the payment if that changed;
   * in the consumer's transaction (next to its inbox row). Locks no shared row.
   */
  appendDeltas(
    tx: Queryable,
    merchantId: string,
    deltas: readonly MinuteDelta[],
    counted?: { paymentId: string; counted: Counted },
  ): Promise<void>;
  /**
   * Moves up to `limit` pending changes into the rollups, in one transaction, taking rows in key order (so that
   * concurrent compactions wait for each other rather than deadlock). Returns how many it moved.
   */
  compact(sql: Sql, limit?: number): Promise<number>;
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
