/**
 * Fraud detection end to end on the local platform (`npm start`'s server, in process): payments go through the
 * HTTP API, the outbox, the local SNS/SQS and the fraud consumer with the committed ONNX model; a reviewer
 * decides over HTTP. A card with a history of small payments makes one far above it: the payment is held, a
 * reviewer approves it, PaymentApproved follows.

 */
import type { Platform } from '../../lib/local/platform';
import { paymentRequest } from '../support/api';
import { startTestPlatform } from '../support/platform';

// This environment holds whatever scores from 40 up and never declines, so that the payment far above the card's
// history waits for a reviewer whatever high score the model gives it (its own recommended thresholds may
// decline it outright).
const THRESHOLDS = { review: 25, hold: 40, decline: 100 };

let platform: Platform;
let token: string;

beforeAll(async () => {
  platform = await startTestPlatform({ FRAUD_THRESHOLDS: JSON.stringify(THRESHOLDS) });
  token = await platform.issuer.issue({
    merchantId: 'merchant_fraud_e2e',
    subject: 'reviewer:ada',
    scopes: ['payments:read', 'payments:write', 'reviews:read', 'reviews:write'],
  });
});
afterAll(() => platform?.stop());

async function http(method: string, url: string, options: { body?: unknown; key?: string } = {}) {
  const res = await fetch(`${platform.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Polls `probe` until it returns something other than undefined (the consumers run asynchronously). */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function decided(paymentId: string): Promise<{ status: string }> {
  return until(`payment ${paymentId} to be scored`, async () => {
    const res = await http('GET', `/payments/${paymentId}`);
    return res.body.status === 'pending' ? undefined : res.body;
  });
}

const card = { type: 'card', fingerprint: 'fp_e2e_history', last4: '4242', brand: 'visa' };

it('holds a payment far above the card history; a reviewer approves it and PaymentApproved follows', async () => {
  expect(platform.consumers).toContain('fraud');
  for (let i = 0; i < 6; i++) {
    const small = await http('POST', '/payments', {
      body: paymentRequest({ amount: 2000, currency: 'EUR', paymentMethod: card, terminalId: 'e2e-shop' }),
      key: `small-${i}`,
    });
    expect(small.status).toBe(201);
    expect(await decided(small.body.id)).toMatchObject({ status: 'approved' });
  }

  const big = await http('POST', '/payments', {
    body: paymentRequest({ amount: 100000, currency: 'EUR', paymentMethod: card, terminalId: 'e2e-shop' }),
    key: 'big',
  });
  expect(big.status).toBe(201);
  const paymentId = big.body.id as string;
  expect(await decided(paymentId)).toMatchObject({ status: 'held' });

  const queue = await http('GET', '/reviews');
  expect(queue.status).toBe(200);
  const item = queue.body.data.find((r: { paymentId: string }) => r.paymentId === paymentId);
  expect(item).toMatchObject({
    kind: 'hold',
    status: 'open',
    allowedDecisions: ['approve', 'reject'],
    payment: { id: paymentId, status: 'held', amount: 100000 },
  });
  expect(item.score).toBeGreaterThanOrEqual(THRESHOLDS.hold);
  expect(item.reasons.join(' ')).toMatch(/50x this card's 30-day average/);

  const decision = await http('POST', `/reviews/${paymentId}/decision`, {
    body: { decision: 'approve', note: 'card holder confirmed by phone' },
    key: 'decide-big',
  });
  expect(decision.status).toBe(200);
  expect(decision.body).toMatchObject({
    decision: 'approve',
    reviewer: 'reviewer:ada',
    payment: { status: 'approved' },
  });

  const feed = await until('PaymentApproved in the event feed', async () => {
    const res = await http('GET', `/events?payment_id=${paymentId}`);
    const types = res.body.data.map((e: { type: string }) => e.type);
    return types.includes('PaymentApproved') ? types : undefined;
  });
  expect(feed).toEqual(['PaymentApproved', 'ReviewDecided', 'AnomalyDetected', 'PaymentCreated']);
  expect((await http('GET', `/payments/${paymentId}`)).body.status).toBe('approved');

  // Final: another decision is a conflict, and the queue no longer shows the item.
  const again = await http('POST', `/reviews/${paymentId}/decision`, {
    body: { decision: 'reject' },
    key: 'again',
  });
  expect(again.status).toBe(409);
  const after = await http('GET', '/reviews');
  expect(after.body.data.map((r: { paymentId: string }) => r.paymentId)).not.toContain(paymentId);
});
