/**
 * The fraud consumer's two calls per payment (functions/fraud/adapters/sql/fraud-scoring.sql): fraud_read_for_scoring (payment, window sums, or
 * a duplicate) and fraud_record_assessment (inbox claim, assessment, review, transition, events, buckets, all or
 * nothing), through the session that calls them. They run here as a single event runs them: each alone, on the
 * pool, as its own transaction.
 */
import type { Payment } from '../../../../functions/domain/payment';
import { PostgresFraudSession } from '../../../../functions/fraud/adapters/postgres-fraud-store';
import fc from 'fast-check';
import { cardWindows, hourIndex, terminalFraudRun, type Bucket } from '../../../../functions/fraud/features';
import type { Assessment } from '../../../../functions/fraud/ports';
import { buildEvent } from '../../../../functions/shared/outbox/outbox';
import { ConcurrentUpdateError } from '../../../../functions/domain/errors';
import { snapshotOf } from '../../../../functions/domain/payment-snapshot';
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

/** The calls on the pool, each its own transaction, as a single event makes them. */
const session = () => new PostgresFraudSession(db.sql);

async function inboxRows(eventId: string): Promise<number> {
  const [row] = await db.sql<
    { n: number }[]
  >`select count(*)::int as n from consumer_inbox where event_id = ${eventId}`;
  return row!.n;
}

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
    const read = await session().readForScoring(merchantId, payment.id, hour);
    if (read === undefined || read === 'duplicate') throw new Error('the payment was not read');
    expect({ hour, card: read.inputs.card }).toEqual({ hour, card: expected });
    expect(read.inputs.card.every((b) => b.count > 0)).toBe(true);
  }
});

it("the terminal's fraud run is the buckets' run, whatever the terminal's history", async () => {
  const merchantId = 'merchant_fraud_runs';
  const hour = hourIndex(NOW);
  // Histories over the run's window and past both its ends: each bucket all genuine, all fraud or mixed.
  const bucket = fc.record({
    back: fc.integer({ min: 150, max: 900 }),
    count: fc.integer({ min: 1, max: 4 }),
    frauds: fc.integer({ min: 0, max: 4 }),
  });
  let terminal = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(bucket, { maxLength: 30 }), async (drawn) => {
      const terminalId = `term_run_${terminal++}`;
      const buckets = new Map<number, Bucket>();
      for (const b of drawn) {
        const count = Math.max(b.count, b.frauds);
        buckets.set(hour - b.back, { count, amountMilli: 1000 * count, fraudCount: b.frauds });
      }
      if (buckets.size > 0) {
        const rows = [...buckets].map(([h, b]) => ({
          merchant_id: merchantId,
          terminal_id: terminalId,
          hour: h,
          tx_count: b.count,
          amount_milli: b.amountMilli,
          fraud_count: b.fraudCount,
        }));
        await db.sql`insert into fraud_terminal_hours ${db.sql(rows)}`;
      }
      const { payment } = await createPendingPayment(db.sql, { merchantId, terminal: terminalId });
      const read = await session().readForScoring(merchantId, payment.id, hour);
      if (read === undefined || read === 'duplicate') throw new Error('the payment was not read');
      expect(read.inputs.terminalRun).toEqual(terminalFraudRun((h) => buckets.get(h), hour));
    }),
    { numRuns: 40 },
  );
});

it('the read claims nothing: it finds an event already in the inbox (a duplicate); another merchant sees no payment', async () => {
  const { payment, event } = await createPendingPayment(db.sql, { merchantId: 'merchant_claims' });
  const claim = { consumer: 'fraud' as const, event };
  const hour = hourIndex(Date.parse(payment.createdAt));
  const read = () => session().readForScoring(payment.merchantId, payment.id, hour, claim);
  expect(await read()).toMatchObject({ payment: { id: payment.id, status: 'pending', version: 1 } });
  expect(await read()).toMatchObject({ payment: { id: payment.id } });
  expect(await inboxRows(event.id)).toBe(0);
  expect(await session().record(claim, { assessment: assessmentOf(payment), events: [] })).toBe('saved');
  expect(await inboxRows(event.id)).toBe(1);
  expect(await read()).toBe('duplicate');
  const other = {
    consumer: 'fraud' as const,
    event: { ...event, id: '01a20eeb-4d1d-7463-bee8-00000000ab01' },
  };
  expect(await session().readForScoring('merchant_other', payment.id, hour, other)).toBeUndefined();
});

it('records an assessment once: a second event for the payment keeps only its claim, the same event is a duplicate', async () => {
  const merchantId = 'merchant_saves';
  const { payment, event } = await createPendingPayment(db.sql, { merchantId });
  const decided = held(payment);
  const events = [
    buildEvent('PaymentFailed', {
      merchantId,
      paymentId: payment.id,
      correlationId: 'corr-saves',
      data: { payment: snapshotOf(decided), reason: 'test' },
    }),
  ];
  const record = (claimed: typeof event) =>
    session().record(
      { consumer: 'fraud', event: claimed },
      { assessment: assessmentOf(payment), openReview: 'hold', decided, events },
    );
  expect(await record(event)).toBe('saved');
  const once = { assessments: 1, reviews: 1, events: 1, cards: 1, terminals: 1, days: 1 };
  expect(await written(merchantId, payment.id)).toEqual(once);
  const [row] = await db.sql`select status, version from payments where id = ${payment.id}`;
  expect(row).toEqual({ status: 'held', version: 2 });
  const another = { ...event, id: '01a20eeb-4d1d-7463-bee8-00000000ab02' };
  await expect(record(another)).resolves.toBe('already-assessed');
  expect(await inboxRows(another.id)).toBe(1);
  await expect(record(event)).resolves.toBe('duplicate');
  expect(await written(merchantId, payment.id)).toEqual(once);
});

it('two concurrent records of one event: one saves, the other waits for its claim and is a duplicate', async () => {
  const merchantId = 'merchant_concurrent';
  const { payment, event } = await createPendingPayment(db.sql, { merchantId });
  const record = () =>
    session().record(
      { consumer: 'fraud', event },
      { assessment: assessmentOf(payment), decided: held(payment), events: [] },
    );
  const outcomes = await Promise.all([record(), record()]);
  expect([...outcomes].sort()).toEqual(['duplicate', 'saved']);
  expect(await written(merchantId, payment.id)).toMatchObject({
    assessments: 1,
    cards: 1,
    terminals: 1,
    days: 1,
  });
});

it('a payment that changed since the read fails the record, which keeps nothing, not even the claim', async () => {
  const merchantId = 'merchant_race';
  const { payment, event } = await createPendingPayment(db.sql, { merchantId });
  await db.sql`update payments set version = 2 where id = ${payment.id}`;
  await expect(
    session().record(
      { consumer: 'fraud', event },
      { assessment: assessmentOf(payment), openReview: 'hold', decided: held(payment), events: [] },
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
  expect(await inboxRows(event.id)).toBe(0);
});

it('a label committed before the record is counted as a fraud in every bucket the record writes', async () => {
  const merchantId = 'merchant_labelled';
  const { payment } = await createPendingPayment(db.sql, { merchantId });
  await db.sql`
    insert into fraud_labels (payment_id, merchant_id, fraud, source, labelled_at)
    values (${payment.id}, ${merchantId}, true, 'fraud-report', now())`;
  await session().record(undefined, { assessment: assessmentOf(payment, { applied: false }), events: [] });
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
    const flights: { readFlights: number; recordFlights: number }[] = [];
    for (const [k, hour] of [hourIndex(NOW), hourIndex(NOW) + 13].entries()) {
      const { payment, event } = await createPendingPayment(db.sql, { merchantId: 'merchant_texts' });
      const claim = { consumer: 'fraud' as const, event };
      const calls = new PostgresFraudSession(client.sql);
      client.flights.count = 0;
      await calls.readForScoring(payment.merchantId, payment.id, hour, claim);
      const readFlights = client.flights.count;
      client.flights.count = 0;
      await calls.record(claim, {
        assessment: assessmentOf(payment, { hour }),
        ...(k === 0 ? { openReview: 'hold' as const, decided: held(payment) } : {}),
        events: [],
      });
      flights.push({ readFlights, recordFlights: client.flights.count });
    }
    expect(flights).toEqual([
      { readFlights: 1, recordFlights: 1 },
      { readFlights: 1, recordFlights: 1 },
    ]);
    const texts = client.withoutTypeLookup().filter((s) => /fraud_/.test(s));
    expect(texts).toEqual([
      expect.stringMatching(/^select .* from fraud_read_for_scoring\(\$1\) r$/),
      'select fraud_record_assessment($1, $2, $3, $4, $5, $6) as outcome',
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
  const claim = { consumer: 'fraud' as const, event: { ...event, correlationId: "corr'; select 1; --" } };
  const read = await session().readForScoring(merchantId, payment.id, hourIndex(NOW), claim);
  expect(read).toMatchObject({ payment: { id: payment.id, merchantId } });
  await session().record(claim, { assessment: assessmentOf(payment), events: [] });
  const [inbox] = await db.sql`select correlation_id from consumer_inbox where event_id = ${event.id}`;
  expect(inbox).toEqual({ correlation_id: "corr'; select 1; --" });
});
