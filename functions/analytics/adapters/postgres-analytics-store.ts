import type { Queryable, Sql } from '../../shared/db/client';
import type { Histogram } from '../histogram';
import {
  ALL_MERCHANTS,
  type AnalyticsReader,
  type CurrencyTotals,
  type MerchantScope,
  type RollupWriter,
  type SeriesPoint,
} from '../ports';
import type { GrainRange } from '../ranges';
import {
  COUNTERS,
  type Counted,
  type Counters,
  type PaymentFacts,
  type PaymentFactsUpdate,
  type PeriodRow,
} from '../rollup';

const ADD_COUNTERS = COUNTERS.map((c) => `${c} = analytics_rollups.${c} + excluded.${c}`).join(', ');
const SUM_COUNTERS = COUNTERS.map((c) => `sum(r.${c})::bigint as ${c}`).join(', ');

interface FactsRow {
  payment_id: string;
  currency: string;
  amount: number;
  created_at: Date | null;
  first_approved_at: Date | null;
  first_decided_at: Date | null;
  counted_approved_at: Date | null;
  counted_latency_at: Date | null;
  counted_latency_ms: number | null;
}

function countersOf(row: Record<string, unknown>): Counters {
  return Object.fromEntries(COUNTERS.map((c) => [c, Number(row[c] ?? 0)])) as Counters;
}

/** The consumer's writes, in the transaction it is handed. */
export class PostgresRollupWriter implements RollupWriter {
  async upsertFacts(tx: Queryable, u: PaymentFactsUpdate): Promise<PaymentFacts> {
    const [row] = await tx<FactsRow[]>`
      insert into analytics_payments
        (payment_id, merchant_id, currency, amount, created_at, first_approved_at, first_decided_at)
      values (${u.paymentId}, ${u.merchantId}, ${u.currency}, ${u.amount}, ${u.createdAt ?? null},
              ${u.approvedAt ?? null}, ${u.decidedAt ?? null})
      on conflict (payment_id) do update set
        created_at = least(analytics_payments.created_at, excluded.created_at),
        first_approved_at = least(analytics_payments.first_approved_at, excluded.first_approved_at),
        first_decided_at = least(analytics_payments.first_decided_at, excluded.first_decided_at)
      returning payment_id, currency, amount, created_at, first_approved_at, first_decided_at,
                counted_approved_at, counted_latency_at, counted_latency_ms`;
    const r = row!;
    return {
      paymentId: r.payment_id,
      currency: r.currency,
      amount: r.amount,
      createdAt: r.created_at,
      firstApprovedAt: r.first_approved_at,
      firstDecidedAt: r.first_decided_at,
      countedApprovedAt: r.counted_approved_at,
      countedLatencyAt: r.counted_latency_at,
      countedLatencyMs: r.counted_latency_ms,
    };
  }

  async markCounted(tx: Queryable, paymentId: string, counted: Counted): Promise<void> {
    await tx`
      update analytics_payments
      set counted_approved_at = ${counted.approvedAt}, counted_latency_at = ${counted.latencyAt},
          counted_latency_ms = ${counted.latencyMs}
      where payment_id = ${paymentId}`;
  }

  async applyRows(tx: Queryable, merchantId: string, rows: readonly PeriodRow[]): Promise<void> {
    if (rows.length === 0) return;
    const key = (r: PeriodRow) => ({
      merchant_id: merchantId,
      grain: r.grain,
      period_start: r.periodStart,
      currency: r.currency,
    });
    await tx`
      insert into analytics_rollups ${tx(
        rows.map((r) => ({ ...key(r), ...r.counters })),
        'merchant_id',
        'grain',
        'period_start',
        'currency',
        ...COUNTERS,
      )}
      on conflict (merchant_id, grain, period_start, currency) do update set ${tx.unsafe(ADD_COUNTERS)}`;
    const buckets = rows.flatMap((r) =>
      [...r.latencyBuckets]
        .filter(([, n]) => n !== 0)
        .map(([bucket, count]) => ({ ...key(r), bucket, count })),
    );
    if (buckets.length > 0) {
      await tx`
        insert into analytics_latency ${tx(buckets, 'merchant_id', 'grain', 'period_start', 'currency', 'bucket', 'count')}
        on conflict (merchant_id, grain, period_start, currency, bucket)
        do update set count = analytics_latency.count + excluded.count`;
    }
    const reasons = rows.flatMap((r) =>
      [...r.failureReasons]
        .filter(([, n]) => n !== 0)
        .map(([reason, count]) => ({ ...key(r), reason, count })),
    );
    if (reasons.length > 0) {
      await tx`
        insert into analytics_failure_reasons ${tx(reasons, 'merchant_id', 'grain', 'period_start', 'currency', 'reason', 'count')}
        on conflict (merchant_id, grain, period_start, currency, reason)
        do update set count = analytics_failure_reasons.count + excluded.count`;
    }
  }
}

/** Summary and timeseries reads. */
export class PostgresAnalyticsReader implements AnalyticsReader {
  constructor(private readonly sql: Sql) {}

  private scope(merchant: MerchantScope, currency: string | undefined, alias: string) {
    const sql = this.sql;
    return sql`
      ${merchant === ALL_MERCHANTS ? sql`` : sql`and ${sql(alias)}.merchant_id = ${merchant}`}
      ${currency ? sql`and ${sql(alias)}.currency = ${currency}` : sql``}`;
  }

  private ranges(ranges: readonly GrainRange[], alias: string) {
    const sql = this.sql;
    return sql`join unnest(
        ${ranges.map((r) => r.grain)}::text[],
        ${ranges.map((r) => r.from.toISOString())}::timestamptz[],
        ${ranges.map((r) => r.to.toISOString())}::timestamptz[]
      ) as q(grain, lo, hi)
      on ${sql(alias)}.grain = q.grain and ${sql(alias)}.period_start >= q.lo and ${sql(alias)}.period_start < q.hi`;
  }

  async totals(
    merchant: MerchantScope,
    ranges: readonly GrainRange[],
    currency?: string,
  ): Promise<CurrencyTotals[]> {
    if (ranges.length === 0) return [];
    const rows = await this.sql<Record<string, unknown>[]>`
      select r.currency, ${this.sql.unsafe(SUM_COUNTERS)}
      from analytics_rollups r ${this.ranges(ranges, 'r')}
      where true ${this.scope(merchant, currency, 'r')}
      group by r.currency
      order by r.currency`;
    return rows.map((row) => ({ currency: String(row.currency), counters: countersOf(row) }));
  }

  async latency(
    merchant: MerchantScope,
    ranges: readonly GrainRange[],
    currency?: string,
  ): Promise<Histogram> {
    if (ranges.length === 0) return new Map();
    const rows = await this.sql<{ bucket: number; count: number }[]>`
      select l.bucket, sum(l.count)::bigint as count
      from analytics_latency l ${this.ranges(ranges, 'l')}
      where true ${this.scope(merchant, currency, 'l')}
      group by l.bucket`;
    return new Map(rows.map((r) => [r.bucket, r.count]));
  }

  async failureReasons(
    merchant: MerchantScope,
    ranges: readonly GrainRange[],
    currency?: string,
  ): Promise<Record<string, number>> {
    if (ranges.length === 0) return {};
    const rows = await this.sql<{ reason: string; count: number }[]>`
      select f.reason, sum(f.count)::bigint as count
      from analytics_failure_reasons f ${this.ranges(ranges, 'f')}
      where true ${this.scope(merchant, currency, 'f')}
      group by f.reason
      having sum(f.count) > 0
      order by count desc, f.reason`;
    return Object.fromEntries(rows.map((r) => [r.reason, r.count]));
  }

  async series(
    merchant: MerchantScope,
    range: GrainRange,
    options: { currency?: string; latency: boolean },
  ): Promise<SeriesPoint[]> {
    const sql = this.sql;
    const rows = await sql<Record<string, unknown>[]>`
      select r.period_start, ${sql.unsafe(SUM_COUNTERS)}
      from analytics_rollups r
      where r.grain = ${range.grain} and r.period_start >= ${range.from} and r.period_start < ${range.to}
        ${this.scope(merchant, options.currency, 'r')}
      group by r.period_start
      order by r.period_start`;
    const latency = new Map<number, Map<number, number>>();
    if (options.latency) {
      const buckets = await sql<{ period_start: Date; bucket: number; count: number }[]>`
        select l.period_start, l.bucket, sum(l.count)::bigint as count
        from analytics_latency l
        where l.grain = ${range.grain} and l.period_start >= ${range.from} and l.period_start < ${range.to}
          ${this.scope(merchant, options.currency, 'l')}
        group by l.period_start, l.bucket`;
      for (const b of buckets) {
        const t = b.period_start.getTime();
        if (!latency.has(t)) latency.set(t, new Map());
        latency.get(t)!.set(b.bucket, b.count);
      }
    }
    return rows.map((row) => {
      const periodStart = row.period_start as Date;
      return {
        periodStart,
        counters: countersOf(row),
        latency: latency.get(periodStart.getTime()) ?? new Map(),
      };
    });
  }

  async reviewQueueSize(merchant: MerchantScope): Promise<number> {
    const sql = this.sql;
    const [row] = await sql<{ count: number }[]>`
      select count(*)::bigint as count from payments
      where status in ('in_review', 'held')
        ${merchant === ALL_MERCHANTS ? sql`` : sql`and merchant_id = ${merchant}`}`;
    return row?.count ?? 0;
  }
}
