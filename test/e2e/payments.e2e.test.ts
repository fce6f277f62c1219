/**
 * End to end over HTTP against the local platform (`npm start`'s server, started in process on a free port).
 */
import type { Platform } from '../../lib/local/platform';
import { paymentRequest } from '../support/api';
import { startTestPlatform } from '../support/platform';

let platform: Platform;
let token: string;

beforeAll(async () => {
  // This file is about the payments API, not fraud: the fraud consumer (which does run) approves every payment.
  platform = await startTestPlatform({
    FRAUD_THRESHOLDS: JSON.stringify({ review: 100, hold: 100, decline: 100 }),
  });
  token = await platform.issuer.issue({
    merchantId: 'merchant_e2e',
    scopes: ['payments:read', 'payments:write', 'refunds:write'],
  });
});
afterAll(() => platform.stop());

async function http(
  method: string,
  url: string,
  options: { body?: unknown; raw?: string; key?: string; auth?: string | null } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.auth !== null) headers.authorization = `Bearer ${options.auth ?? token}`;
  if (options.key) headers['idempotency-key'] = options.key;
  const res = await fetch(`${platform.url}${url}`, {
    method,
    headers,
    ...(options.raw !== undefined
      ? { body: options.raw }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    replayed: res.headers.get('idempotent-replayed'),
    body: text ? JSON.parse(text) : undefined,
  };
}

async function eventually(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('creates, replays, refunds, lists and shows the events of a payment over HTTP', async () => {
  const created = await http('POST', '/payments', {
    body: paymentRequest({ amount: 4200, currency: 'USD' }),
    key: 'e2e-1',
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ status: 'pending', amount: 4200, currency: 'USD' });

  const replay = await http('POST', '/payments', {
    body: paymentRequest({ amount: 4200, currency: 'USD' }),
    key: 'e2e-1',
  });
  expect(replay).toMatchObject({ status: 201, replayed: 'true' });
  expect(replay.body.id).toBe(created.body.id);
  const mismatch = await http('POST', '/payments', { body: paymentRequest({ amount: 1 }), key: 'e2e-1' });
  expect(mismatch.status).toBe(422);

  // The fraud consumer scores PaymentCreated (through the local SNS/SQS) and approves the payment.
  await eventually(
    async () => (await http('GET', `/payments/${created.body.id}`)).body.status === 'approved',
  );
  const refund = await http('POST', `/payments/${created.body.id}/refunds`, {
    body: { amount: 200 },
    key: 'e2e-r1',
  });
  expect(refund.status).toBe(201);
  expect(refund.body.payment).toMatchObject({ status: 'partially_refunded', amountRefundable: 4000 });

  const shown = await http('GET', `/payments/${created.body.id}`);
  expect(shown.body.refunds).toHaveLength(1);
  const list = await http('GET', '/payments?limit=1');
  expect(list.body.data[0].id).toBe(created.body.id);
  const events = await http('GET', `/events?payment_id=${created.body.id}`);
  expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
    'PaymentRefunded',
    'PaymentApproved',
    'PaymentCreated',
  ]);
  expect(shown.body.fraudAssessment).toMatchObject({ action: 'approve' });
});

it.each([
  ['malformed JSON', { raw: '{"amount":' }, 400],
  ['a fractional amount', { body: paymentRequest({ amount: 10.5 }) }, 400],
  ['an overflowing amount', { body: paymentRequest({ amount: 2 ** 60 }) }, 400],
  ['an unknown currency', { body: paymentRequest({ currency: 'ABC' }) }, 400],
  ['a bad e-mail', { body: paymentRequest({ customer: { id: 'c', email: 'a@' } }) }, 400],
  ['a bad phone', { body: paymentRequest({ customer: { id: 'c', phone: '12345' } }) }, 400],
  [
    'too much metadata',
    {
      body: paymentRequest({
        metadata: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v'])),
      }),
    },
    400,
  ],
  ['an oversize body', { body: paymentRequest({ description: 'x'.repeat(65 * 1024) }) }, 413],
])('answers %s with a problem, never a 500', async (_what, request, status) => {
  const res = await http('POST', '/payments', { ...request, key: `bad-${Math.random()}` });
  expect(res.status).toBe(status);
  expect(res.contentType).toBe('application/problem+json');
  expect(res.body.detail).toEqual(expect.any(String));
});

it('answers 401 for missing, forged and expired tokens, 403 for a missing scope, 404 for bad ids and routes', async () => {
  expect((await http('GET', '/payments', { auth: null })).status).toBe(401);
  expect((await http('GET', '/payments', { auth: `${token.slice(0, -4)}AAAA` })).status).toBe(401);
  const expired = await platform.issuer.issue({
    merchantId: 'merchant_e2e',
    scopes: ['payments:read'],
    ttl: -10,
  });
  const expiredRes = await http('GET', '/payments', { auth: expired });
  expect(expiredRes.status).toBe(401);
  expect(expiredRes.body.detail).toMatch(/expired/);
  const readOnly = await platform.issuer.issue({ merchantId: 'merchant_e2e', scopes: ['payments:read'] });
  expect(
    (await http('POST', '/payments', { auth: readOnly, body: paymentRequest(), key: 'ro' })).status,
  ).toBe(403);
  expect((await http('GET', '/payments/nope')).status).toBe(404);
  expect((await http('GET', '/payments?starting_after=bad')).status).toBe(400);
  expect((await http('GET', '/nowhere')).status).toBe(404);
  expect((await http('GET', '/health', { auth: null })).body).toEqual({
    status: 'ok',
    database: 'reachable',
  });
});

it('answers 404 for a path no route has and 405 for a route path with another method', async () => {
  const unknown = await http('GET', '/nowhere');
  expect(unknown.status).toBe(404);
  expect(unknown.body).toMatchObject({ status: 404, detail: 'no route GET /nowhere' });
  const otherMethod = await http('DELETE', '/payments/3f1b0c52-6a2e-4c1d-9d7e-2b8f4a6c0e91');
  expect(otherMethod.status).toBe(405);
  expect(otherMethod.body).toMatchObject({ status: 405, title: 'Method not allowed' });
});

it('serves the OpenAPI document generated from the request schemas', async () => {
  const res = await fetch(`${platform.url}/openapi.json`);
  const doc = (await res.json()) as {
    openapi: string;
    paths: Record<string, unknown>;
    components: { schemas: Record<string, unknown> };
  };
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/payments', '/payments/{id}', '/payments/{id}/refunds', '/events', '/health']),
  );
  expect(doc.components.schemas.CreatePaymentRequest).toMatchObject({
    required: expect.arrayContaining(['amount', 'currency']),
  });
});
