/**
 * Notifications end to end on the local platform: a payment created over HTTP for a customer with an e-mail
 * address and a phone number; its messages land in the mail sink (files under <dataDir>/outbox/, listed at
 * GET /local/notifications) and in the audit log (GET /payments/{id}/notifications).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../../functions/domain/events';
import { buildEvent } from '../../functions/shared/outbox/outbox';
import type { Platform } from '../../lib/local/platform';
import { paymentRequest } from '../support/api';
import { startTestPlatform } from '../support/platform';

let platform: Platform;
let token: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  token = await platform.issuer.issue({
    merchantId: 'merchant_notify',
    scopes: ['payments:read', 'payments:write', 'audit:read'],
  });
}, 60_000);
afterAll(() => platform?.stop());

async function get(url: string, auth: string | null = token) {
  const res = await fetch(`${platform.url}${url}`, {
    headers: auth ? { authorization: `Bearer ${auth}` } : {},
  });
  return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface SinkEntry {
  channel: string;
  to: string;
  template: string;
  subject?: string;
  text: string;
  html?: string;
}

it('a new payment reaches the customer through the mail sink, and the audit log shows it', async () => {
  const email = `e2e-${randomUUID().slice(0, 8)}@example.com`;
  const phone = '+447700900456';
  const res = await fetch(`${platform.url}/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': email,
    },
    body: JSON.stringify(
      paymentRequest({
        amount: 123456,
        currency: 'KWD',
        customer: { id: 'cus_e2e', email, phone, country: 'GB' },
        description: '<b>Order</b> & co',
      }),
    ),
  });
  expect(res.status).toBe(201);
  const payment = (await res.json()) as { id: string };

  // PaymentCreated: the "payment received" e-mail, with the amount formatted for KWD's three decimals.
  const sink = () => get('/local/notifications').then((r) => r.body.data as SinkEntry[]);
  const received = await eventually('the payment-received e-mail', async () =>
    (await sink()).find((m) => m.to === email && m.template === 'payment-received'),
  );
  expect(received.subject).toBe('We received your payment of KWD\u00a0123.456');
  expect(received.html).toContain('&lt;b&gt;Order&lt;/b&gt; &amp; co');
  const files = await readdir(path.join(platform.dataDir, 'outbox'));
  expect(files.some((f) => f.includes('-email-'))).toBe(true);

  // The decision brings the news worth an SMS. The test plays the fraud service's part and publishes an approval
  // to the local SNS topic, so that it does not depend on the model's score (if the fraud consumer runs too, its
  // own decision only adds messages).
  const [row] = await platform.sql<{ envelope: EventEnvelope<'PaymentCreated'> }[]>`
    select envelope from outbox where payment_id = ${payment.id} and type = 'PaymentCreated'`;
  const created = row!.envelope;
  const approval = buildEvent('PaymentApproved', {
    merchantId: created.merchantId,
    paymentId: created.paymentId,
    correlationId: created.correlationId,
    data: { payment: { ...created.data.payment, status: 'approved', version: 2 }, decidedBy: 'fraud-model' },
  });
  const published = await platform.messaging.publisher.publish([approval]);
  expect(published.failed).toEqual([]);
  const text = await eventually('the approval SMS to the customer', async () =>
    (await sink()).find((m) => m.to === phone && m.channel === 'sms' && m.template === 'payment-approved'),
  );
  expect(text.text).toMatch(/^RamPay: your payment of KWD\u00a0123\.456 to merchant_notify/);

  // The audit log: what was sent, to whom (masked), with the provider's message id.
  const audit = await eventually('the audit entries', async () => {
    const r = await get(`/payments/${payment.id}/notifications`);
    const data = r.body.data as Record<string, unknown>[];
    return data.some((n) => n.eventId === approval.id && n.channel === 'sms') ? data : undefined;
  });
  expect(audit.find((n) => n.eventType === 'PaymentCreated')).toMatchObject({
    eventType: 'PaymentCreated',
    channel: 'email',
    template: 'payment-received',
    status: 'sent',
    recipient: `e***@example.com`,
    provider: 'sink',
    providerMessageId: expect.stringMatching(/^sink-/),
    attempt: 1,
  });
  expect(audit.filter((n) => n.eventId === approval.id).map((n) => `${n.channel}:${n.status}`)).toEqual([
    'email:sent',
    'sms:sent',
  ]);
  expect(audit.find((n) => n.eventId === approval.id && n.channel === 'sms')).toMatchObject({
    recipient: '+44******456',
    template: 'payment-approved',
  });
  expect(JSON.stringify(audit)).not.toContain(email);

  // Another merchant cannot see it; a token without audit:read cannot read it.
  const stranger = await platform.issuer.issue({ merchantId: 'merchant_other', scopes: ['audit:read'] });
  expect((await get(`/payments/${payment.id}/notifications`, stranger)).status).toBe(404);
  const reader = await platform.issuer.issue({ merchantId: 'merchant_notify', scopes: ['payments:read'] });
  expect((await get(`/payments/${payment.id}/notifications`, reader)).status).toBe(403);
}, 60_000);
