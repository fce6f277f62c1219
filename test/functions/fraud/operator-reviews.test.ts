/**
 * The fraud operators' review queue through its Lambda handlers on a real database: every merchant's open items
 * with their merchant, decisions recorded with the operator as reviewer, and a merchant's token refused.
 */
import { handler as decideOperatorReview } from '../../../functions/fraud/handlers/decide-operator-review';
import { handler as listOperatorReviews } from '../../../functions/fraud/handlers/list-operator-reviews';
import { useSharedPublisher } from '../../../functions/shared/outbox/publisher';
import { useSharedSql } from '../../../functions/shared/db/connection';
import { SCOPES } from '../../../functions/shared/http/auth';
import { call } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { RecordingPublisher } from '../../support/recording-publisher';
import { amountCodedModel, createPendingPayment, fraudHandler, TEST_THRESHOLDS } from './support';

let db: TestDatabase;
let publisher: RecordingPublisher;

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
});
afterAll(async () => {
  useSharedPublisher(undefined);
  await db?.stop();
});
beforeEach(() => {
  publisher = new RecordingPublisher();
  useSharedPublisher(publisher);
});

const OPERATOR = { merchantId: 'rampay_operations', subject: 'operator-ana', scopes: ['reviews:operate'] };
/** A merchant's staff: every scope but the operators'. */
const MERCHANT_SCOPES = SCOPES.filter((s) => s !== 'reviews:operate');

async function held(merchantId: string) {
  const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount: 10085 });
  const { deliver } = fraudHandler(db.sql, { model: amountCodedModel(), thresholds: TEST_THRESHOLDS });
  expect((await deliver([event])).batchItemFailures).toEqual([]);
  return payment.id;
}

async function queue(): Promise<{ paymentId: string; merchantId: string; allowedDecisions: string[] }[]> {
  const items = [];
  let after = '';
  for (;;) {
    const res = await call(listOperatorReviews, 'GET', `/operator/reviews?limit=2${after}`, OPERATOR);
    expect(res.status).toBe(200);
    items.push(...res.body.data);
    if (!res.body.hasMore) return items;
    after = `&starting_after=${res.body.data.at(-1).paymentId}`;
  }
}

it("lists every merchant's open reviews, each naming its merchant, a page at a time", async () => {
  const a = await held('merchant_op_a');
  const b = await held('merchant_op_b');
  const items = await queue();
  expect(items.map((i) => [i.paymentId, i.merchantId])).toEqual(
    expect.arrayContaining([
      [a, 'merchant_op_a'],
      [b, 'merchant_op_b'],
    ]),
  );
  expect(items.find((i) => i.paymentId === a)).toMatchObject({ allowedDecisions: ['approve', 'reject'] });
});

it("records the operator as the reviewer of a merchant's payment and moves the payment", async () => {
  const id = await held('merchant_op_c');
  const res = await call(decideOperatorReview, 'POST', `/operator/reviews/${id}/decision`, {
    ...OPERATOR,
    body: { decision: 'approve', note: 'customer called' },
    headers: { 'idempotency-key': 'op-1' },
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    merchantId: 'merchant_op_c',
    decision: 'approve',
    reviewer: 'operator-ana',
    note: 'customer called',
    payment: { status: 'approved' },
  });
  const [review] = await db.sql`select reviewer, merchant_id from fraud_reviews where payment_id = ${id}`;
  expect(review).toEqual({ reviewer: 'operator-ana', merchant_id: 'merchant_op_c' });
  expect((await queue()).map((i) => i.paymentId)).not.toContain(id);
});

it('answers 404 for a payment without a review', async () => {
  const res = await call(
    decideOperatorReview,
    'POST',
    '/operator/reviews/00000000-0000-4000-8000-000000000000/decision',
    { ...OPERATOR, body: { decision: 'approve' }, headers: { 'idempotency-key': 'op-2' } },
  );
  expect(res.status).toBe(404);
  expect(res.headers['content-type']).toBe('application/problem+json');
});

it("refuses a merchant's token, whatever other scopes it carries", async () => {
  const id = await held('merchant_op_d');
  const list = await call(listOperatorReviews, 'GET', '/operator/reviews', {
    merchantId: 'merchant_op_d',
    scopes: MERCHANT_SCOPES,
  });
  expect(list.status).toBe(403);
  const decision = await call(decideOperatorReview, 'POST', `/operator/reviews/${id}/decision`, {
    merchantId: 'merchant_op_d',
    scopes: MERCHANT_SCOPES,
    body: { decision: 'approve' },
    headers: { 'idempotency-key': 'op-3' },
  });
  expect(decision.status).toBe(403);
  const [payment] = await db.sql`select status from payments where id = ${id}`;
  expect(payment).toEqual({ status: 'held' });
});
