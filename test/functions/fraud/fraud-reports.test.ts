/**
 * POST /payments/{id}/fraud-reports through its Lambda handler on a real database: the label, its way into the
 * feature store, idempotency, merchant isolation and the problem answers.
 */
import { handler as decideReview } from '../../../functions/fraud/handlers/decide-review';
import { handler as reportFraud } from '../../../functions/fraud/handlers/report-fraud';
import { useSharedPublisher } from '../../../functions/shared/outbox/publisher';
import { useSharedSql } from '../../../functions/shared/db/connection';
import { call } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { RecordingPublisher } from '../../support/recording-publisher';
import { amountCodedModel, createPendingPayment, fraudHandler, TEST_THRESHOLDS } from './support';

let db: TestDatabase;
let merchants = 0;

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
  useSharedPublisher(new RecordingPublisher());
});
afterAll(async () => {
  useSharedPublisher(undefined);
  await db?.stop();
});

const freshMerchant = () => `merchant_f${++merchants}`;

function report(merchantId: string, paymentId: string, options: { body?: unknown; scopes?: string[] } = {}) {
  return call(reportFraud, 'POST', `/payments/${paymentId}/fraud-reports`, { merchantId, ...options });
}

async function scored(merchantId: string, amount = 10010) {
  const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount });
  const { deliver } = fraudHandler(db.sql, { model: amountCodedModel(), thresholds: TEST_THRESHOLDS });
  expect((await deliver([event])).batchItemFailures).toEqual([]);
  return payment.id;
}

async function terminalFrauds(paymentId: string): Promise<number | undefined> {
  const [row] = await db.sql<{ fraud_count: number }[]>`
    select t.fraud_count from fraud_terminal_hours t join fraud_assessments a
      on a.merchant_id = t.merchant_id and a.terminal_id = t.terminal_id and a.hour = t.hour
     where a.payment_id = ${paymentId}`;
  return row?.fraud_count;
}

it('labels a scored payment fraud and counts it in its buckets once, however often it is reported', async () => {
  const merchantId = freshMerchant();
  const id = await scored(merchantId);
  expect(await terminalFrauds(id)).toBe(0);
  const first = await report(merchantId, id);
  expect(first.status).toBe(200);
  expect(first.body).toEqual({
    object: 'fraud_label',
    paymentId: id,
    fraud: true,
    source: 'fraud-report',
    labelledAt: expect.any(String),
  });
  expect(await terminalFrauds(id)).toBe(1);
  const again = await report(merchantId, id, { body: {} });
  expect(again.status).toBe(200);
  expect(again.body).toEqual(first.body);
  expect(await terminalFrauds(id)).toBe(1);
});

it("a payment a reviewer already rejected keeps the reviewer's label", async () => {
  const merchantId = freshMerchant();
  const id = await scored(merchantId, 10085); // held
  const decided = await call(decideReview, 'POST', `/reviews/${id}/decision`, {
    merchantId,
    body: { decision: 'reject' },
    headers: { 'idempotency-key': `reject-${id}` },
  });
  expect(decided.status).toBe(200);
  const reported = await report(merchantId, id);
  expect(reported.status).toBe(200);
  expect(reported.body).toMatchObject({ source: 'review', fraud: true });
  expect(await terminalFrauds(id)).toBe(1);
});

it('a report that comes before the scoring is counted when the payment is scored', async () => {
  const merchantId = freshMerchant();
  const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount: 10010 });
  expect((await report(merchantId, payment.id)).status).toBe(200);
  const { deliver } = fraudHandler(db.sql, { model: amountCodedModel(), thresholds: TEST_THRESHOLDS });
  expect((await deliver([event])).batchItemFailures).toEqual([]);
  expect(await terminalFrauds(payment.id)).toBe(1);
});

it("another merchant's payment, an unknown id and a non-id are 404; a body, or the wrong scope, is refused", async () => {
  const merchantId = freshMerchant();
  const id = await scored(merchantId);
  for (const [merchant, paymentId] of [
    [freshMerchant(), id],
    [merchantId, '01a20eeb-4d1d-7463-bee8-92caa8b67bf4'],
    [merchantId, 'not-an-id'],
  ] as const) {
    const missing = await report(merchant, paymentId);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('application/problem+json');
    expect(missing.body).toMatchObject({ status: 404, type: 'https://rampay.dev/problems/not-found' });
  }
  const withBody = await report(merchantId, id, { body: { reason: 'chargeback' } });
  expect(withBody.status).toBe(400);
  expect(withBody.headers['content-type']).toBe('application/problem+json');
  expect((await report(merchantId, id, { scopes: ['reviews:read'] })).status).toBe(403);
  expect(await terminalFrauds(id)).toBe(0);
  const labels = await db.sql`select 1 from fraud_labels where payment_id = ${id}`;
  expect(labels).toHaveLength(0);
});
