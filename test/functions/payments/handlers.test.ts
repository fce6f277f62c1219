import { useSharedSql } from '../../../functions/shared/db/connection';
import { handler as createPayment } from '../../../functions/payments/handlers/create-payment';
import { handler as createRefund } from '../../../functions/payments/handlers/create-refund';
import { handler as getPayment } from '../../../functions/payments/handlers/get-payment';
import { handler as health } from '../../../functions/payments/handlers/health';
import { handler as listEvents } from '../../../functions/payments/handlers/list-events';
import { handler as listPayments } from '../../../functions/payments/handlers/list-payments';
import { call, paymentRequest } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { mockSns, TEST_TOPIC_ARNS } from '../../support/sns';

const sns = mockSns();
let db: TestDatabase;
let keySeq = 0;
const newKey = () => `key-${Date.now()}-${++keySeq}`;

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
});
afterAll(() => db.stop());
beforeEach(() => sns.reset());

async function create(overrides: Record<string, unknown> = {}, merchantId = 'merchant_a') {
  const res = await call(createPayment, 'POST', '/payments', {
    body: paymentRequest(overrides),
    headers: { 'idempotency-key': newKey() },
    merchantId,
  });
  expect(res.status).toBe(201);
  return res.body;
}

async function approve(paymentId: string) {
  await db.sql`update payments set status = 'approved' where id = ${paymentId}`;
}

const count = async (table: 'payments' | 'refunds' | 'outbox') =>
  (await db.sql<{ n: number }[]>`select count(*)::int as n from ${db.sql(table)}`)[0]!.n;

describe('POST /payments', () => {
  it('creates a pending payment, stores its PaymentCreated event and publishes it after commit', async () => {
    const res = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest({ currency: 'jpy', amount: 5000 }),
      headers: { 'idempotency-key': newKey(), 'x-correlation-id': 'corr-123' },
    });
    expect(res.status).toBe(201);
    expect(res.headers['x-correlation-id']).toBe('corr-123');
    expect(res.body).toMatchObject({
      object: 'payment',
      status: 'pending',
      amount: 5000,
      currency: 'JPY',
      amountRefunded: 0,
      version: 1,
    });
    const [row] = await db.sql`select * from payments where id = ${res.body.id}`;
    expect(row).toMatchObject({
      merchant_id: 'merchant_a',
      amount: 5000,
      currency: 'JPY',
      card_fingerprint: 'fp_4242abcd',
    });
    const outbox =
      await db.sql`select type, correlation_id, exists (select 1 from outbox_pending where event_id = id) as pending
                      from outbox where payment_id = ${res.body.id}`;
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ type: 'PaymentCreated', correlation_id: 'corr-123' });
    expect(outbox[0]!.pending).toBe(false);
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]!.topicArn).toBe(TEST_TOPIC_ARNS.payments);
    expect(sns.types()).toEqual(['PaymentCreated']);
    expect(JSON.parse(sns.published[0]!.entry.Message!)).toMatchObject({
      type: 'PaymentCreated',
      paymentId: res.body.id,
    });
  });

  it('replays the first response for the same key and body, and refuses a different body with 422', async () => {
    const key = newKey();
    const first = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest(),
      headers: { 'idempotency-key': key },
    });
    const again = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest(),
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(first.headers['idempotent-replayed']).toBe('false');
    expect(again.headers['idempotent-replayed']).toBe('true');

    const other = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest({ amount: 999 }),
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toBe('application/problem+json');
    expect(other.body.detail).toMatch(/already used with a different request body/);

    // The mismatch did not erase the stored result: the honest retry still replays the first payment.
    const honest = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest(),
      headers: { 'idempotency-key': key },
    });
    expect(honest.status).toBe(201);
    expect(honest.body.id).toBe(first.body.id);
    const rows = await db.sql`select id from payments where idempotency_key = ${key}`;
    expect(rows).toHaveLength(1);
  });

  it('scopes idempotency keys per merchant', async () => {
    const key = newKey();
    const a = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest(),
      headers: { 'idempotency-key': key },
      merchantId: 'merchant_a',
    });
    const b = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest(),
      headers: { 'idempotency-key': key },
      merchantId: 'merchant_b',
    });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
  });

  const invalid: [string, Record<string, unknown>, string | RegExp][] = [
    ['a string amount', { amount: '1250' }, 'amount'],
    ['a zero amount', { amount: 0 }, 'amount'],
    ['a negative amount', { amount: -5 }, 'amount'],
    ['a fractional amount', { amount: 12.5 }, 'amount'],
    ['an overflowing amount', { amount: 1e15 }, 'amount'],
    ['an unknown currency', { currency: 'XXX' }, 'currency'],
    ['a malformed e-mail', { customer: { id: 'cus_1', email: 'not-an-email' } }, 'customer.email'],
    ['a phone that is not E.164', { customer: { id: 'cus_1', phone: '07700 900123' } }, 'customer.phone'],
    ['a missing customer', { customer: undefined }, 'customer'],
    [
      'a full card number as last4',
      { paymentMethod: { type: 'card', fingerprint: 'fp_4242abcd', last4: '4242424242424242' } },
      'paymentMethod.last4',
    ],
    [
      'too many metadata keys',
      { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
    ],
    [
      'a metadata key over 40 characters',
      { metadata: { ['k'.repeat(41)]: 'v' } },
      `metadata.${'k'.repeat(41)}`,
    ],
    ['a metadata value over 500 characters', { metadata: { k: 'v'.repeat(501) } }, 'metadata.k'],
    ['a non-string metadata value', { metadata: { k: 5 } }, 'metadata.k'],
    ['an unknown field', { ammount: 5 }, /Unrecognized key/],
  ];
  it.each(invalid)(
    'answers 400 naming the field for %s, and writes nothing',
    async (_what, overrides, field) => {
      const before = await count('payments');
      const res = await call(createPayment, 'POST', '/payments', {
        body: paymentRequest(overrides),
        headers: { 'idempotency-key': newKey() },
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, type: 'https://rampay.dev/problems/validation-error' });
      if (typeof field === 'string')
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      else expect(res.body.detail).toMatch(field);
      expect(await count('payments')).toBe(before);
      expect(sns.published).toHaveLength(0);
    },
  );

  it('answers 400 for malformed JSON, 413 for bodies over 64 KiB, 415 for other media types', async () => {
    const headers = { 'idempotency-key': newKey() };
    const malformed = await call(createPayment, 'POST', '/payments', { rawBody: '{"amount": 12', headers });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toMatch(/not valid JSON/);
    const huge = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest({ description: 'x'.repeat(70 * 1024) }),
      headers,
    });
    expect(huge.status).toBe(413);
    const xml = await call(createPayment, 'POST', '/payments', {
      rawBody: '<payment/>',
      headers: { ...headers, 'content-type': 'application/xml' },
    });
    expect(xml.status).toBe(415);
  });

  it('requires an Idempotency-Key', async () => {
    const res = await call(createPayment, 'POST', '/payments', { body: paymentRequest() });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/Idempotency-Key header is required/);
  });

  it('answers 401 without a token and 403 without the scope', async () => {
    const anonymous = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest(),
      anonymous: true,
      headers: { 'idempotency-key': newKey() },
    });
    expect(anonymous.status).toBe(401);
    const readOnly = await call(createPayment, 'POST', '/payments', {
      body: paymentRequest(),
      scopes: ['payments:read'],
      headers: { 'idempotency-key': newKey() },
    });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.detail).toMatch(/payments:write/);
  });
});

describe('GET /payments/{id}', () => {
  it("shows the merchant's payment with its refunds, and hides it from other merchants", async () => {
    const payment = await create();
    await approve(payment.id);
    await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: { amount: 250 },
      headers: { 'idempotency-key': newKey() },
    });
    const mine = await call(getPayment, 'GET', `/payments/${payment.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      id: payment.id,
      status: 'partially_refunded',
      amountRefunded: 250,
      amountRefundable: 1000,
    });
    expect(mine.body.refunds).toEqual([
      expect.objectContaining({ object: 'refund', amount: 250, currency: 'EUR' }),
    ]);
    const theirs = await call(getPayment, 'GET', `/payments/${payment.id}`, { merchantId: 'merchant_b' });
    expect(theirs.status).toBe(404);
    expect((await call(getPayment, 'GET', '/payments/not-a-uuid')).status).toBe(404);
    expect((await call(getPayment, 'GET', '/payments/01a20eeb-4d1d-7463-bee8-000000000000')).status).toBe(
      404,
    );
  });
});

describe('GET /payments', () => {
  it('pages newest first with starting_after and filters by status, customer and creation time', async () => {
    const merchantId = 'merchant_list';
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await create({ customer: { id: i % 2 ? 'cus_odd' : 'cus_even' } }, merchantId)).id);
    await approve(ids[0]!);

    const first = await call(listPayments, 'GET', '/payments?limit=2', { merchantId });
    expect(first.status).toBe(200);
    expect(first.body.data.map((p: { id: string }) => p.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.hasMore).toBe(true);
    const second = await call(listPayments, 'GET', `/payments?limit=2&starting_after=${ids[3]}`, {
      merchantId,
    });
    expect(second.body.data.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    const last = await call(listPayments, 'GET', `/payments?limit=2&starting_after=${ids[1]}`, {
      merchantId,
    });
    expect(last.body).toMatchObject({ hasMore: false, data: [expect.objectContaining({ id: ids[0] })] });

    const approved = await call(listPayments, 'GET', '/payments?status=approved', { merchantId });
    expect(approved.body.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    const odd = await call(listPayments, 'GET', '/payments?customer=cus_odd', { merchantId });
    expect(odd.body.data.map((p: { id: string }) => p.id)).toEqual([ids[3], ids[1]]);
    const future = await call(listPayments, 'GET', '/payments?created_gte=2999-01-01T00:00:00Z', {
      merchantId,
    });
    expect(future.body.data).toEqual([]);
    const other = await call(listPayments, 'GET', '/payments', { merchantId: 'merchant_nobody' });
    expect(other.body.data).toEqual([]);
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=ten', 'query.limit'],
    ['status=lost', 'query.status'],
    ['starting_after=nope', 'query.starting_after'],
    ['starting_after=01a20eeb-4d1d-7463-bee8-000000000000', 'query.starting_after'],
    ['created_gte=yesterday', 'query.created_gte'],
    ['created_gte=2026-02-01T00:00:00Z&created_lt=2026-01-01T00:00:00Z', 'query.created_gte'],
    ['colour=blue', 'query'],
  ])('answers 400 for %s', async (query, field) => {
    const res = await call(listPayments, 'GET', `/payments?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('POST /payments/{id}/refunds', () => {
  it('refunds in parts, then the rest, and refuses what does not fit with the remaining amount', async () => {
    const payment = await create({ amount: 1000, currency: 'KWD' });
    const pending = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: {},
      headers: { 'idempotency-key': newKey() },
    });
    expect(pending.status).toBe(409);
    expect(pending.body.detail).toMatch(/is pending; only approved, in_review, partially_refunded/);

    await approve(payment.id);
    sns.reset();
    const part = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: { amount: 300, reason: 'damaged' },
      headers: { 'idempotency-key': newKey() },
    });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ object: 'refund', amount: 300, currency: 'KWD', reason: 'damaged' });
    expect(part.body.payment).toMatchObject({
      status: 'partially_refunded',
      amountRefunded: 300,
      amountRefundable: 700,
      version: 2,
    });
    expect(sns.types()).toEqual(['PaymentRefunded']);

    const tooMuch = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: { amount: 701 },
      headers: { 'idempotency-key': newKey() },
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.detail).toMatch(/0\.700 KWD \(700 minor units\)/);
    expect(tooMuch.body.remainingRefundable).toBe(700);

    const rest = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: {},
      headers: { 'idempotency-key': newKey() },
    });
    expect(rest.status).toBe(201);
    expect(rest.body.amount).toBe(700);
    expect(rest.body.payment).toMatchObject({
      status: 'refunded',
      amountRefunded: 1000,
      amountRefundable: 0,
    });

    const after = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: { amount: 1 },
      headers: { 'idempotency-key': newKey() },
    });
    expect(after.status).toBe(409);
    const refunds =
      await db.sql`select amount from refunds where payment_id = ${payment.id} order by created_at`;
    expect(refunds.map((r) => r.amount)).toEqual([300, 700]);
  });

  it('replays a refund for the same key and never refunds twice', async () => {
    const payment = await create({ amount: 1000 });
    await approve(payment.id);
    const key = newKey();
    const first = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: { amount: 100 },
      headers: { 'idempotency-key': key },
    });
    const again = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: { amount: 100 },
      headers: { 'idempotency-key': key },
    });
    expect(again.body).toEqual(first.body);
    const different = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: { amount: 200 },
      headers: { 'idempotency-key': key },
    });
    expect(different.status).toBe(422);
    const [row] = await db.sql`select amount_refunded from payments where id = ${payment.id}`;
    expect(row!.amount_refunded).toBe(100);
  });

  it("answers 404 for another merchant's payment and 400 for a bad amount", async () => {
    const payment = await create();
    await approve(payment.id);
    const theirs = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: {},
      merchantId: 'merchant_b',
      headers: { 'idempotency-key': newKey() },
    });
    expect(theirs.status).toBe(404);
    const bad = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: { amount: 0.5 },
      headers: { 'idempotency-key': newKey() },
    });
    expect(bad.status).toBe(400);
    const scopeless = await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: {},
      scopes: ['payments:write'],
      headers: { 'idempotency-key': newKey() },
    });
    expect(scopeless.status).toBe(403);
  });
});

describe('GET /events', () => {
  it("lists the merchant's events newest first with cursor pagination and filters", async () => {
    const merchantId = 'merchant_events';
    const payment = await create({}, merchantId);
    await approve(payment.id);
    await call(createRefund, 'POST', `/payments/${payment.id}/refunds`, {
      body: { amount: 50 },
      merchantId,
      headers: { 'idempotency-key': newKey() },
    });
    const page1 = await call(listEvents, 'GET', '/events?limit=1', { merchantId });
    expect(page1.body.data.map((e: { type: string }) => e.type)).toEqual(['PaymentRefunded']);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await call(listEvents, 'GET', `/events?limit=1&starting_after=${page1.body.data[0].id}`, {
      merchantId,
    });
    expect(page2.body.data.map((e: { type: string }) => e.type)).toEqual(['PaymentCreated']);
    expect(page2.body.hasMore).toBe(false);
    const created = await call(listEvents, 'GET', `/events?type=PaymentCreated&payment_id=${payment.id}`, {
      merchantId,
    });
    expect(created.body.data).toHaveLength(1);
    expect((await call(listEvents, 'GET', '/events', { merchantId: 'merchant_nobody' })).body.data).toEqual(
      [],
    );
    expect((await call(listEvents, 'GET', '/events?type=Bogus', { merchantId })).status).toBe(400);
    expect(
      (await call(listEvents, 'GET', `/events?starting_after=${payment.id}`, { merchantId })).status,
    ).toBe(400);
  });
});

describe('GET /health', () => {
  it('reports the database reachable, without a token', async () => {
    const res = await call(health, 'GET', '/health', { anonymous: true });
    expect(res).toMatchObject({ status: 200, body: { status: 'ok', database: 'reachable' } });
  });
});
