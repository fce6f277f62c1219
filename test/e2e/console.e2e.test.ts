/**
 * The console in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) against the local
 * platform: dev sign-in, payments created through the API listed with amounts in major units, a partial refund
 * from a payment's page, a held payment decided from the merchant's review queue and another from the fraud
 * operators' queue, the analytics page, webhooks (the notification e-mail, an endpoint served by the test added
 * with its secret shown once, a payment's deliveries listed as delivered, redeliver, rotate, disable, enable,
 * delete), the API reference at /docs; no console errors, and usable 400 px wide.
 * Screenshots of the main pages go to test-output/console/ (git-ignored).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import type { Platform } from '../../lib/local/platform';
import { paymentRequest } from '../support/api';
import { launchChromium } from '../support/chromium';
import { startTestPlatform } from '../support/platform';
import { eventually, Receiver } from '../functions/webhooks/support';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'test-output', 'console');
// Every payment is held for a reviewer: the queue has work, and nothing is declined.
const THRESHOLDS = { review: 0, hold: 0, decline: 100 };
const MERCHANT = 'merchant_console';
const MERCHANT_SCOPES = [
  'payments:read',
  'payments:write',
  'refunds:write',
  'reviews:read',
  'reviews:write',
  'analytics:read',
  'audit:read',
  'webhooks:read',
  'webhooks:write',
  'settings:read',
  'settings:write',
];

let platform: Platform;
let browser: Browser;
let merchantToken: string;
let operatorToken: string;
const errors: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({ FRAUD_THRESHOLDS: JSON.stringify(THRESHOLDS) });
  merchantToken = await platform.issuer.issue({
    merchantId: MERCHANT,
    subject: 'staff:maria',
    scopes: MERCHANT_SCOPES,
  });
  operatorToken = await platform.issuer.issue({
    merchantId: 'rampay_operations',
    subject: 'operator:ana',
    scopes: ['reviews:operate'],
  });
  browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function api(token: string, method: string, url: string, body?: unknown) {
  const res = await fetch(`${platform.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(method === 'POST' ? { 'idempotency-key': `console-${Math.random()}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function heldPayment(amount: number, currency: string, customer: string): Promise<string> {
  const created = await api(
    merchantToken,
    'POST',
    '/payments',
    paymentRequest({ amount, currency, customer: { id: customer } }),
  );
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const deadline = Date.now() + 30_000;
  while ((await api(merchantToken, 'GET', `/payments/${id}`)).body.status !== 'held') {
    if (Date.now() > deadline) throw new Error(`payment ${id} was not held`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return id;
}

async function open(token: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('pageerror', (error) => errors.push(`${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${platform.url}/`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('main[data-ready="true"]');
  return page;
}

/** How the page itself formats an amount (the browser's locale), to compare with what it shows. */
const money = (page: Page, minor: number, currency: string) =>
  page.evaluate(
    ([m, c]) => {
      const format = new Intl.NumberFormat(undefined, { style: 'currency', currency: c as string });
      return format.format((m as number) / 10 ** format.resolvedOptions().maximumFractionDigits!);
    },
    [minor, currency] as const,
  );

const fitsWidth = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

it('signs in, lists, refunds, decides from both queues, and shows analytics without errors', async () => {
  const usd = await heldPayment(1250, 'USD', 'cus_usd');
  const jpy = await heldPayment(1500, 'JPY', 'cus_jpy');
  const kwd = await heldPayment(1234, 'KWD', 'cus_kwd');
  // The USD payment goes through so that it can be refunded.
  expect((await api(merchantToken, 'POST', `/reviews/${usd}/decision`, { decision: 'approve' })).status).toBe(
    200,
  );

  const page = await open(merchantToken);
  expect(await page.textContent('[data-testid=who]')).toBe(MERCHANT);
  // The operator view is hidden from merchant staff, and the API refuses it.
  expect(await page.locator('a[href="#/operator/reviews"]').count()).toBe(0);
  expect((await api(merchantToken, 'GET', '/operator/reviews')).status).toBe(403);

  // Payments: newest first, amounts in major units with each currency's decimals.
  await page.waitForSelector(`tr[data-payment-id="${usd}"]`);
  const rows = await page
    .locator('table.payments tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute('data-payment-id'), tr.querySelector('.amount')!.textContent]),
    );
  expect(rows).toEqual([
    [kwd, await money(page, 1234, 'KWD')],
    [jpy, await money(page, 1500, 'JPY')],
    [usd, await money(page, 1250, 'USD')],
  ]);
  await page.selectOption('select[aria-label=Status]', 'held');
  await page.waitForFunction(`document.querySelectorAll('table.payments tbody tr').length === 2`);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'payments.png'), fullPage: true });

  // Search by id opens the payment; refund part of it.
  await page.fill('input[aria-label="Payment id or customer id"]', usd);
  await page.click('form.filters button[type=submit]');
  await page.waitForSelector(`section.payment[data-payment-id="${usd}"]`);
  await page.fill('input[name=amount]', '5.00');
  await page.fill('input[name=reason]', 'damaged item');
  await page.click('form.refund button[type=submit]');
  await page.waitForSelector('.status-partially_refunded');
  expect(await page.textContent('dd.refunded')).toBe(await money(page, 500, 'USD'));
  const timeline = await page.textContent('ol.timeline');
  expect(timeline).toContain('Fraud assessment: score');
  expect(timeline).toContain('approve by staff:maria');
  // The refund and its event were committed together: the reloaded timeline shows it.
  await page.waitForFunction(`document.querySelector('ol.timeline').textContent.includes('Refunded')`);
  expect((await api(merchantToken, 'GET', `/payments/${usd}`)).body).toMatchObject({
    status: 'partially_refunded',
    amountRefunded: 500,
  });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'payment.png'), fullPage: true });

  // The merchant's review queue: reject the JPY payment with a note, one click.
  await page.click('a[href="#/reviews"]');
  const item = page.locator(`li.review[data-payment-id="${jpy}"]`);
  await item.locator('input[aria-label=Note]').fill('card reported stolen');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'reviews.png'), fullPage: true });
  await item.locator('button.decision-reject').click();
  await item.locator('.decided .status-failed').waitFor();
  expect((await api(merchantToken, 'GET', `/payments/${jpy}`)).body.status).toBe('failed');

  // Analytics: the flagged rate is named so; charts render.
  await page.click('a[href="#/analytics"]');
  await page.waitForSelector('[data-testid=created]');
  expect(await page.textContent('.cards')).toContain('Flagged rate');
  expect(await page.locator('figure.chart').count()).toBeGreaterThanOrEqual(7);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'analytics.png'), fullPage: true });

  // 400 px wide: nothing overflows sideways on the main pages.
  await page.setViewportSize({ width: 400, height: 800 });
  for (const route of ['#/payments', `#/payments/${usd}`, '#/reviews', '#/analytics']) {
    await page.goto(`${platform.url}/${route}`);
    await page.waitForSelector('main[data-ready="true"] h1');
    expect([route, await fitsWidth(page)]).toEqual([route, true]);
  }
  await page.goto(`${platform.url}/#/payments`);
  await page.waitForSelector(`tr[data-payment-id="${usd}"]`);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'payments-400px.png'), fullPage: true });
  await page.close();

  // A fraud operator: every merchant's queue; the decision records the operator.
  const operator = await open(operatorToken, 400);
  await operator.click('a[href="#/operator/reviews"]');
  const held = operator.locator(`li.review[data-payment-id="${kwd}"]`);
  expect(await held.locator('.merchant').textContent()).toContain(MERCHANT);
  await held.locator('input[aria-label=Note]').fill('verified with the customer');
  await operator.screenshot({ path: path.join(SCREENSHOTS, 'operator-queue-400px.png'), fullPage: true });
  await held.locator('button.decision-approve').click();
  await held.locator('.decided .status-approved').waitFor();
  expect(await held.locator('.decided').textContent()).toContain('operator:ana');
  expect(await fitsWidth(operator)).toBe(true);
  const [review] = await platform.sql`select reviewer, note from fraud_reviews where payment_id = ${kwd}`;
  expect(review).toEqual({ reviewer: 'operator:ana', note: 'verified with the customer' });
  await operator.close();

  expect(errors).toEqual([]);
}, 180_000);

it('manages webhook endpoints: add one, see a payment delivered to it, redeliver, rotate, disable, delete', async () => {
  const receiver = await new Receiver().start();
  try {
    const page = await open(merchantToken);
    await page.click('a[href="#/webhooks"]');
    await page.waitForSelector('section.webhooks h1');

    // The notification e-mail: saved through PUT /merchant/settings.
    await page.fill('input[name=notificationEmail]', 'payments-ops@console.example');
    await page.click('form.notification-email button[type=submit]');
    await page.waitForSelector('form.notification-email .ok');
    expect((await api(merchantToken, 'GET', '/merchant/settings')).body).toMatchObject({
      notificationEmail: 'payments-ops@console.example',
    });

    // An endpoint served by this test; its secret is shown once.
    const url = receiver.script('/console-hooks', [{ status: 200 }]);
    await page.fill('form.create-endpoint input[name=url]', url);
    await page.fill('form.create-endpoint input[name=description]', 'console test receiver');
    await page.click('form.create-endpoint button[type=submit]');
    const secret = (await page.textContent('[data-testid=secret]'))!;
    expect(secret).toMatch(/^whsec_/);
    const endpointId = (await page.getAttribute('.created', 'data-endpoint-id'))!;
    const row = page.locator(`table.endpoints tr[data-endpoint-id="${endpointId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('every payment event');
    expect(await row.locator('.status').textContent()).toBe('enabled');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'webhooks.png'), fullPage: true });

    // A payment: its PaymentCreated is listed as delivered, with its attempt and answer.
    const created = await api(
      merchantToken,
      'POST',
      '/payments',
      paymentRequest({ customer: { id: 'cus_hook' } }),
    );
    expect(created.status).toBe(201);
    await row.locator('a').click();
    await page.waitForSelector(`section.endpoint[data-endpoint-id="${endpointId}"]`);
    const [{ id: eventId }] = (
      await api(merchantToken, 'GET', `/events?payment_id=${created.body.id}&type=PaymentCreated`)
    ).body.data;
    const delivery = page.locator(`table.deliveries tr[data-event-id="${eventId}"]`);
    // The delivery log is read again at each click on Refresh.
    const refreshUntil = (what: string, done: () => Promise<boolean>) =>
      eventually(what, async () => {
        await page.click('button.refresh');
        return (await delivery.count()) > 0 && (await done()) ? true : undefined;
      });
    await refreshUntil(
      'the delivery listed as delivered',
      async () => (await delivery.locator('.status').textContent()) === 'delivered',
    );
    expect(await delivery.locator('.attempts').textContent()).toBe('1');
    expect(await delivery.locator('.last-answer').textContent()).toBe('HTTP 200');
    // What arrived is the event, signed with the secret the console showed.
    const received = receiver.at('/console-hooks').find((r) => r.headers['webhook-id'] === eventId)!;
    expect(
      new Webhook(secret).verify(received.body, {
        'webhook-id': String(received.headers['webhook-id']),
        'webhook-timestamp': String(received.headers['webhook-timestamp']),
        'webhook-signature': String(received.headers['webhook-signature']),
      }),
    ).toMatchObject({ id: eventId, type: 'PaymentCreated', paymentId: created.body.id });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'webhook-endpoint.png'), fullPage: true });

    // Redeliver: the same event arrives again, and the delivery shows its second attempt.
    await delivery.locator('button.redeliver').click();
    await eventually('the redelivery', async () =>
      receiver.at('/console-hooks').filter((r) => r.headers['webhook-id'] === eventId).length === 2
        ? true
        : undefined,
    );
    await refreshUntil(
      'the second attempt listed',
      async () => (await delivery.locator('.attempts').textContent()) === '2',
    );
    expect(await delivery.locator('.status').textContent()).toBe('delivered');

    // Rotate: a new secret, shown once; the previous one signs beside it for a day.
    await page.click('button.rotate');
    await page.waitForSelector('[data-testid=secret]');
    const rotated = (await page.textContent('[data-testid=secret]'))!;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.waitForSelector('text=Previous secret');

    // Disable and enable again.
    await page.click('button.disable');
    await page.waitForSelector('section.endpoint[data-status="disabled"]');
    expect(await page.textContent('section.endpoint .facts .status')).toBe('disabled by you');
    expect((await api(merchantToken, 'GET', `/webhook-endpoints/${endpointId}`)).body).toMatchObject({
      status: 'disabled',
      disabledReason: 'merchant',
    });
    await page.click('button.enable');
    await page.waitForSelector('section.endpoint[data-status="enabled"]');

    // 400 px wide: the webhooks pages fit too.
    await page.setViewportSize({ width: 400, height: 800 });
    for (const route of ['#/webhooks', `#/webhooks/${endpointId}`]) {
      await page.goto(`${platform.url}/${route}`);
      await page.waitForSelector('main[data-ready="true"] h1');
      expect([route, await fitsWidth(page)]).toEqual([route, true]);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'webhook-endpoint-400px.png'), fullPage: true });

    // Delete, after a second click: back to the list, and the API no longer knows it.
    await page.click('button.delete');
    await page.click('button.delete.danger');
    await page.waitForSelector('section.webhooks h1');
    expect(await page.locator(`table.endpoints tr[data-endpoint-id="${endpointId}"]`).count()).toBe(0);
    expect((await api(merchantToken, 'GET', `/webhook-endpoints/${endpointId}`)).status).toBe(404);
    await page.close();
    expect(errors).toEqual([]);
  } finally {
    await receiver.stop();
  }
}, 120_000);

it('serves the API reference at /docs from the OpenAPI document', async () => {
  const page = await browser.newPage();
  await page.goto(`${platform.url}/docs`);
  await page.waitForSelector('.swagger-ui .info .title');
  expect(await page.textContent('.swagger-ui .info .title')).toContain('RamPay');
  expect(await page.locator('.opblock-summary-path[data-path="/operator/reviews"]').count()).toBeGreaterThan(
    0,
  );
  await page.screenshot({ path: path.join(SCREENSHOTS, 'docs.png') });
  await page.close();
}, 60_000);
