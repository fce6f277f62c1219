import { InvalidInputError } from '../../domain/errors';
import { quantile } from '../histogram';
import { scopeLabel, type AnalyticsReader, type MerchantScope, type SeriesPoint } from '../ports';
import { GRAIN_MS, periodStart, zeroCounters, type Counters, type Grain } from '../rollup';
import type { TimeseriesResource } from '../response-schemas';
import { DEFAULT_RANGE_MS, MAX_POINTS, type Interval, type Metric } from '../schemas';
import { resolveRange } from './scope';

const GRAIN_OF: Record<Interval, Grain> = { '1m': 'm', '1h': 'h', '1d': 'd' };

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

function valueOf(metric: Metric, c: Counters, point: SeriesPoint | undefined): number | null {
  switch (metric) {
    case 'payments_created':
      return c.created_count;
    case 'payments_approved':
      return c.approved_count;
    case 'payments_failed':
      return c.failed_count;
    case 'payments_held':
      return c.held_count;
    case 'anomalies':
      return c.anomalies_count;
    case 'refunds':
      return c.refunds_count;
    case 'volume_amount':
      return c.created_amount;
    case 'approved_amount':
      return c.approved_amount;
    case 'refunded_amount':
      return c.refunded_amount;
    case 'approval_rate':
      return ratio(c.approved_count, c.created_count);
    case 'fraud_rate':
      return ratio(c.anomalies_count, c.created_count);
    case 'decision_latency_p50':
    case 'decision_latency_p95':
    case 'decision_latency_p99': {
      const p = { decision_latency_p50: 0.5, decision_latency_p95: 0.95, decision_latency_p99: 0.99 }[metric];
      const v = point ? quantile(point.latency, p) : undefined;
      return v === undefined ? null : Math.round(v * 10) / 10;
    }
  }
}

/** One point per period of `interval` overlapping [from, to), empty periods included. */
export async function timeseries(
  reader: AnalyticsReader,
  merchant: MerchantScope,
  query: { metric: Metric; interval: Interval; from?: string; to?: string; currency?: string },
  now: Date,
): Promise<TimeseriesResource> {
  const grain = GRAIN_OF[query.interval];
  const range = resolveRange(query, now, DEFAULT_RANGE_MS);
  const from = periodStart(range.from, grain);
  const to = new Date(Math.ceil(range.to.getTime() / GRAIN_MS[grain]) * GRAIN_MS[grain]);
  const count = (to.getTime() - from.getTime()) / GRAIN_MS[grain];
  if (count > MAX_POINTS) {
    throw new InvalidInputError([
      {
        field: 'query.interval',
        message: `${query.interval} over this range is ${count} points; at most ${MAX_POINTS}: choose a coarser interval or a shorter range`,
      },
    ]);
  }
  const points = await reader.series(
    merchant,
    { grain, from, to },
    { currency: query.currency, latency: query.metric.startsWith('decision_latency') },
  );
  const byStart = new Map(points.map((p) => [p.periodStart.getTime(), p]));
  const zero = zeroCounters();
  return {
    object: 'analytics.timeseries',
    merchant: scopeLabel(merchant),
    metric: query.metric,
    interval: query.interval,
    from: from.toISOString(),
    to: to.toISOString(),
    currency: query.currency ?? null,
    points: Array.from({ length: count }, (_, i) => {
      const t = from.getTime() + i * GRAIN_MS[grain];
      const point = byStart.get(t);
      return { t: new Date(t).toISOString(), value: valueOf(query.metric, point?.counters ?? zero, point) };
    }),
  };
}
