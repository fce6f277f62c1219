import { asyncCommit, type Queryable, type Sql } from '../../shared/db/client';
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
  toPeriodRows,
  type MinuteDelta,
  type Counted,
  type Counters,
  type PaymentFacts,
  type PaymentFactsUpdate,
  type PeriodRow,
} from '../rollup';

const ADD_COUNTERS = COUNTERS.map((c) => `${c} = analytics_rollups.${c} + excluded.${c}`).join(', ');
const COUNTER_LIST = COUNTERS.join(', ');
const ROLLUP_RECORD = [
  'merchant_id text',
  'grain text',
  'period_start timestamptz',
  'currency text',
  ...COUNTERS.map((c) => `${c} bigint`),
].join(', ');
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

  async appendDeltas(
    tx: Queryable,
    merchantId: string,
    deltas: readonly MinuteDelta[],
    counted?: { paymentId: string; counted: Counted },
  ): Promise<void> {
    const c = counted?.counted;
    const markCounted = c
      ? tx`with counted as (
          update analytics_payments
          set counted_approved_at = ${c.approvedAt}, counted_latency_at = ${c.latencyAt},
              counted_latency_ms = ${c.latencyMs}
          where payment_id = ${counted!.paymentId}
        )`
      : tx``;
    if (deltas.length === 0 && !c) return;
    await tx`
      ${markCounted}
      insert into analytics_pending (merchant_id, deltas)
      select ${merchantId}, ${deltas as never}::jsonb where ${deltas.length > 0}`;
  }

  async compact(sql: Sql, limit = 2000): Promise<number> {
    // No WAL flush wait at commit: should a crash lose this commit, it loses the delete of the pending rows with
    // the rollup updates (one transaction), and the next compaction moves them again.
    return sql.begin(async (tx) => {
      const taken = await tx<{ merchant_id: string; deltas: (MinuteDelta & { minute: string })[] }[]>`
        delete from analytics_pending using ${asyncCommit(tx)}
        where id in (select id from analytics_pending order by id limit ${limit} for update skip locked)
        returning merchant_id, deltas`;
      if (taken.length === 0) return 0;
      const rows = toPeriodRows(
        taken.map((t) => ({
          merchantId: t.merchant_id,
          deltas: t.deltas.map((d) => ({ ...d, minute: new Date(d.minute) })),
        })),
      );
      await this.applyRows(tx, rows);
      return taken.length;
    });
  }

  /**
   * Deletes the facts of payments whose latest known fact is older than `olderThan` (30 days back is safe, as for
   * the consumer inbox: no redelivery comes that late). Returns how many. For a housekeeping schedule.
   */
  async pruneFacts(sql: Sql, olderThan: Date): Promise<number> {
    const result = await sql`
      delete from analytics_payments
      where greatest(created_at, first_approved_at, first_decided_at) < ${olderThan}`;
    return result.count;
  }

  /** Adds the rows' changes to the rollups, the latency histogram and the failure reasons, in one statement. */
  private async applyRows(tx: Queryable, rows: readonly PeriodRow[]): Promise<void> {
    if (rows.length === 0) return;
    const key = (r: PeriodRow) => ({
      merchant_id: r.merchantId,
      grain: r.grain,
      period_start: r.periodStart,
      currency: r.currency,
    });
    const rollups = rows.map((r) => ({ ...key(r), ...r.counters }));
    const latency = rows.flatMap((r) =>
      [...r.latencyBuckets]
        .sort((a, b) => a[0] - b[0])
        .filter(([, n]) => n !== 0)
        .map(([bucket, count]) => ({ ...key(r), bucket, count })),
    );
    const reasons = rows.flatMap((r) =>
      [...r.failureReasons]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .filter(([, n]) => n !== 0)
        .map(([reason, count]) => ({ ...key(r), reason, count })),
    );
    // One statement: each table's rows travel as one JSON parameter, in key order (latency buckets and
    // reasons sorted within their row), so that concurrent compactions lock rows in the same order.
    const addLatency =
      latency.length > 0
        ? tx`latency as (
            insert into analytics_latency (merchant_id, grain, period_start, currency, bucket, count)
            select merchant_id, grain, period_start, currency, bucket, count
            from jsonb_to_recordset(${latency as never}::jsonb)
              as x(merchant_id text, grain text, period_start timestamptz, currency text, bucket smallint, count bigint)
            on conflict (merchant_id, grain, period_start, currency, bucket)
            do update set count = analytics_latency.count + excluded.count
          ),`
        : tx``;
    const addReasons =
      reasons.length > 0
        ? tx`reasons as (
            insert into analytics_failure_reasons (merchant_id, grain, period_start, currency, reason, count)
            select merchant_id, grain, period_start, currency, reason, count
            from jsonb_to_recordset(${reasons as never}::jsonb)
              as x(merchant_id text, grain text, period_start timestamptz, currency text, reason text, count bigint)
            on conflict (merchant_id, grain, period_start, currency, reason)
            do update set count = analytics_failure_reasons.count + excluded.count
          ),`
        : tx``;
    await tx`
      with ${addLatency} ${addReasons} parts_done as (select 1)
      insert into analytics_rollups (merchant_id, grain, period_start, currency, ${tx.unsafe(COUNTER_LIST)})
      select merchant_id, grain, period_start, currency, ${tx.unsafe(COUNTER_LIST)}
      from jsonb_to_recordset(${rollups as never}::jsonb) as x(${tx.unsafe(ROLLUP_RECORD)})
      on conflict (merchant_id, grain, period_start, currency) do update set ${tx.unsafe(ADD_COUNTERS)}`;
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

  /**
   * The rows of `table` in the ranges, for one merchant (or all) and currency (or all), as `alias`. A lateral
   * subquery per range, so each is one index range scan. `offset 0` keeps the planner from flattening it into a
   * plain join, which it runs as a hash join over every row of the merchant (100x slower over 30 days).
   */
  private rowsIn(
    table: string,
    alias: string,
    ranges: readonly GrainRange[],
    merchant: MerchantScope,
    currency: string | undefined,
  ) {
    const sql = this.sql;
    return sql`unnest(
        ${ranges.map((r) => r.grain)}::text[],
        ${ranges.map((r) => r.from.toISOString())}::timestamptz[],
        ${ranges.map((r) => r.to.toISOString())}::timestamptz[]
      ) as q(grain, lo, hi)
      cross join lateral (
        select * from ${sql(table)} x
        where x.grain = q.grain and x.period_start >= q.lo and x.period_start < q.hi
          ${this.scope(merchant, currency, 'x')}
        offset 0
      ) as ${sql(alias)}`;
  }

  async totals(
    merchant: MerchantScope,
    ranges: readonly GrainRange[],
    currency?: string,
  ): Promise<CurrencyTotals[]> {
    if (ranges.length === 0) return [];
    const rows = await this.sql<Record<string, unknown>[]>`
      select r.currency, ${this.sql.unsafe(SUM_COUNTERS)}
      from ${this.rowsIn('analytics_rollups', 'r', ranges, merchant, currency)}
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
      from ${this.rowsIn('analytics_latency', 'l', ranges, merchant, currency)}
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
      from ${this.rowsIn('analytics_failure_reasons', 'f', ranges, merchant, currency)}
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
