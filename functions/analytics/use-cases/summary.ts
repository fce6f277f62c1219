import { quantile, RELATIVE_ERROR } from '../histogram';
import { scopeLabel, type AnalyticsReader, type MerchantScope } from '../ports';
import { coveringRanges, minuteBounds } from '../ranges';
import { zeroCounters, type Counters } from '../rollup';
import type { SummaryResource } from '../response-schemas';
import { DEFAULT_RANGE_MS } from '../schemas';
import { resolveRange } from './scope';

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);
const roundMs = (v: number | undefined) => (v === undefined ? null : Math.round(v * 10) / 10);

/** The summary over every minute overlapping [from, to), from the rollups (days, hours and edge minutes). */
export async function summarize(
  reader: AnalyticsReader,
  merchant: MerchantScope,
  query: { from?: string; to?: string; currency?: string },
  now: Date,
): Promise<SummaryResource> {
  const range = resolveRange(query, now, DEFAULT_RANGE_MS);
  const { from, to } = minuteBounds(range.from, range.to);
  const ranges = coveringRanges(from, to);
  const [totals, latency, reasons] = await Promise.all([
    reader.totals(merchant, ranges, query.currency),
    reader.latency(merchant, ranges, query.currency),
    reader.failureReasons(merchant, ranges, query.currency),
  ]);
  const all: Counters = zeroCounters();
  for (const t of totals)
    for (const key of Object.keys(all) as (keyof Counters)[]) all[key] += t.counters[key];
  return {
    object: 'analytics.summary',
    merchant: scopeLabel(merchant),
    from: from.toISOString(),
    to: to.toISOString(),
    currency: query.currency ?? null,
    volume: {
      count: all.created_count,
      byCurrency: totals
        .filter((t) => t.counters.created_count + t.counters.approved_count + t.counters.refunds_count > 0)
        .map((t) => ({
          currency: t.currency,
          count: t.counters.created_count,
          amount: t.counters.created_amount,
          approvedAmount: t.counters.approved_amount,
          refundedAmount: t.counters.refunded_amount,
          refundRate: ratio(t.counters.refunded_amount, t.counters.approved_amount),
        })),
    },
    counts: {
      created: all.created_count,
      approved: all.approved_count,
      failed: all.failed_count,
      anomalies: all.anomalies_count,
      flaggedForReview: all.review_count,
      held: all.held_count,
      declined: all.declined_count,
      reviewed: all.reviewed_count,
      reviewedAsFraud: all.reviewed_fraud_count,
      refunds: all.refunds_count,
    },
    failuresByReason: reasons,
    rates: {
      approval: ratio(all.approved_count, all.created_count),
      decline: ratio(all.failed_count, all.created_count),
      fraud: ratio(all.anomalies_count, all.created_count),
      refund: ratio(all.refunds_count, all.approved_count),
    },
    decisionLatencyMs: {
      count: all.latency_count,
      mean: all.latency_count > 0 ? roundMs(all.latency_sum_ms / all.latency_count) : null,
      p50: roundMs(quantile(latency, 0.5)),
      p95: roundMs(quantile(latency, 0.95)),
      p99: roundMs(quantile(latency, 0.99)),
      relativeError: Math.round(RELATIVE_ERROR * 10_000) / 10_000,
    },
  };
}
