/**
 * Races: many callers at once with one Idempotency-Key, and many refunds of one payment at once. On the embedded
 * database the calls serialise; with DATABASE_URL they really run in parallel on a pool of connections.
 */
import { useSharedSql } from '../../../functions/shared/db/connection';
import { handler as createPayment } from '../../../functions/payments/handlers/create-payment';
import { handler as createRefund } from '../../../functions/payments/handlers/create-refund';
import { call, paymentRequest } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { mockSns } from '../../support/sns';

mockSns();
let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase({ max: 20 });
  useSharedSql(db.sql);
});
afterAll(() => db.stop());

async function approvedPayment(amount: number): Promise<string> {
  const res = await call(createPayment, 'POST', '/payments', {
    body: paymentRequest({ amount }),
    headers: { 'idempotency-key': `setup-${amount}-${Date.now()}` },
  });
  await db.sql`update payments set status = 'approved' where id = ${res.body.id}`;
  return res.body.id;
}

it('50 concurrent creates with one key make exactly one payment, and every success returns it', async () => {
  const key = `race-${Date.now()}`;
  const results = await Promise.all(
    Array.from({ length: 50 }, () =>
      call(createPayment, 'POST', '/payments', {
        body: paymentRequest({ amount: 777 }),
        headers: { 'idempotency-key': key },
      }),
    ),
  );
  const statuses = results.map((r) => r.status);
  expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
  const created = results.filter((r) => r.status === 201);
  expect(created.length).toBeGreaterThanOrEqual(1);
  expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
  for (const conflict of results.filter((r) => r.status === 409)) {
    expect(conflict.body.detail).toMatch(/still being processed/);
  }
  const rows = await db.sql`select id from payments where idempotency_key = ${key}`;
  expect(rows).toHaveLength(1);
  expect(rows[0]!.id).toBe(created[0]!.body.id);
  const events = await db.sql`select id from outbox where payment_id = ${rows[0]!.id}`;
  expect(events).toHaveLength(1);
  // Once the first has finished, a late retry replays it.
  const late = await call(createPayment, 'POST', '/payments', {
    body: paymentRequest({ amount: 777 }),
    headers: { 'idempotency-key': key },
  });
  expect(late.body.id).toBe(rows[0]!.id);
});

it('50 concurrent refunds that fit exactly all succeed, and the payment ends fully refunded', async () => {
  const paymentId = await approvedPayment(5000);
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      call(createRefund, 'POST', `/payments/${paymentId}/refunds`, {
        body: { amount: 100 },
        headers: { 'idempotency-key': `fit-${paymentId}-${i}` },
      }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
  const [payment] =
    await db.sql`select status, amount_refunded, version from payments where id = ${paymentId}`;
  expect(payment).toMatchObject({ status: 'refunded', amount_refunded: 5000, version: 51 });
  const [sum] = await db.sql<
    { total: number }[]
  >`select sum(amount)::bigint as total from refunds where payment_id = ${paymentId}`;
  expect(sum!.total).toBe(5000);
});

it('50 concurrent refunds that do not all fit never over-refund', async () => {
  const paymentId = await approvedPayment(5000);
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      call(createRefund, 'POST', `/payments/${paymentId}/refunds`, {
        body: { amount: 150 },
        headers: { 'idempotency-key': `over-${paymentId}-${i}` },
      }),
    ),
  );
  const ok = results.filter((r) => r.status === 201).length;
  const refused = results.filter((r) => r.status === 422);
  expect(ok).toBe(33);
  expect(refused).toHaveLength(17);
  for (const r of refused) expect(r.body.remainingRefundable).toBe(50);
  const [payment] = await db.sql`select status, amount_refunded from payments where id = ${paymentId}`;
  expect(payment).toMatchObject({ status: 'partially_refunded', amount_refunded: 4950 });
  const events =
    await db.sql`select count(*)::int as n from outbox where payment_id = ${paymentId} and type = 'PaymentRefunded'`;
  expect(events[0]!.n).toBe(33);
});
