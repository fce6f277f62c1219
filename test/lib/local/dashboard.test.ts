/**
 * The local dashboard page at / in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * payments created as the dev merchant show in its summary cards and charts. Leaves a screenshot in
 * screenshots/ (git-ignored).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { DEV_MERCHANT } from '../../../lib/local/dashboard';
import { startPlatform, type Platform } from '../../../lib/local/platform';
import { paymentRequest } from '../../support/api';
import { waitFor } from './wait';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', '..', 'screenshots');
let platform: Platform;
let browser: Browser;
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
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function localAnalytics() {
  const token = await platform.issuer.issue({ merchantId: DEV_MERCHANT, scopes: ['analytics:read'] });
  const res = await fetch(`${platform.url}/local/analytics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as { summary: { counts: { created: number } }; reviewQueue: number };
}

it('shows the dev merchant payments in the summary and the charts', async () => {
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

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const dev = await platform.issuer.issue({ merchantId: DEV_MERCHANT, scopes: ['analytics:read'] });
  await page.goto(`${platform.url}/#token=${dev}`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });

  expect(await page.textContent('#merchant')).toBe(DEV_MERCHANT);
  expect(await page.textContent('#created')).toBe('4');
  expect(await page.textContent('#review-queue')).toBe(String((await localAnalytics()).reviewQueue));
  // Currency, payments, amount (approved and refunded depend on what the fraud consumer decides).
  const rows = await page
    .locator('#currencies tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent)),
    );
  expect(rows).toEqual([
    ['EUR', '2', '1760'],
    ['USD', '2', '11200'],
  ]);
  // The per-minute chart holds the four payments; the hourly one too.
  const charted = await page.evaluate(() => {
    const chart = (id: string) =>
      (
        globalThis as unknown as {
          Chart: {
            getChart(id: string): { data: { datasets: { label: string; data: (number | null)[] }[] } };
          };
        }
      ).Chart.getChart(id)!;
    const sum = (id: string, label: string) =>
      chart(id)
        .data.datasets.find((d) => d.label === label)!
        .data.reduce<number>((n, v) => n + (v ?? 0), 0);
    return { minutes: sum('minutes', 'created'), hours: sum('hours', 'created') };
  });
  expect(charted).toEqual({ minutes: 4, hours: 4 });
  const canvas = await page.locator('#minutes').boundingBox();
  expect(canvas!.width).toBeGreaterThan(300);
  expect(errors).toEqual([]);

  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
  await page.close();
}, 90_000);
