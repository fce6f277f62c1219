/**
 * Analytics end to end on the local platform: payments created over HTTP flow through the outbox, the local
 * SNS/SQS and the analytics consumer into the rollups, and the summary and timeseries move.
 */
import type { Platform } from '../../lib/local/platform';
import { waitFor } from '../lib/local/wait';
import { paymentRequest } from '../support/api';
import { startTestPlatform } from '../support/platform';

let platform: Platform;

beforeAll(async () => {
  platform = await startTestPlatform();
}, 60_000);
afterAll(() => platform.stop());

async function get(url: string, token: string) {
  const res = await fetch(`${platform.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

it('moves the summary and the timeseries when payments are created', async () => {
  expect(platform.consumers).toContain('analytics');
  const merchant = await platform.issuer.issue({
    merchantId: 'merchant_analytics_e2e',
    scopes: ['payments:write', 'analytics:read'],
  });
  const other = await platform.issuer.issue({ merchantId: 'merchant_other', scopes: ['analytics:read'] });
  const before = await get('/analytics/summary', merchant);
  expect(before.status).toBe(200);
  expect(before.body.counts.created).toBe(0);

  for (const [i, amount] of [1500, 2500, 700].entries()) {
    const res = await fetch(`${platform.url}/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${merchant}`,
        'content-type': 'application/json',
        'idempotency-key': `a-${i}`,
      },
      body: JSON.stringify(paymentRequest({ amount, currency: i === 2 ? 'GBP' : 'EUR' })),
    });
    expect(res.status).toBe(201);
  }

  await waitFor(async () => (await get('/analytics/summary', merchant)).body.counts.created === 3, 30_000);
  const summary = await get('/analytics/summary', merchant);
  expect(summary.body).toMatchObject({
    merchant: 'merchant_analytics_e2e',
    volume: {
      count: 3,
      byCurrency: [
        { currency: 'EUR', count: 2, amount: 4000 },
        { currency: 'GBP', count: 1, amount: 700 },
      ],
    },
  });
  const series = await get('/analytics/timeseries?metric=payments_created&interval=1h', merchant);
  expect(series.status).toBe(200);
  expect(series.body.points.reduce((n: number, p: { value: number }) => n + p.value, 0)).toBe(3);

  // With the fraud consumer running, every payment gets its decision, and its latency is measured.
  if (platform.consumers.includes('fraud')) {
    const decided = (b: { counts: { approved: number; failed: number; held: number } }) =>
      b.counts.approved + b.counts.failed + b.counts.held;
    await waitFor(async () => decided((await get('/analytics/summary', merchant)).body) === 3, 30_000);
    const after = (await get('/analytics/summary', merchant)).body;
    expect(after.decisionLatencyMs.count).toBe(3);
    expect(after.decisionLatencyMs.p50).toBeGreaterThanOrEqual(0);
  }

  // Another merchant sees none of it, and cannot ask for it.
  expect((await get('/analytics/summary', other)).body.counts.created).toBe(0);
  expect((await get('/analytics/summary?merchant=merchant_analytics_e2e', other)).status).toBe(403);
  expect(
    (await get('/analytics/summary?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', other)).status,
  ).toBe(400);
}, 60_000);
