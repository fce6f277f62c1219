/**
 * GET /local/analytics on the local platform: payments created as the dev merchant show in its figures, and
 * another merchant's do not.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEV_MERCHANT } from '../../../lib/local/dashboard';
import { startPlatform, type Platform } from '../../../lib/local/platform';
import { paymentRequest } from '../../support/api';
import { waitFor } from './wait';

let platform: Platform;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'rampay-dashboard-'));
  platform = await startPlatform({
    port: 0,
    dataDir,
    ephemeral: true,
    pollWaitSeconds: 1,
    embeddedEngine: 'pglite',
  });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function localAnalytics() {
  const token = await platform.issuer.issue({ merchantId: DEV_MERCHANT, scopes: ['analytics:read'] });
  const res = await fetch(`${platform.url}/local/analytics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as {
    merchant: string;
    summary: { counts: { created: number }; volume: { byCurrency: { currency: string; amount: number }[] } };
    lastHourByMinute: Record<string, { value: number | null }[]>;
  };
}

it("answers the token's merchant's figures and no other merchant's", async () => {
  const token = await platform.issuer.issue({ merchantId: DEV_MERCHANT, scopes: ['payments:write'] });
  for (const [i, amount] of [1200, 3400, 560, 7800].entries()) {
    const res = await fetch(`${platform.url}/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `d-${i}`,
      },
      body: JSON.stringify(paymentRequest({ amount, currency: i % 2 ? 'USD' : 'EUR' })),
    });
    expect(res.status).toBe(201);
  }
  // Another merchant's payment does not show on the dev merchant's page.
  const other = await platform.issuer.issue({ merchantId: 'merchant_elsewhere', scopes: ['payments:write'] });
  await fetch(`${platform.url}/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json', 'idempotency-key': 'x' },
    body: JSON.stringify(paymentRequest()),
  });
  await waitFor(async () => (await localAnalytics()).summary.counts.created === 4, 30_000);
  await waitFor(async () => {
    const [row] =
      await platform.sql`select count(*)::int as n from analytics_rollups where merchant_id = 'merchant_elsewhere'`;
    return row!.n > 0;
  }, 30_000);

  const figures = await localAnalytics();
  expect(figures.merchant).toBe(DEV_MERCHANT);
  expect(figures.summary.volume.byCurrency.map((c) => [c.currency, c.amount])).toEqual([
    ['EUR', 1760],
    ['USD', 11200],
  ]);
  const created = figures.lastHourByMinute.payments_created!.reduce((n, p) => n + (p.value ?? 0), 0);
  expect(created).toBe(4);
}, 90_000);
