/**
 * The manual review API through its Lambda handlers on a real database: the queue, each decision, finality,
 * decisions that do not fit, labels reaching the feature store, idempotency and merchant isolation.
 */
import type { AnyEventEnvelope } from '../../../functions/domain/events';
import { handler as decideReview } from '../../../functions/fraud/handlers/decide-review';
import { handler as listReviews } from '../../../functions/fraud/handlers/list-reviews';
import { useSharedPublisher } from '../../../functions/shared/outbox/publisher';
import { useSharedSql } from '../../../functions/shared/db/connection';
import { call } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { RecordingPublisher } from '../../support/recording-publisher';
import { amountCodedModel, createPendingPayment, fraudHandler, TEST_THRESHOLDS } from './support';

let db: TestDatabase;
let publisher: RecordingPublisher;
let merchants = 0;
let keys = 0;

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

const freshMerchant = () => `merchant_r${++merchants}`;
const newKey = () => `review-key-${++keys}`;

/** A payment scored by the consumer into `held` (amount ..85) or `in_review` (amount ..65). */
async function scored(merchantId: string, kind: 'hold' | 'review', createdAt?: string) {
  const { payment, event } = await createPendingPayment(db.sql, {
    merchantId,
    amount: kind === 'hold' ? 10085 : 10065,
    ...(createdAt ? { createdAt } : {}),
  });
  const { deliver } = fraudHandler(db.sql, { model: amountCodedModel(), thresholds: TEST_THRESHOLDS });
  expect((await deliver([event])).batchItemFailures).toEqual([]);
  return payment.id;
}

function decide(
  merchantId: string,
  paymentId: string,
  body: unknown,
  options: { key?: string | null; scopes?: string[] } = {},
) {
  const key = options.key === undefined ? newKey() : options.key;
  return call(decideReview, 'POST', `/reviews/${paymentId}/decision`, {
    body,
    merchantId,
    headers: key === null ? {} : { 'idempotency-key': key },
    ...(options.scopes ? { scopes: options.scopes } : {}),
  });
}

const list = (merchantId: string, query = '') => call(listReviews, 'GET', `/reviews${query}`, { merchantId });

async function state(paymentId: string) {
  const [payment] = await db.sql<{ status: string; amount_refunded: number; version: number }[]>`
    select status, amount_refunded, version from payments where id = ${paymentId}`;
  const [review] = await db.sql<{ decision: string | null; reviewer: string | null; note: string | null }[]>`
    select decision, reviewer, note from fraud_reviews where payment_id = ${paymentId}`;
  const [label] = await db.sql<{ fraud: boolean; source: string }[]>`
    select fraud, source from fraud_labels where payment_id = ${paymentId}`;
  const refunds = await db.sql<{ amount: number; reason: string }[]>`
    select amount, reason from refunds where payment_id = ${paymentId}`;
  const [terminal] = await db.sql<{ fraud_count: number }[]>`
    select t.fraud_count from fraud_terminal_hours t join fraud_assessments a
      on a.merchant_id = t.merchant_id and a.terminal_id = t.terminal_id and a.hour = t.hour
     where a.payment_id = ${paymentId}`;
  return { payment, review, label, refunds, terminalFrauds: terminal?.fraud_count };
}

const types = (events: AnyEventEnvelope[]) => events.map((e) => e.type);

describe('GET /reviews', () => {
  it('lists open items oldest first with payment, score and reasons, a page at a time', async () => {
    const merchantId = freshMerchant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await scored(merchantId, i % 2 === 0 ? 'hold' : 'review', `2026-05-0${i + 1}T10:00:00.000Z`));
    }
    const first = await list(merchantId, '?limit=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: 'list', hasMore: true });
    expect(first.body.data.map((r: { paymentId: string }) => r.paymentId)).toEqual(ids.slice(0, 2));
    expect(first.body.data[0]).toMatchObject({
      object: 'review',
      kind: 'hold',
      status: 'open',
      score: 85,
      modelVersion: 'stub-1',
      allowedDecisions: ['approve', 'reject'],
      payment: { id: ids[0], status: 'held', amount: 10085 },
    });
    expect(first.body.data[0].reasons.length).toBeGreaterThan(0);
    expect(first.body.data[1]).toMatchObject({ kind: 'review', allowedDecisions: ['confirm', 'fraud'] });

    const second = await list(merchantId, `?limit=2&starting_after=${ids[1]}`);
    expect(second.body.data.map((r: { paymentId: string }) => r.paymentId)).toEqual(ids.slice(2, 4));
    const last = await list(merchantId, `?limit=2&starting_after=${ids[3]}`);
    expect(last.body).toMatchObject({ hasMore: false });
    expect(last.body.data.map((r: { paymentId: string }) => r.paymentId)).toEqual([ids[4]]);

    // A decided item leaves the queue, and still works as a cursor.
    expect((await decide(merchantId, ids[0]!, { decision: 'approve' })).status).toBe(200);
    const after = await list(merchantId);
    expect(after.body.data.map((r: { paymentId: string }) => r.paymentId)).toEqual(ids.slice(1));
    const fromDecided = await list(merchantId, `?starting_after=${ids[0]}`);
    expect(fromDecided.body.data).toHaveLength(4);
  });

  it("shows only the caller's merchant's items, and rejects bad queries with a problem", async () => {
    const mine = freshMerchant();
    const theirs = freshMerchant();
    const theirId = await scored(theirs, 'hold');
    expect((await list(mine)).body.data).toEqual([]);
    const cursor = await list(mine, `?starting_after=${theirId}`);
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors[0].field).toBe('query.starting_after');
    expect((await list(mine, '?limit=0')).status).toBe(400);
    expect((await list(mine, '?colour=red')).status).toBe(400);
    const forbidden = await call(listReviews, 'GET', '/reviews', {
      merchantId: mine,
      scopes: ['payments:read'],
    });
    expect(forbidden.status).toBe(403);
  });
});

describe('POST /reviews/{paymentId}/decision', () => {
  it('approve: a held payment is approved; ReviewDecided then PaymentApproved; a genuine label', async () => {
    const merchantId = freshMerchant();
    const id = await scored(merchantId, 'hold');
    publisher.published.length = 0;
    const res = await decide(merchantId, id, { decision: 'approve', note: 'customer called' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'review',
      paymentId: id,
      status: 'decided',
      decision: 'approve',
      reviewer: 'tester',
      note: 'customer called',
      allowedDecisions: [],
      payment: { status: 'approved', version: 3 },
    });
    expect(types(publisher.published)).toEqual(['ReviewDecided', 'PaymentApproved']);
    expect(publisher.published[0]!.data).toMatchObject({
      decision: 'approve',
      reviewer: 'tester',
      note: 'customer called',
    });
    expect(publisher.published[1]!.data).toMatchObject({
      decidedBy: 'reviewer',
      payment: { status: 'approved' },
    });
    expect(await state(id)).toMatchObject({
      payment: { status: 'approved' },
      review: { decision: 'approve', reviewer: 'tester' },
      label: { fraud: false, source: 'review' },
      terminalFrauds: 0,
    });
  });

  it('reject: a held payment fails; ReviewDecided then PaymentFailed; the fraud label reaches the feature store', async () => {
    const merchantId = freshMerchant();
    const id = await scored(merchantId, 'hold');
    publisher.published.length = 0;
    const res = await decide(merchantId, id, { decision: 'reject' });
    expect(res.status).toBe(200);
    expect(res.body.payment.status).toBe('failed');
    expect(types(publisher.published)).toEqual(['ReviewDecided', 'PaymentFailed']);
    expect(await state(id)).toMatchObject({
      payment: { status: 'failed' },
      label: { fraud: true, source: 'review' },
      terminalFrauds: 1,
    });
  });

  it('confirm: a payment in review is approved with ReviewDecided alone (PaymentApproved went out already)', async () => {
    const merchantId = freshMerchant();
    const id = await scored(merchantId, 'review');
    publisher.published.length = 0;
    const res = await decide(merchantId, id, { decision: 'confirm' });
    expect(res.status).toBe(200);
    expect(res.body.payment.status).toBe('approved');
    expect(types(publisher.published)).toEqual(['ReviewDecided']);
    expect(await state(id)).toMatchObject({ label: { fraud: false }, terminalFrauds: 0 });
  });

  it('fraud: a payment in review is refunded in full (a refund row, PaymentRefunded) and labelled fraud', async () => {
    const merchantId = freshMerchant();
    const id = await scored(merchantId, 'review');
    publisher.published.length = 0;
    const res = await decide(merchantId, id, { decision: 'fraud' });
    expect(res.status).toBe(200);
    expect(res.body.payment).toMatchObject({
      status: 'refunded',
      amountRefunded: 10065,
      amountRefundable: 0,
    });
    expect(types(publisher.published)).toEqual(['ReviewDecided', 'PaymentRefunded']);
    expect(publisher.published[1]!.data).toMatchObject({ refund: { amount: 10065, currency: 'EUR' } });
    expect(await state(id)).toMatchObject({
      payment: { status: 'refunded', amount_refunded: 10065 },
      refunds: [{ amount: 10065, reason: 'fraudulent (manual review)' }],
      label: { fraud: true },
      terminalFrauds: 1,
    });
  });

  it('fraud after a partial refund by the merchant refunds what remains', async () => {
    const merchantId = freshMerchant();
    const id = await scored(merchantId, 'review');
    await db.sql`update payments set status = 'partially_refunded', amount_refunded = 65, version = version + 1
                  where id = ${id}`;
    const res = await decide(merchantId, id, { decision: 'fraud' });
    expect(res.status).toBe(200);
    expect(res.body.payment).toMatchObject({ status: 'refunded', amountRefunded: 10065 });
    expect((await state(id)).refunds).toEqual([{ amount: 10000, reason: 'fraudulent (manual review)' }]);
  });

  it('a decision is final: a second one (another key) is 409, and nothing changes', async () => {
    const merchantId = freshMerchant();
    const id = await scored(merchantId, 'hold');
    expect((await decide(merchantId, id, { decision: 'approve' })).status).toBe(200);
    const before = await state(id);
    publisher.published.length = 0;
    const again = await decide(merchantId, id, { decision: 'reject' });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toBe('application/problem+json');
    expect(again.body).toMatchObject({
      type: 'https://rampay.dev/problems/review-already-decided',
      decision: 'approve',
    });
    expect(again.body.detail).toMatch(/decided already \(approve by tester/);
    expect(await state(id)).toEqual(before);
    expect(publisher.published).toEqual([]);
  });

  it('two reviewers deciding at once: exactly one decision wins, the other is 409', async () => {
    const merchantId = freshMerchant();
    const id = await scored(merchantId, 'hold');
    publisher.published.length = 0;
    // On a server the two transactions really race for the review row's lock; embedded, they queue.
    const answers = await Promise.all([
      decide(merchantId, id, { decision: 'approve' }),
      decide(merchantId, id, { decision: 'reject' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!.body.decision;
    expect((await state(id)).review).toMatchObject({ decision: winner });
    expect(types(publisher.published).filter((t) => t === 'ReviewDecided')).toHaveLength(1);
  });

  it.each([
    ['hold', 'confirm', 'approve and reject'],
    ['hold', 'fraud', 'approve and reject'],
    ['review', 'approve', 'confirm and fraud'],
    ['review', 'reject', 'confirm and fraud'],
  ] as const)(
    'a %s item decided %s is 409 naming the decisions that fit (%s)',
    async (kind, decision, fit) => {
      const merchantId = freshMerchant();
      const id = await scored(merchantId, kind);
      const res = await decide(merchantId, id, { decision });
      expect(res.status).toBe(409);
      expect(res.body.type).toBe('https://rampay.dev/problems/review-decision-does-not-fit');
      expect(res.body.detail).toContain(`the decisions that fit are ${fit}`);
      expect(res.body.allowedDecisions).toEqual(fit.split(' and '));
      expect((await state(id)).review).toMatchObject({ decision: null });
    },
  );

  it("another merchant's review, a payment without a review, and a non-id are 404", async () => {
    const merchantId = freshMerchant();
    const id = await scored(merchantId, 'hold');
    expect((await decide(freshMerchant(), id, { decision: 'approve' })).status).toBe(404);
    const { payment } = await createPendingPayment(db.sql, { merchantId });
    expect((await decide(merchantId, payment.id, { decision: 'approve' })).status).toBe(404);
    expect((await decide(merchantId, 'not-a-uuid', { decision: 'approve' })).status).toBe(404);
    expect((await state(id)).review).toMatchObject({ decision: null });
  });

  it('validates the body, needs the Idempotency-Key and the reviews:write scope', async () => {
    const merchantId = freshMerchant();
    const id = await scored(merchantId, 'hold');
    const bad = await decide(merchantId, id, { decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'decision' });
    expect((await decide(merchantId, id, { decision: 'approve', extra: 1 })).status).toBe(400);
    expect((await decide(merchantId, id, { decision: 'approve', note: 'x'.repeat(1001) })).status).toBe(400);
    const noKey = await decide(merchantId, id, { decision: 'approve' }, { key: null });
    expect(noKey.status).toBe(400);
    expect(noKey.body.detail).toMatch(/Idempotency-Key/);
    expect((await decide(merchantId, id, { decision: 'approve' }, { scopes: ['reviews:read'] })).status).toBe(
      403,
    );
    expect((await state(id)).review).toMatchObject({ decision: null });
  });

  it('the same key and body replays the first answer; the same key with another body is 422', async () => {
    const merchantId = freshMerchant();
    const id = await scored(merchantId, 'hold');
    const first = await decide(merchantId, id, { decision: 'approve' }, { key: 'once' });
    const replay = await decide(merchantId, id, { decision: 'approve' }, { key: 'once' });
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const mismatch = await decide(merchantId, id, { decision: 'reject' }, { key: 'once' });
    expect(mismatch.status).toBe(422);
    expect((await state(id)).payment).toMatchObject({ status: 'approved' });
  });
});
