/**
 * The fraud consumer's two calls per payment (migration 0010): fraud_lock_for_scoring (inbox claim, payment lock,
 * window sums) and fraud_save_assessment (assessment, review, transition, events, buckets), through the session
 * that calls them.
 */
import type { Payment } from '../../../../functions/domain/payment';
import { PostgresFraudSession } from '../../../../functions/fraud/adapters/postgres-fraud-store';
import { cardWindows, hourIndex } from '../../../../functions/fraud/features';
import type { Assessment } from '../../../../functions/fraud/ports';
import { buildEvent } from '../../../../functions/outbox/outbox';
import { ConcurrentUpdateError } from '../../../../functions/payments/adapters/postgres-payment-store';
import { snapshotOf } from '../../../../functions/payments/snapshot';
import { recordingClient, startTestDatabase, type TestDatabase } from '../../../support/database';
import { createPendingPayment } from '../support';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const NOW = Date.parse('2026-06-30T00:00:00.000Z');

function assessmentOf(payment: Payment, overrides: Partial<Assessment> = {}): Assessment {
  return {
    paymentId: payment.id,
    merchantId: payment.merchantId,
    eventId: '01a20eeb-4d1d-7463-bee8-00000000abcd',
    modelVersion: 'test',
    probability: 0.85,
    score: 85,
    action: 'hold',
    applied: true,
    thresholds: { review: 60, hold: 80, decline: 95 },
    features: {} as Assessment['features'],
    reasons: ['amount'],
    cardFingerprint: payment.paymentMethod.fingerprint,
    terminalId: payment.terminalId,
    hour: hourIndex(Date.parse(payment.createdAt)),
    amountMilli: payment.amount * 10,
    assessedAt: new Date().toISOString(),
    ...overrides,
  };
}

const held = (payment: Payment): Payment => ({ ...payment, status: 'held', version: payment.version + 1 });

async function written(merchantId: string, paymentId: string) {
  const [row] = await db.sql<
    { assessments: number; reviews: number; events: number; cards: number; terminals: number; days: number }[]
  >`
    select (select count(*) from fraud_assessments where payment_id = ${paymentId})::int as assessments,
           (select count(*) from fraud_reviews where payment_id = ${paymentId})::int as reviews,
           (select count(*) from outbox where payment_id = ${paymentId})::int as events,
           (select coalesce(sum(tx_count), 0) from fraud_card_hours where merchant_id = ${merchantId})::int as cards,
           (select coalesce(sum(tx_count), 0) from fraud_terminal_hours where merchant_id = ${merchantId})::int as terminals,
           (select coalesce(sum(tx_count), 0) from fraud_terminal_days where merchant_id = ${merchantId})::int as days`;
  return row!;
}

it("the card windows are the hour buckets' sums, count and amount, at every hour of the day", async () => {
  const merchantId = 'merchant_card_windows';
  const card = 'fp_windows';
  // Buckets on and around the windows' edges: every 7th hour of the last 32 days, irregular counts and amounts.
  await db.sql`
    insert into fraud_card_hours (merchant_id, card_fingerprint, hour, tx_count, amount_milli, fraud_count)
    select ${merchantId}, ${card}, h, 1 + h % 5, 1000 * (h % 97) + 1, 0
      from generate_series(${hourIndex(NOW) - 32 * 24}::int, ${hourIndex(NOW) + 24}::int) h
     where h % 7 = 0`;
  const { payment } = await createPendingPayment(db.sql, { merchantId, card });
  for (let hour = hourIndex(NOW) - 24; hour < hourIndex(NOW) + 24; hour++) {
    const expected = [];
    for (const w of cardWindows(hour)) {
      const [sums] = await db.sql<{ count: number; amount: number }[]>`
        select coalesce(sum(tx_count), 0)::int as count, coalesce(sum(amount_milli), 0)::int8 as amount
          from fraud_card_hours
         where merchant_id = ${merchantId} and card_fingerprint = ${card} and hour between ${w.from} and ${w.to}`;
      expected.push({ count: sums!.count, amountMilli: sums!.amount, fraudCount: 0 });
    }
    const read = await db.sql.begin((tx) =>
      new PostgresFraudSession(tx).lockForScoring(merchantId, payment.id, hour),
    );
    if (read === undefined || read === 'duplicate') throw new Error('the payment was not read');
    expect({ hour, card: read.inputs.card }).toEqual({ hour, card: expected });
    expect(read.inputs.card.every((b) => b.count > 0)).toBe(true);
  }
});

it('claims the event in the inbox first: a second claim is a duplicate, another merchant sees no payment', async () => {
  const { payment, event } = await createPendingPayment(db.sql, { merchantId: 'merchant_claims' });
  const claim = { consumer: 'fraud' as const, event };
  const hour = hourIndex(Date.parse(payment.createdAt));
  const first = await db.sql.begin((tx) =>
    new PostgresFraudSession(tx).lockForScoring(payment.merchantId, payment.id, hour, claim),
  );
  expect(first).toMatchObject({ payment: { id: payment.id, status: 'pending', version: 1 } });
  expect(
    await db.sql.begin((tx) =>
      new PostgresFraudSession(tx).lockForScoring(payment.merchantId, payment.id, hour, claim),
    ),
  ).toBe('duplicate');
  const other = {
    consumer: 'fraud' as const,
    event: { ...event, id: '01a20eeb-4d1d-7463-bee8-00000000ab01' },
  };
  expect(
    await db.sql.begin((tx) =>
      new PostgresFraudSession(tx).lockForScoring('merchant_other', payment.id, hour, other),
    ),
  ).toBeUndefined();
});

it('saves an assessment once: a second save (a concurrent scoring) writes nothing', async () => {
  const merchantId = 'merchant_saves';
  const { payment } = await createPendingPayment(db.sql, { merchantId });
  const decided = held(payment);
  const events = [
    buildEvent('PaymentFailed', {
      merchantId,
      paymentId: payment.id,
      correlationId: 'corr-saves',
      data: { payment: snapshotOf(decided), reason: 'test' },
    }),
  ];
  const save = () =>
    db.sql.begin((tx) =>
      new PostgresFraudSession(tx).saveAssessment(assessmentOf(payment), {
        countFraud: false,
        openReview: 'hold',
        decided,
        events,
      }),
    );
  expect(await save()).toBe('saved');
  const once = { assessments: 1, reviews: 1, events: 1, cards: 1, terminals: 1, days: 1 };
  expect(await written(merchantId, payment.id)).toEqual(once);
  const [row] = await db.sql`select status, version from payments where id = ${payment.id}`;
  expect(row).toEqual({ status: 'held', version: 2 });
  await expect(save()).resolves.toBe('already-assessed');
  expect(await written(merchantId, payment.id)).toEqual(once);
});

it('a transition that lost its race fails the save, and the transaction keeps nothing', async () => {
  const merchantId = 'merchant_race';
  const { payment } = await createPendingPayment(db.sql, { merchantId });
  await db.sql`update payments set version = 2 where id = ${payment.id}`;
  await expect(
    db.sql.begin((tx) =>
      new PostgresFraudSession(tx).saveAssessment(assessmentOf(payment), {
        countFraud: true,
        decided: held(payment),
      }),
    ),
  ).rejects.toBeInstanceOf(ConcurrentUpdateError);
  expect(await written(merchantId, payment.id)).toEqual({
    assessments: 0,
    reviews: 0,
    events: 0,
    cards: 0,
    terminals: 0,
    days: 0,
  });
});

it('a label before scoring is counted as a fraud in every bucket the save writes', async () => {
  const merchantId = 'merchant_labelled';
  const { payment } = await createPendingPayment(db.sql, { merchantId });
  await db.sql.begin((tx) =>
    new PostgresFraudSession(tx).saveAssessment(assessmentOf(payment, { applied: false }), {
      countFraud: true,
    }),
  );
  const frauds = await db.sql`
    select (select sum(fraud_count) from fraud_card_hours where merchant_id = ${merchantId})::int as card,
           (select sum(fraud_count) from fraud_terminal_hours where merchant_id = ${merchantId})::int as terminal,
           (select sum(fraud_count) from fraud_terminal_days where merchant_id = ${merchantId})::int as day`;
  expect(frauds).toEqual([{ card: 1, terminal: 1, day: 1 }]);
});

it('each call is one short statement in one round trip (every parameter typed), whatever the payment and hour', async () => {
  const client = recordingClient(db.url);
  try {
    await client.sql`select 1`; // connected, array types read
    const calls: { readFlights: number; saveFlights: number }[] = [];
    for (const [k, hour] of [hourIndex(NOW), hourIndex(NOW) + 13].entries()) {
      const { payment, event } = await createPendingPayment(db.sql, { merchantId: 'merchant_texts' });
      await client.sql.begin(async (tx) => {
        const session = new PostgresFraudSession(tx);
        client.flights.count = 0;
        await session.lockForScoring(payment.merchantId, payment.id, hour, { consumer: 'fraud', event });
        const readFlights = client.flights.count;
        client.flights.count = 0;
        await session.saveAssessment(assessmentOf(payment, { hour }), {
          countFraud: false,
          ...(k === 0 ? { openReview: 'hold' as const, decided: held(payment) } : {}),
        });
        calls.push({ readFlights, saveFlights: client.flights.count });
      });
    }
    expect(calls).toEqual([
      { readFlights: 1, saveFlights: 1 },
      { readFlights: 1, saveFlights: 1 },
    ]);
    const texts = client.withoutTypeLookup().filter((s) => /fraud_/.test(s));
    expect(texts).toEqual([
      expect.stringMatching(/^select .* from fraud_lock_for_scoring\(\$1\) r$/),
      'select * from fraud_save_assessment($1, $2, $3, $4, $5, $6)',
      texts[0],
      texts[1],
    ]);
  } finally {
    await client.sql.end();
  }
});

it('values of any shape arrive as they were', async () => {
  const merchantId = "merchant_o'brien \\ ünïcode";
  const { payment, event } = await createPendingPayment(db.sql, { merchantId });
  const odd = { ...event, correlationId: "corr'; select 1; --" };
  const read = await db.sql.begin((tx) =>
    new PostgresFraudSession(tx).lockForScoring(merchantId, payment.id, hourIndex(NOW), {
      consumer: 'fraud',
      event: odd,
    }),
  );
  expect(read).toMatchObject({ payment: { id: payment.id, merchantId } });
  const [inbox] = await db.sql`select correlation_id from consumer_inbox where event_id = ${event.id}`;
  expect(inbox).toEqual({ correlation_id: "corr'; select 1; --" });
});
