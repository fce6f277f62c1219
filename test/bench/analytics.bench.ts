/**
 * Analytics, measured on the PostgreSQL server (DATABASE_URL, else 127.0.0.1:5432; embedded PGlite only when no
 * server answers, and then the figures say so):
 * 1. folding: events per second through the analytics consumer as Lambda runs it (runtime, inbox, rollups at
 *    three grains, per-payment facts), batches of 10, beside a no-op consumer on the same runtime.
 *    Target: under 2 ms per event.
 * 2. summary query time over 30 days of rollups for a busy merchant (1.08 M payments simulated: the rollup rows
 *    are generated directly in SQL, with 40 quieter merchants beside it). Target: p99 under 50 ms.
 */
import { performance } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import {
  PostgresAnalyticsReader,
  PostgresRollupWriter,
} from '../../functions/analytics/adapters/postgres-analytics-store';
import { analyticsConsumer } from '../../functions/analytics/consumer';
import { bucketOf } from '../../functions/analytics/histogram';
import { summarize } from '../../functions/analytics/use-cases/summary';
import { ALL_MERCHANTS, type MerchantScope } from '../../functions/analytics/ports';
import type { AnyEventEnvelope } from '../../functions/domain/events';
import { defineConsumer } from '../../functions/shared/consumer/consumer';
import { consumerHandler, type SqsBatchHandler } from '../../functions/shared/consumer/runtime';
import { PAYMENT_EVENT_TYPES } from '../../functions/domain/events';
import { event, payment } from '../functions/analytics/fixtures';
import { RecordingPublisher, sqsRecord } from '../functions/shared/consumer/fixtures';
import type { TestDatabase } from '../support/database';
import { benchDatabase } from './support/database';
import { round, summarize as latencySummary } from './support/stats';

const FOLD_PAYMENTS = 1000;
const BATCH = 10;
const SUMMARY_RUNS = 300;
const BUSY = 'merchant_busy';
const DAYS = 30;

/** A realistic stream: every payment created, then approved (75 %), held (10 %) or declined; some refunds. */
function workload(): AnyEventEnvelope[] {
  const events: AnyEventEnvelope[] = [];
  const start = Date.now() - 3_600_000;
  for (let i = 0; i < FOLD_PAYMENTS; i++) {
    const p = payment({
      merchantId: `merchant_${i % 20}`,
      currency: i % 3 === 0 ? 'USD' : 'EUR',
      amount: 500 + i,
    });
    const t = start + i * 3_000;
    events.push(event('PaymentCreated', p, new Date(t)));
    const r = i % 20;
    if (r < 15) {
      events.push(event('PaymentApproved', p, new Date(t + 40 + r)));
      if (r === 0) events.push(event('PaymentRefunded', p, new Date(t + 60_000)));
    } else if (r < 17) {
      events.push(event('AnomalyDetected', p, new Date(t + 45), { action: 'hold' }));
    } else {
      events.push(event('AnomalyDetected', p, new Date(t + 45), { action: 'decline' }));
      events.push(event('PaymentFailed', p, new Date(t + 45), { reason: 'fraud_suspected' }));
    }
  }
  // Delivered in a shuffled order, as SQS would.
  for (let i = events.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [events[i], events[j]] = [events[j]!, events[i]!];
  }
  return events;
}

async function timeBatches(handler: SqsBatchHandler, events: AnyEventEnvelope[]): Promise<number[]> {
  const perEvent: number[] = [];
  for (let i = 0; i < events.length; i += BATCH) {
    const batch: SQSEvent = { Records: events.slice(i, i + BATCH).map((e) => sqsRecord(e)) };
    const t0 = performance.now();
    const result = await handler(batch);
    perEvent.push((performance.now() - t0) / batch.Records.length);
    if (result.batchItemFailures.length > 0) throw new Error('a benchmark record failed');
  }
  return perEvent;
}

async function folding(db: TestDatabase): Promise<Record<string, unknown>> {
  const deps = {
    sql: () => db.sql,
    publisher: () => new RecordingPublisher(),
    logger: new Logger({ serviceName: 'bench', logLevel: 'WARN' }),
  };
  // As Lambda runs it: runtime (inbox, batch transaction), then compaction into the rollups after the commit.
  const dependencies = {
    store: new PostgresRollupWriter(),
    metrics: { record: () => undefined, publish: () => undefined },
    pending: new Map(),
  };
  const fold = consumerHandler(analyticsConsumer, { ...deps, dependencies: () => dependencies });
  const noOp = consumerHandler(
    defineConsumer({ name: 'analytics', handles: PAYMENT_EVENT_TYPES, handle: async () => undefined }),
    deps,
  );
  await timeBatches(fold, workload().slice(0, 300));
  await timeBatches(noOp, workload().slice(0, 300));
  // Interleaved rounds, so that drift on a shared machine hits both alike.
  const events = workload();
  const rounds = 5;
  const per = Math.ceil(events.length / rounds);
  const foldMs: number[] = [];
  const noOpMs: number[] = [];
  let foldSeconds = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    foldMs.push(...(await timeBatches(fold, events.slice(r * per, (r + 1) * per))));
    foldSeconds += (performance.now() - t0) / 1000;
    noOpMs.push(...(await timeBatches(noOp, workload().slice(0, per))));
    console.log(`  folding: round ${r + 1}/${rounds}`);
  }
  const seconds = foldSeconds;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const sorted = [...foldMs].sort((a, b) => a - b);
  return {
    events: events.length,
    batchSize: BATCH,
    eventsPerSecond: round(events.length / seconds, 0),
    msPerEvent: {
      mean: round(mean(foldMs), 4),
      p50: round(sorted[Math.floor(sorted.length / 2)]!, 4),
      p99: round(sorted[Math.floor(sorted.length * 0.99)]!, 4),
    },
    noOpConsumerMsPerEvent: round(mean(noOpMs), 4),
    foldingAddsMsPerEvent: round(mean(foldMs) - mean(noOpMs), 4),
    targetMsPerEvent: 2,
    // Folding proper (rollup writes and compaction) beside what every consumer pays (inbox, savepoints, commit).
    foldingWithinTarget: mean(foldMs) - mean(noOpMs) < 2,
    totalWithinTarget: mean(foldMs) < 2,
  };
}

/**
 * 30 days of minute rollups for the busy merchant (EUR 20 and USD 5 payments a minute: 1.08 M payments) and
 * 40 quieter merchants (one minute in five), their hour and day rows, and a latency histogram of 6 buckets a
 * minute, all generated in SQL.
 */
export async function seedRollups(sql: TestDatabase['sql'], end: Date): Promise<Record<string, number>> {
  const start = new Date(end.getTime() - DAYS * 86_400_000);
  const buckets = [30, 45, 60, 90, 150, 400].map(bucketOf);
  await sql`truncate analytics_rollups, analytics_latency, analytics_failure_reasons, analytics_payments, analytics_pending`;
  await sql`
    insert into analytics_rollups (merchant_id, grain, period_start, currency, created_count, created_amount,
      approved_count, approved_amount, failed_count, failed_amount, anomalies_count, held_count, declined_count,
      refunds_count, refunded_amount, latency_count, latency_sum_ms)
    select m.merchant_id, 'm', t, c.currency, c.n, c.n * 1500, c.n - 2, (c.n - 2) * 1500, 2, 3000, 2, 1, 1,
           1, 700, c.n, c.n * 80
    from generate_series(${start}::timestamptz, ${end}::timestamptz - interval '1 minute', interval '1 minute') t
    cross join (values ('EUR', 20), ('USD', 5)) as c(currency, n)
    cross join (select ${BUSY}::text as merchant_id
                union all select 'merchant_' || g from generate_series(1, 40) g) m
    where m.merchant_id = ${BUSY} or (extract(minute from t)::int % 5 = 0 and c.currency = 'EUR')`;
  await sql`
    insert into analytics_latency (merchant_id, grain, period_start, currency, bucket, count)
    select r.merchant_id, 'm', r.period_start, r.currency, b.bucket, greatest(1, r.latency_count / 6)
    from analytics_rollups r cross join unnest(${buckets}::int[]) as b(bucket)
    where r.grain = 'm'`;
  for (const [grain, unit] of [
    ['h', 'hour'],
    ['d', 'day'],
  ] as const) {
    await sql.unsafe(`
      insert into analytics_rollups
      select merchant_id, '${grain}', date_trunc('${unit}', period_start, 'UTC'), currency,
        sum(created_count), sum(created_amount), sum(approved_count), sum(approved_amount), sum(failed_count),
        sum(failed_amount), sum(anomalies_count), sum(review_count), sum(held_count), sum(declined_count),
        sum(reviewed_count), sum(reviewed_fraud_count), sum(refunds_count), sum(refunded_amount),
        sum(latency_count), sum(latency_sum_ms)
      from analytics_rollups where grain = 'm' group by 1, 3, 4`);
    await sql.unsafe(`
      insert into analytics_latency
      select merchant_id, '${grain}', date_trunc('${unit}', period_start, 'UTC'), currency, bucket, sum(count)
      from analytics_latency where grain = 'm' group by 1, 3, 4, 5`);
  }
  await sql`analyze`;
  const [counts] = await sql`
    select (select count(*) from analytics_rollups)::bigint as rollup_rows,
           (select count(*) from analytics_latency)::bigint as latency_rows,
           (select sum(created_count) from analytics_rollups where grain = 'd' and merchant_id = ${BUSY})::bigint
             as busy_payments`;
  return {
    rollupRows: counts!.rollup_rows,
    latencyRows: counts!.latency_rows,
    busyMerchantPayments: counts!.busy_payments,
  };
}

async function summaryQueries(db: TestDatabase): Promise<Record<string, unknown>> {
  // Ragged ends (not on an hour) so every summary reads minutes, hours and days.
  const end = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
  console.log(`  seeding ${DAYS} days of rollups in SQL...`);
  const t0 = performance.now();
  const seeded = await seedRollups(db.sql, end);
  console.log(`  seeded in ${round((performance.now() - t0) / 1000, 1)} s: ${JSON.stringify(seeded)}`);
  const reader = new PostgresAnalyticsReader(db.sql);
  const to = new Date(end.getTime() - 17 * 60_000 - 3_600_000 * 5);
  const cases: { name: string; merchant: MerchantScope; currency?: string; from: Date }[] = [
    { name: '30 days, busy merchant', merchant: BUSY, from: new Date(to.getTime() - 29.6 * 86_400_000) },
    {
      name: '30 days, busy merchant, EUR only',
      merchant: BUSY,
      currency: 'EUR',
      from: new Date(to.getTime() - 29.6 * 86_400_000),
    },
    { name: '24 hours, busy merchant', merchant: BUSY, from: new Date(to.getTime() - 86_400_000) },
    {
      name: '30 days, every merchant (admin)',
      merchant: ALL_MERCHANTS,
      from: new Date(to.getTime() - 29.6 * 86_400_000),
    },
  ];
  const results: Record<string, unknown>[] = [];
  for (const c of cases) {
    const query = { from: c.from.toISOString(), to: to.toISOString(), currency: c.currency };
    const check = await summarize(reader, c.merchant, query, new Date());
    for (let i = 0; i < 20; i++) await summarize(reader, c.merchant, query, new Date());
    const samples: number[] = [];
    for (let i = 0; i < SUMMARY_RUNS; i++) {
      const s = performance.now();
      await summarize(reader, c.merchant, query, new Date());
      samples.push(performance.now() - s);
    }
    const stats = latencySummary(samples);
    results.push({ case: c.name, payments: check.counts.created, ...stats });
    console.log(
      `  ${c.name}: ${check.counts.created} payments, p50 ${stats.p50Ms} ms, p99 ${stats.p99Ms} ms (${SUMMARY_RUNS} runs)`,
    );
  }
  // For scale: the same 30 days summed from minute rows alone, as a rollup without hour and day grains would.
  const s = performance.now();
  await db.sql`
    select currency, sum(created_count)::bigint from analytics_rollups
    where merchant_id = ${BUSY} and grain = 'm' and period_start >= ${cases[0]!.from} and period_start < ${to}
    group by currency`;
  await db.sql`
    select bucket, sum(count)::bigint from analytics_latency
    where merchant_id = ${BUSY} and grain = 'm' and period_start >= ${cases[0]!.from} and period_start < ${to}
    group by bucket`;
  const minuteOnlyMs = round(performance.now() - s, 1);
  console.log(`  for scale, the same 30 days from minute rows only: ${minuteOnlyMs} ms (one run)`);
  const busy = results[0] as { p99Ms: number };
  return {
    seeded,
    cases: results,
    minuteRowsOnlyMs: minuteOnlyMs,
    targetP99Ms: 50,
    withinTarget: busy.p99Ms < 50,
  };
}

export default async function main(): Promise<Record<string, unknown>> {
  const db = await benchDatabase(4);
  try {
    const database = db.isServer ? 'PostgreSQL server' : 'embedded PGlite (no server answered)';
    console.log(`analytics on ${database}`);
    console.log(
      `folding: ${FOLD_PAYMENTS} payments' events (shuffled) through the consumer, batches of ${BATCH}`,
    );
    const fold = await folding(db);
    console.log(
      `  ${String(fold.eventsPerSecond)} events/s, ${JSON.stringify(fold.msPerEvent)} ms/event ` +
        `(no-op consumer ${String(fold.noOpConsumerMsPerEvent)}): folding adds ${String(fold.foldingAddsMsPerEvent)} ms/event; ` +
        `target < 2 ms: ${fold.foldingWithinTarget ? 'met' : 'NOT met'} for folding, ` +
        `${fold.totalWithinTarget ? 'met' : 'NOT met'} for the whole consumer`,
    );
    console.log('summary over 30 days of rollups');
    const summary = await summaryQueries(db);
    console.log(`  target p99 < 50 ms (30 days, busy merchant): ${summary.withinTarget ? 'met' : 'NOT met'}`);
    return { database, folding: fold, summary };
  } finally {
    await db.stop();
  }
}
