/**
 * Folding events into the rollups through the analytics consumer as Lambda runs it (runtime, inbox, one
 * transaction per batch): idempotent, order-tolerant, late events in their own minute.
 */
import { PostgresAnalyticsReader } from '../../../functions/analytics/adapters/postgres-analytics-store';
import { bucketOf } from '../../../functions/analytics/histogram';
import { coveringRanges } from '../../../functions/analytics/ranges';
import { ALL_MERCHANTS } from '../../../functions/analytics/ports';
import { COUNTERS } from '../../../functions/analytics/rollup';
import type { AnyEventEnvelope } from '../../../functions/domain/events';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { analyticsHandler, deliver, event, payment, RecordingMetrics } from './fixtures';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db.stop();
});
beforeEach(async () => {
  await db.sql`truncate analytics_rollups, analytics_latency, analytics_failure_reasons, analytics_payments, analytics_pending, consumer_inbox`;
});

/** Every non-empty rollup row, latency bucket and failure reason, in a stable order: what the folds produced. */
async function snapshot() {
  const nonZero = COUNTERS.map((c) => `${c} <> 0`).join(' or ');
  const rollups = await db.sql.unsafe(
    `select merchant_id, grain, period_start, currency, ${COUNTERS.join(', ')} from analytics_rollups
     where ${nonZero} order by merchant_id, grain, period_start, currency`,
  );
  const latency = await db.sql`
    select merchant_id, grain, period_start, currency, bucket, count from analytics_latency
    where count <> 0 order by merchant_id, grain, period_start, currency, bucket`;
  const reasons = await db.sql`
    select merchant_id, grain, period_start, currency, reason, count from analytics_failure_reasons
    where count <> 0 order by merchant_id, grain, period_start, currency, reason`;
  return { rollups: [...rollups], latency: [...latency], reasons: [...reasons] };
}

async function minuteRow(merchant: string, minute: string, currency = 'EUR') {
  const [row] = await db.sql`
    select * from analytics_rollups
    where merchant_id = ${merchant} and grain = 'm' and period_start = ${new Date(minute)} and currency = ${currency}`;
  return row;
}

const T0 = '2026-11-24T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms);

it('counts a payment created and approved once, with its decision latency in the minute of the decision', async () => {
  const handler = analyticsHandler(db.sql);
  const p = payment({ amount: 2500 });
  const events = [event('PaymentCreated', p, at(0)), event('PaymentApproved', p, at(70_000))];
  await deliver(handler, events);

  expect(await minuteRow('merchant_a', T0)).toMatchObject({
    created_count: 1,
    created_amount: 2500,
    approved_count: 0,
  });
  expect(await minuteRow('merchant_a', '2026-11-24T10:01:00Z')).toMatchObject({
    created_count: 0,
    approved_count: 1,
    approved_amount: 2500,
    latency_count: 1,
    latency_sum_ms: 70_000,
  });
  const [bucket] = await db.sql`select bucket, count from analytics_latency where grain = 'm'`;
  expect(bucket).toEqual({ bucket: bucketOf(70_000), count: 1 });
});

it('is idempotent: a redelivered batch, and a redelivered event in a new batch, change nothing', async () => {
  const handler = analyticsHandler(db.sql);
  const p = payment();
  const events = [
    event('PaymentCreated', p, at(0)),
    event('PaymentApproved', p, at(300)),
    event('PaymentRefunded', p, at(60_000), { refund: { id: 'r1', amount: 400, currency: 'EUR' } }),
  ];
  await deliver(handler, events);
  const once = await snapshot();
  await deliver(handler, events);
  await deliver(handler, [events[1]!, events[0]!]);
  expect(await snapshot()).toEqual(once);
  expect(once.rollups.filter((r) => r.grain === 'd')).toEqual([
    expect.objectContaining({ created_count: 1, approved_count: 1, refunds_count: 1, refunded_amount: 400 }),
  ]);
});

it('tolerates any order: decisions before creation give the same rollups as the natural order', async () => {
  const inOrder = analyticsHandler(db.sql);
  const a = payment();
  const b = payment({ currency: 'JPY', amount: 5000 });
  const natural = [
    event('PaymentCreated', a, at(0)),
    event('PaymentApproved', a, at(1_200)),
    event('PaymentCreated', b, at(10_000)),
    event('AnomalyDetected', b, at(10_050), { action: 'hold' }),
    event('ReviewDecided', b, at(3_600_000), { decision: 'reject' }),
    event('PaymentFailed', b, at(3_600_010), { reason: 'rejected_by_reviewer' }),
  ];
  await deliver(inOrder, natural);
  const expected = await snapshot();

  await db.sql`truncate analytics_rollups, analytics_latency, analytics_failure_reasons, analytics_payments, analytics_pending, consumer_inbox`;
  await deliver(analyticsHandler(db.sql), [...natural].reverse());
  expect(await snapshot()).toEqual(expected);

  // b's first decision is the hold (50 ms), not the reviewer's failure an hour later.
  const latency =
    await db.sql`select bucket, count from analytics_latency where grain = 'd' and currency = 'JPY'`;
  expect([...latency]).toEqual([{ bucket: bucketOf(50), count: 1 }]);
  expect(expected.reasons.filter((r) => r.grain === 'd')).toEqual([
    expect.objectContaining({ currency: 'JPY', reason: 'rejected_by_reviewer', count: 1 }),
  ]);
});

it('moves the approval and the latency when an earlier decision arrives after a later one', async () => {
  const handler = analyticsHandler(db.sql);
  const p = payment();
  // Held by the model at 10:00:00.2, approved by a reviewer at 10:05; the hold arrives last.
  await deliver(handler, [event('PaymentCreated', p, at(0)), event('PaymentApproved', p, at(300_000))]);
  expect(await minuteRow('merchant_a', '2026-11-24T10:05:00Z')).toMatchObject({
    latency_count: 1,
    latency_sum_ms: 300_000,
  });
  await deliver(handler, [event('AnomalyDetected', p, at(200), { action: 'hold' })]);

  expect(await minuteRow('merchant_a', '2026-11-24T10:05:00Z')).toMatchObject({
    approved_count: 1,
    latency_count: 0,
    latency_sum_ms: 0,
  });
  expect(await minuteRow('merchant_a', T0)).toMatchObject({
    created_count: 1,
    held_count: 1,
    latency_count: 1,
    latency_sum_ms: 200,
  });
  const buckets = await db.sql`select bucket, count from analytics_latency where grain = 'h' and count <> 0`;
  expect([...buckets]).toEqual([{ bucket: bucketOf(200), count: 1 }]);

  // A second PaymentApproved for the same payment (a reviewer confirming) is not a second approval; an
  // earlier one arriving late moves the approval to its own minute.
  await deliver(handler, [event('PaymentApproved', p, at(600_000), { decidedBy: 'reviewer' })]);
  expect((await snapshot()).rollups.find((r) => r.grain === 'd')).toMatchObject({ approved_count: 1 });
  await deliver(handler, [event('PaymentApproved', p, at(100))]);
  expect(await minuteRow('merchant_a', T0)).toMatchObject({ approved_count: 1, latency_sum_ms: 100 });
  expect(await minuteRow('merchant_a', '2026-11-24T10:05:00Z')).toMatchObject({ approved_count: 0 });
});

it('counts a late event in the minute it occurred, at every grain', async () => {
  const handler = analyticsHandler(db.sql);
  await deliver(handler, [event('PaymentCreated', payment(), at(0))]);
  // Delivered long after: occurred yesterday at 23:59:30.
  await deliver(handler, [event('PaymentCreated', payment({ amount: 7 }), '2026-11-23T23:59:30Z')]);
  expect(await minuteRow('merchant_a', '2026-11-23T23:59:00Z')).toMatchObject({
    created_count: 1,
    created_amount: 7,
  });
  const days =
    await db.sql`select period_start, created_count from analytics_rollups where grain = 'd' order by 1`;
  expect([...days]).toEqual([
    { period_start: new Date('2026-11-23T00:00:00Z'), created_count: 1 },
    { period_start: new Date('2026-11-24T00:00:00Z'), created_count: 1 },
  ]);
  const hours = await db.sql`select period_start from analytics_rollups where grain = 'h' order by 1`;
  expect(hours.map((h) => h.period_start)).toEqual([
    new Date('2026-11-23T23:00:00Z'),
    new Date('2026-11-24T10:00:00Z'),
  ]);
});

it('converges to the same rollups for a random workload delivered shuffled and with duplicates', async () => {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const events: AnyEventEnvelope[] = [];
  for (let i = 0; i < 60; i++) {
    const p = payment({
      merchantId: random() < 0.5 ? 'merchant_a' : 'merchant_b',
      currency: random() < 0.7 ? 'EUR' : 'USD',
      amount: 100 + Math.floor(random() * 10_000),
    });
    const t = Math.floor(random() * 7_200_000);
    events.push(event('PaymentCreated', p, at(t)));
    const outcome = random();
    const decided = t + Math.floor(random() * 5_000);
    if (outcome < 0.6) events.push(event('PaymentApproved', p, at(decided)));
    else if (outcome < 0.8) {
      events.push(event('AnomalyDetected', p, at(decided), { action: 'decline' }));
      events.push(event('PaymentFailed', p, at(decided), { reason: 'fraud_suspected' }));
    } else {
      events.push(event('AnomalyDetected', p, at(decided), { action: 'hold' }));
      events.push(event('PaymentApproved', p, at(decided + 900_000), { decidedBy: 'reviewer' }));
    }
    if (outcome < 0.3) events.push(event('PaymentRefunded', p, at(decided + 120_000)));
  }
  await deliver(analyticsHandler(db.sql), events);
  const expected = await snapshot();

  await db.sql`truncate analytics_rollups, analytics_latency, analytics_failure_reasons, analytics_payments, analytics_pending, consumer_inbox`;
  const shuffled = [...events, ...events.filter(() => random() < 0.2)];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  await deliver(analyticsHandler(db.sql), shuffled);
  expect(await snapshot()).toEqual(expected);

  // Every grain adds up to the same totals, and the summary over the range sees them all.
  const reader = new PostgresAnalyticsReader(db.sql);
  const byGrain = await db.sql`
    select grain, sum(created_count)::bigint as created, sum(approved_count)::bigint as approved,
           sum(latency_count)::bigint as latency from analytics_rollups group by grain order by grain`;
  expect(new Set(byGrain.map((g) => JSON.stringify([g.created, g.approved, g.latency]))).size).toBe(1);
  expect(byGrain[0]).toMatchObject({ created: 60 });
  const totals = await reader.totals(
    ALL_MERCHANTS,
    coveringRanges(new Date('2026-11-24T09:00:00Z'), new Date('2026-11-25T00:00:00Z')),
  );
  expect(totals.reduce((n, t) => n + t.counters.created_count, 0)).toBe(60);
});

it('converges under concurrent consumers (three pollers at once), retrying what fails as SQS would', async () => {
  // On the server the batches really run in parallel and contend for the same rollup rows (lock waits, possibly
  // a deadlock victim that SQS redelivers); on embedded PGlite they serialize. The result must be the same.
  const events: AnyEventEnvelope[] = [];
  for (let i = 0; i < 90; i++) {
    const p = payment({ merchantId: i % 2 ? 'merchant_a' : 'merchant_b', currency: i % 3 ? 'EUR' : 'USD' });
    events.push(event('PaymentCreated', p, at(i * 1000)), event('PaymentApproved', p, at(i * 1000 + 30 + i)));
    if (i % 4 === 0) events.push(event('PaymentRefunded', p, at(i * 1000 + 60_000)));
  }
  await deliver(analyticsHandler(db.sql), events);
  const expected = await snapshot();
  await db.sql`truncate analytics_rollups, analytics_latency, analytics_failure_reasons, analytics_payments, analytics_pending, consumer_inbox`;

  const { sqsRecord } = await import('../shared/consumer/fixtures');
  const queue = [...events].reverse().concat(events.slice(0, 30));
  let retried = 0;
  await Promise.all(
    [0, 1, 2].map(async () => {
      const handler = analyticsHandler(db.sql);
      while (queue.length > 0) {
        if (retried > 500) throw new Error('records keep failing');
        const batch = queue.splice(0, 10);
        const records = batch.map((e) => sqsRecord(e));
        const result = await handler({ Records: records });
        const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
        records.forEach((r, i) => failed.has(r.messageId) && (retried++, queue.push(batch[i]!)));
      }
    }),
  );
  expect(await snapshot()).toEqual(expected);
});

it('publishes the business metrics of committed records only, once each', async () => {
  const metrics = new RecordingMetrics();
  const handler = analyticsHandler(db.sql, metrics);
  const p = payment({ amount: 900 });
  const created = event('PaymentCreated', p, at(0));
  await deliver(handler, [created, event('PaymentApproved', p, at(40)), event('PaymentRefunded', p, at(50))]);
  await deliver(handler, [created]);
  const merchant = { merchantId: p.merchantId, currency: 'EUR' };
  expect(metrics.recorded).toEqual([
    { metric: 'PaymentsCreated', value: 1, ...merchant },
    { metric: 'PaymentVolume', value: 900, ...merchant },
    { metric: 'PaymentsApproved', value: 1, ...merchant },
    { metric: 'DecisionLatency', value: 40, ...merchant },
    { metric: 'RefundedAmount', value: 900, ...merchant },
  ]);

  // A record that fails (not an envelope) reports nothing, and its batch neighbours still do.
  const { sqsRecord } = await import('../shared/consumer/fixtures');
  const result = await handler({
    Records: [sqsRecord('not json'), sqsRecord(event('PaymentCreated', payment(), at(1)))],
  });
  expect(result.batchItemFailures).toHaveLength(1);
  expect(metrics.recorded.filter((s) => s.metric === 'PaymentsCreated')).toHaveLength(2);
});

it('prunes the facts of payments decided long ago, and only those', async () => {
  const handler = analyticsHandler(db.sql);
  const old = payment();
  const recent = payment();
  await deliver(handler, [
    event('PaymentCreated', old, '2026-09-01T10:00:00Z'),
    event('PaymentApproved', old, '2026-09-01T10:00:01Z'),
    event('PaymentCreated', recent, at(0)),
  ]);
  const { PostgresRollupWriter } =
    await import('../../../functions/analytics/adapters/postgres-analytics-store');
  expect(await new PostgresRollupWriter().pruneFacts(db.sql, new Date('2026-10-25T00:00:00Z'))).toBe(1);
  const left = await db.sql`select payment_id from analytics_payments`;
  expect(left.map((r) => r.payment_id)).toEqual([recent.id]);
});
