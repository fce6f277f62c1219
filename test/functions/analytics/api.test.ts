/**
 * GET /analytics/summary and /analytics/timeseries through their Lambda handlers, on rollups folded by the real
 * consumer: figures, merchant isolation, admin scope, validation problems naming the field.
 */
import { handler as summaryHandler } from '../../../functions/analytics/handlers/summary';
import { handler as timeseriesHandler } from '../../../functions/analytics/handlers/timeseries';
import { bucketOf, RELATIVE_ERROR } from '../../../functions/analytics/histogram';
import { useSharedSql } from '../../../functions/shared/db/connection';
import type { AnyEventEnvelope } from '../../../functions/domain/events';
import { call } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { analyticsHandler, deliver, event, payment } from './fixtures';

let db: TestDatabase;
const T0 = Date.parse('2026-11-24T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const latencies: number[] = [];
const READ = ['analytics:read'];
const ADMIN = ['analytics:read', 'analytics:admin'];

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
  let seed = 3;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const events: AnyEventEnvelope[] = [];
  // merchant_a: 200 EUR payments over 10:00-13:20, 150 approved, 30 held then failed, 20 declined; 10 refunds.
  for (let i = 0; i < 200; i++) {
    const p = payment({ merchantId: 'merchant_a', amount: 1000 });
    const t = i * 60_000;
    const latency = Math.round(Math.exp(3 + random() * 6));
    latencies.push(latency);
    events.push(event('PaymentCreated', p, at(t)));
    if (i < 150) {
      events.push(event('PaymentApproved', p, at(t + latency)));
      if (i < 10)
        events.push(
          event('PaymentRefunded', p, at(t + 120_000), {
            refund: { id: `r${i}`, amount: 500, currency: 'EUR' },
          }),
        );
    } else if (i < 180) {
      events.push(event('AnomalyDetected', p, at(t + latency), { action: 'hold' }));
      events.push(event('PaymentFailed', p, at(t + 3_600_000), { reason: 'rejected_by_reviewer' }));
    } else {
      events.push(event('AnomalyDetected', p, at(t + latency), { action: 'decline' }));
      events.push(event('PaymentFailed', p, at(t + latency), { reason: 'fraud_suspected' }));
    }
  }
  // merchant_a also sells in JPY; merchant_b has its own payments.
  events.push(
    event('PaymentCreated', payment({ merchantId: 'merchant_a', currency: 'JPY', amount: 300 }), at(0)),
  );
  for (let i = 0; i < 5; i++) {
    events.push(
      event(
        'PaymentCreated',
        payment({ merchantId: 'merchant_b', currency: 'USD', amount: 99 }),
        at(i * 1000),
      ),
    );
  }
  await deliver(analyticsHandler(db.sql), events);
}, 180_000);
afterAll(async () => {
  await db.stop();
});

const RANGE = 'from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z';

it('summarises volume, counts, rates and decision latency percentiles', async () => {
  const res = await call(summaryHandler, 'GET', `/analytics/summary?${RANGE}`, { scopes: READ });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    object: 'analytics.summary',
    merchant: 'merchant_a',
    volume: {
      count: 201,
      byCurrency: [
        {
          currency: 'EUR',
          count: 200,
          amount: 200_000,
          approvedAmount: 150_000,
          refundedAmount: 5000,
          refundRate: 5000 / 150_000,
        },
        { currency: 'JPY', count: 1, amount: 300, approvedAmount: 0 },
      ],
    },
    counts: { created: 201, approved: 150, failed: 50, anomalies: 50, held: 30, declined: 20, refunds: 10 },
    failuresByReason: { rejected_by_reviewer: 30, fraud_suspected: 20 },
    rates: { approval: 150 / 201, fraud: 50 / 201, decline: 50 / 201, refund: 10 / 150 },
  });
  const sorted = [...latencies].sort((a, b) => a - b);
  const exact = (p: number) => sorted[Math.ceil(p * sorted.length) - 1]!;
  const got = res.body.decisionLatencyMs;
  expect(got.count).toBe(200);
  expect(got.mean).toBeCloseTo(latencies.reduce((s, x) => s + x, 0) / 200, 0);
  for (const [key, p] of [
    ['p50', 0.5],
    ['p95', 0.95],
    ['p99', 0.99],
  ] as const) {
    // Rounded to 0.1 ms in the response.
    expect(Math.abs(got[key] - exact(p))).toBeLessThanOrEqual(exact(p) * RELATIVE_ERROR + 0.05);
  }
});

it('narrows to one currency and to the minutes a range overlaps', async () => {
  const jpy = await call(summaryHandler, 'GET', `/analytics/summary?${RANGE}&currency=jpy`, { scopes: READ });
  expect(jpy.body).toMatchObject({
    currency: 'JPY',
    counts: { created: 1, approved: 0 },
    decisionLatencyMs: { count: 0, p50: null },
  });
  // 10:00:30 to 10:02:10 overlaps the minutes 10:00, 10:01 and 10:02: three EUR payments and the JPY one.
  const short = await call(
    summaryHandler,
    'GET',
    '/analytics/summary?from=2026-11-24T10:00:30Z&to=2026-11-24T10:02:10Z',
    {
      scopes: READ,
    },
  );
  expect(short.body).toMatchObject({
    from: '2026-11-24T10:00:00.000Z',
    to: '2026-11-24T10:03:00.000Z',
    counts: { created: 4 },
  });
});

it('shows a merchant only its own figures; analytics:admin may ask for another merchant or all', async () => {
  const b = await call(summaryHandler, 'GET', `/analytics/summary?${RANGE}`, {
    scopes: READ,
    merchantId: 'merchant_b',
  });
  expect(b.body).toMatchObject({
    merchant: 'merchant_b',
    counts: { created: 5 },
    volume: { byCurrency: [{ currency: 'USD', amount: 495 }] },
  });

  const peek = await call(summaryHandler, 'GET', `/analytics/summary?${RANGE}&merchant=merchant_b`, {
    scopes: READ,
  });
  expect(peek.status).toBe(403);
  expect(peek.body.detail).toMatch(/analytics:admin/);
  const all = await call(summaryHandler, 'GET', `/analytics/summary?${RANGE}&merchant=*`, { scopes: READ });
  expect(all.status).toBe(403);
  const series = await call(
    timeseriesHandler,
    'GET',
    `/analytics/timeseries?metric=payments_created&merchant=merchant_b`,
    {
      scopes: READ,
    },
  );
  expect(series.status).toBe(403);

  const asAdmin = await call(summaryHandler, 'GET', `/analytics/summary?${RANGE}&merchant=merchant_b`, {
    scopes: ADMIN,
  });
  expect(asAdmin.body).toMatchObject({ merchant: 'merchant_b', counts: { created: 5 } });
  const everyone = await call(summaryHandler, 'GET', `/analytics/summary?${RANGE}&merchant=*`, {
    scopes: ADMIN,
  });
  expect(everyone.body).toMatchObject({ merchant: '*', counts: { created: 206 } });

  const noScope = await call(summaryHandler, 'GET', `/analytics/summary?${RANGE}`, {
    scopes: ['payments:read'],
  });
  expect(noScope.status).toBe(403);
});

it('charts a metric per interval, empty periods included', async () => {
  const hourly = await call(
    timeseriesHandler,
    'GET',
    '/analytics/timeseries?metric=payments_created&interval=1h&from=2026-11-24T08:00:00Z&to=2026-11-24T14:00:00Z',
    { scopes: READ },
  );
  expect(hourly.status).toBe(200);
  expect(hourly.body.points).toEqual([
    { t: '2026-11-24T08:00:00.000Z', value: 0 },
    { t: '2026-11-24T09:00:00.000Z', value: 0 },
    { t: '2026-11-24T10:00:00.000Z', value: 61 },
    { t: '2026-11-24T11:00:00.000Z', value: 60 },
    { t: '2026-11-24T12:00:00.000Z', value: 60 },
    { t: '2026-11-24T13:00:00.000Z', value: 20 },
  ]);
  const volume = await call(
    timeseriesHandler,
    'GET',
    `/analytics/timeseries?metric=volume_amount&currency=EUR&interval=1d&${RANGE}`,
    { scopes: READ },
  );
  expect(volume.body.points).toEqual([{ t: '2026-11-24T00:00:00.000Z', value: 200_000 }]);
  const perMinute = await call(
    timeseriesHandler,
    'GET',
    '/analytics/timeseries?metric=decision_latency_p50&interval=1m&from=2026-11-24T10:00:00Z&to=2026-11-24T10:03:00Z',
    { scopes: READ },
  );
  expect(perMinute.body.points).toHaveLength(3);
  const first = perMinute.body.points[0].value;
  // Minute 10:00 holds the first payment's decision (if it took under a minute).
  if (latencies[0]! < 60_000)
    expect(Math.abs(first - latencies[0]!)).toBeLessThanOrEqual(latencies[0]! * RELATIVE_ERROR + 0.05);
  expect(bucketOf(first)).toBeGreaterThanOrEqual(0);
  const rate = await call(
    timeseriesHandler,
    'GET',
    `/analytics/timeseries?metric=approval_rate&interval=1d&${RANGE}`,
    { scopes: READ },
  );
  expect(rate.body.points[0].value).toBeCloseTo(150 / 201, 10);
});

describe('bad queries are 400 problems naming the field', () => {
  it.each([
    ['/analytics/summary?from=2026-11-24T10:00:00Z&to=2026-11-24T09:00:00Z', 'query.from'],
    ['/analytics/summary?from=2025-01-01T00:00:00Z&to=2026-11-24T00:00:00Z', 'query.to'],
    ['/analytics/summary?from=yesterday', 'query.from'],
    ['/analytics/summary?currency=XXX', 'query.currency'],
    ['/analytics/summary?merchant=a%20b', 'query.merchant'],
    ['/analytics/summary?form=2026-11-24T00:00:00Z', 'query'],
    ['/analytics/timeseries?metric=revenue', 'query.metric'],
    ['/analytics/timeseries', 'query.metric'],
    ['/analytics/timeseries?metric=payments_created&interval=5m', 'query.interval'],
    [
      '/analytics/timeseries?metric=payments_created&interval=1m&from=2026-11-01T00:00:00Z&to=2026-11-24T00:00:00Z',
      'query.interval',
    ],
    ['/analytics/timeseries?metric=refunded_amount', 'query.currency'],
    [
      '/analytics/timeseries?metric=payments_created&from=2026-11-24T10:00:00Z&to=2026-11-24T10:00:00Z',
      'query.from',
    ],
  ])('%s -> %s', async (url, field) => {
    const handler = url.startsWith('/analytics/summary') ? summaryHandler : timeseriesHandler;
    const res = await call(handler, 'GET', url, { scopes: READ });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});
