/**
 * The fraud consumer on a real database (PGlite, or the DATABASE_URL server): each decision band end to end
 * through the consumer runtime, the feature store's buckets, idempotency and the tolerant paths.
 */
import type { AnyEventEnvelope } from '../../../functions/domain/events';
import type { CurrencyCode } from '../../../functions/domain/money';
import { amountMilliFromMinor, hourIndex } from '../../../functions/fraud/features';
import { postgresUnitOfWork } from '../../../functions/fraud/adapters/unit-of-work';
import { reportFraud } from '../../../functions/fraud/use-cases/report-fraud';
import { findAssessment } from '../../../functions/fraud/assessments';
import { PostgresFraudSession } from '../../../functions/fraud/adapters/postgres-fraud-store';
import type { ScoringStore } from '../../../functions/fraud/ports';
import { bundledFxRates } from '../../../functions/fraud/fx-rates';
import { wasProcessed } from '../../../functions/shared/consumer/inbox';
import type { Queryable, Sql } from '../../../functions/shared/db/client';
import { recordingClient, startTestDatabase, type TestDatabase } from '../../support/database';
import { amountCodedModel, createPendingPayment, fraudHandler, stubModel, TEST_THRESHOLDS } from './support';

let db: TestDatabase;
let merchantCount = 0;

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

/** A merchant of its own per test: feature-store keys are per merchant, so tests do not see each other. */
function freshMerchant(): string {
  merchantCount += 1;
  return `merchant_c${merchantCount}`;
}

async function paymentRow(id: string) {
  const [row] = await db.sql<{ status: string; version: number }[]>`
    select status, version from payments where id = ${id}`;
  return row!;
}

async function assessmentRow(id: string) {
  const [row] = await db.sql<
    {
      score: number;
      action: string;
      applied: boolean;
      reasons: string[];
      features: Record<string, number>;
      shadow: unknown;
    }[]
  >`select * from fraud_assessments where payment_id = ${id}`;
  return row;
}

async function reviewRow(id: string) {
  const [row] = await db.sql<{ kind: string; decision: string | null }[]>`
    select kind, decision from fraud_reviews where payment_id = ${id}`;
  return row;
}

async function bucket(table: 'card' | 'terminal', merchantId: string, key: string, hour: number) {
  const rows =
    table === 'card'
      ? await db.sql<{ tx_count: number; amount_milli: number; fraud_count: number }[]>`
          select tx_count, amount_milli, fraud_count from fraud_card_hours
           where merchant_id = ${merchantId} and card_fingerprint = ${key} and hour = ${hour}`
      : await db.sql<{ tx_count: number; amount_milli: number; fraud_count: number }[]>`
          select tx_count, amount_milli, fraud_count from fraud_terminal_hours
           where merchant_id = ${merchantId} and terminal_id = ${key} and hour = ${hour}`;
  return rows[0];
}

const types = (events: AnyEventEnvelope[]) => events.map((e) => e.type);

describe('decision bands (thresholds review 60, hold 80, decline 95)', () => {
  const setup = { model: amountCodedModel(), thresholds: TEST_THRESHOLDS };

  it.each([
    // amount % 100 is the stub model's probability in percent, i.e. the risk score
    [1259, 59, 'approve', 'approved', ['PaymentApproved'], undefined],
    [1260, 60, 'review', 'in_review', ['PaymentApproved', 'AnomalyDetected'], 'review'],
    [1279, 79, 'review', 'in_review', ['PaymentApproved', 'AnomalyDetected'], 'review'],
    [1280, 80, 'hold', 'held', ['AnomalyDetected'], 'hold'],
    [1294, 94, 'hold', 'held', ['AnomalyDetected'], 'hold'],
    [1295, 95, 'decline', 'failed', ['PaymentFailed', 'AnomalyDetected'], undefined],
    [1299, 99, 'decline', 'failed', ['PaymentFailed', 'AnomalyDetected'], undefined],
  ])(
    'amount %i scores %i: %s, payment %s, events %j',
    async (amount, score, action, status, events, review) => {
      const merchantId = freshMerchant();
      const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount });
      const { deliver, publisher } = fraudHandler(db.sql, setup);
      const result = await deliver([event]);
      expect(result.batchItemFailures).toEqual([]);

      expect(await paymentRow(payment.id)).toEqual({ status, version: 2 });
      expect(await assessmentRow(payment.id)).toMatchObject({ score, action, applied: true });
      expect((await reviewRow(payment.id))?.kind).toBe(review);
      expect(types(publisher.published)).toEqual(events);
      for (const e of publisher.published) {
        expect(e).toMatchObject({ paymentId: payment.id, merchantId, correlationId: event.correlationId });
        expect(e.data).toMatchObject({ payment: { status, version: 2 } });
      }
      const anomaly = publisher.published.find((e) => e.type === 'AnomalyDetected');
      if (anomaly) {
        expect(anomaly.data).toMatchObject({ score, action, modelVersion: 'stub-1' });
      }
      // The outbox holds what was published: the same events, written in the consumer's transaction.
      const outbox = await db.sql<{ type: string }[]>`
        select type from outbox where payment_id = ${payment.id} order by seq`;
      expect(outbox.map((r) => r.type)).toEqual(events);
    },
  );
});

describe('labels and currency quotes', () => {
  const setup = { model: amountCodedModel(), thresholds: TEST_THRESHOLDS };

  it('labels a declined payment fraud, dated at the decision, and counts it a fraud in its hour buckets', async () => {
    const merchantId = freshMerchant();
    const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount: 1297 });
    expect((await fraudHandler(db.sql, setup).deliver([event])).batchItemFailures).toEqual([]);
    const [label] = await db.sql<{ fraud: boolean; source: string; labelled_at: Date; assessed_at: Date }[]>`
      select l.fraud, l.source, l.labelled_at, a.assessed_at from fraud_labels l
        join fraud_assessments a using (payment_id) where l.payment_id = ${payment.id}`;
    expect(label).toMatchObject({ fraud: true, source: 'decline' });
    expect(label!.labelled_at.getTime()).toBe(label!.assessed_at.getTime());
    const hour = hourIndex(Date.parse(payment.createdAt));
    expect(await bucket('terminal', merchantId, payment.terminalId, hour)).toMatchObject({ fraud_count: 1 });
    expect(await bucket('card', merchantId, payment.paymentMethod.fingerprint, hour)).toMatchObject({
      fraud_count: 1,
    });
  });

  it('labels nothing for a payment it approves, reviews or holds', async () => {
    const merchantId = freshMerchant();
    for (const amount of [1210, 1265, 1285]) {
      const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount });
      await fraudHandler(db.sql, setup).deliver([event]);
      expect(await db.sql`select 1 from fraud_labels where payment_id = ${payment.id}`).toHaveLength(0);
    }
  });

  it('stores the currency quote the amount was converted with, and converts yen for the model', async () => {
    const merchantId = freshMerchant();
    const seen: number[] = [];
    const model = stubModel((f) => {
      seen.push(f.amount);
      return 0.1;
    });
    const { payment, event } = await createPendingPayment(db.sql, {
      merchantId,
      amount: 18_000,
      currency: 'JPY',
    });
    await fraudHandler(db.sql, { model, thresholds: TEST_THRESHOLDS }).deliver([event]);
    const rates = bundledFxRates();
    const [row] = await db.sql<{ fx_quote: unknown; amount_milli: string }[]>`
      select fx_quote, amount_milli from fraud_assessments where payment_id = ${payment.id}`;
    expect(row!.fx_quote).toEqual({
      currency: 'JPY',
      reference: 'EUR',
      unitsPerReference: rates.unitsPerReference.JPY,
      ratesVersion: rates.version,
    });
    expect(Number(row!.amount_milli)).toBe(18_000_000); // stored in the payment's own currency
    expect(seen[0]).toBeCloseTo(18_000 / rates.unitsPerReference.JPY!, 9);
  });
});

describe('feature store', () => {
  it("counts each scored payment in its card's and terminal's hour bucket, and the next payment sees them", async () => {
    const merchantId = freshMerchant();
    const seen: Record<string, number>[] = [];
    const model = stubModel((f) => {
      seen.push({ ...f });
      return 0.1;
    });
    const { deliver } = fraudHandler(db.sql, { model, thresholds: TEST_THRESHOLDS });
    const at = '2026-03-10T12:00:00.000Z';
    const first = await createPendingPayment(db.sql, { merchantId, amount: 1000, createdAt: at });
    const second = await createPendingPayment(db.sql, { merchantId, amount: 3000, createdAt: at });
    // Both in one batch: the second record sees the first's bucket update (same transaction, in order).
    expect((await deliver([first.event, second.event])).batchItemFailures).toEqual([]);

    expect(seen[0]).toMatchObject({ amount: 10, card_tx_count_1d: 1, card_avg_amount_1d: 10 });
    expect(seen[1]).toMatchObject({
      amount: 30,
      card_tx_count_1d: 2,
      card_avg_amount_1d: 20,
      card_tx_count_30d: 2,
    });
    const hour = hourIndex(Date.parse(at));
    expect(await bucket('card', merchantId, 'fp_card_0001', hour)).toEqual({
      tx_count: 2,
      amount_milli: amountMilliFromMinor(4000, 'EUR' as CurrencyCode),
      fraud_count: 0,
    });
    expect(await bucket('terminal', merchantId, 'term_1', hour)).toMatchObject({
      tx_count: 2,
      fraud_count: 0,
    });
    // Another merchant's card with the same fingerprint starts from nothing.
    const other = await createPendingPayment(db.sql, {
      merchantId: freshMerchant(),
      amount: 5000,
      createdAt: at,
    });
    await deliver([other.event]);
    expect(seen[2]).toMatchObject({ card_tx_count_1d: 1, card_avg_amount_1d: 50 });
  });

  it('a fraud report counts in the terminal windows once 7 days old (to the hour), whether it came before or after scoring', async () => {
    const merchantId = freshMerchant();
    const seen: Record<string, number>[] = [];
    const model = stubModel((f) => {
      seen.push({ ...f });
      return 0.1;
    });
    const { deliver } = fraudHandler(db.sql, { model, thresholds: TEST_THRESHOLDS });
    const day1 = '2026-04-01T10:00:00.000Z';
    const scoredFirst = await createPendingPayment(db.sql, {
      merchantId,
      createdAt: day1,
      card: 'fp_card_a',
    });
    const reportedFirst = await createPendingPayment(db.sql, {
      merchantId,
      createdAt: day1,
      card: 'fp_card_b',
    });
    const genuine = await createPendingPayment(db.sql, { merchantId, createdAt: day1, card: 'fp_card_c' });

    await deliver([scoredFirst.event]);
    const report = (paymentId: string) =>
      db.sql.begin((tx) =>
        reportFraud(postgresUnitOfWork(tx), { merchantId, paymentId, at: new Date().toISOString() }),
      );
    const first = await report(scoredFirst.payment.id);
    expect(first).toMatchObject({ paymentId: scoredFirst.payment.id, fraud: true, source: 'fraud-report' });
    expect(await report(scoredFirst.payment.id)).toEqual(first); // a repeated report counts once, keeps the label
    expect(await report(reportedFirst.payment.id)).toMatchObject({ fraud: true });
    await deliver([reportedFirst.event, genuine.event]);
    const hour = hourIndex(Date.parse(day1));
    expect(await bucket('terminal', merchantId, 'term_1', hour)).toEqual({
      tx_count: 3,
      amount_milli: 3 * amountMilliFromMinor(1250, 'EUR' as CurrencyCode),
      fraud_count: 2,
    });
    expect(await bucket('card', merchantId, 'fp_card_a', hour)).toMatchObject({ fraud_count: 1 });
    expect(await bucket('card', merchantId, 'fp_card_c', hour)).toMatchObject({ fraud_count: 0 });

    // Labels are read with a 7-day delay, to the hour: 7 days later, in the same hour of the day, the labels'
    // hour bucket is not read yet (it may hold labels younger than 7 days); an hour later they are: 2 in 3.
    const at = (hours: number) => new Date(Date.parse(day1) + hours * 3_600_000).toISOString();
    await deliver([
      (await createPendingPayment(db.sql, { merchantId, createdAt: at(7 * 24 + 0.99), card: 'fp_card_d' }))
        .event,
    ]);
    await deliver([
      (await createPendingPayment(db.sql, { merchantId, createdAt: at(7 * 24 + 1), card: 'fp_card_e' }))
        .event,
    ]);
    expect(seen.at(-2)).toMatchObject({
      terminal_tx_count_1d: 0,
      terminal_tx_count_7d: 0,
      terminal_risk_7d: 0,
    });
    expect(seen.at(-1)).toMatchObject({
      terminal_tx_count_1d: 3,
      terminal_risk_1d: 2 / 3,
      terminal_tx_count_30d: 3,
    });
  });

  it('a fraud report that commits between the scoring read and its write is counted once, as a fraud', async () => {
    const merchantId = freshMerchant();
    const { payment, event } = await createPendingPayment(db.sql, { merchantId, card: 'fp_card_race' });
    const reportBetween = (tx: Queryable): ScoringStore => {
      const store = new PostgresFraudSession(tx);
      const read = store.readForScoring.bind(store);
      store.readForScoring = async (...args) => {
        const result = await read(...args);
        await db.sql.begin((other) =>
          reportFraud(postgresUnitOfWork(other), {
            merchantId,
            paymentId: payment.id,
            at: new Date().toISOString(),
          }),
        );
        return result;
      };
      return store;
    };
    const { deliver } = fraudHandler(
      db.sql,
      { model: stubModel(() => 0.1), thresholds: TEST_THRESHOLDS },
      reportBetween,
    );
    expect((await deliver([event])).batchItemFailures).toEqual([]);
    const hour = hourIndex(Date.parse(payment.createdAt));
    expect(await bucket('card', merchantId, 'fp_card_race', hour)).toMatchObject({
      tx_count: 1,
      fraud_count: 1,
    });
    expect(await bucket('terminal', merchantId, payment.terminalId, hour)).toMatchObject({
      tx_count: 1,
      fraud_count: 1,
    });
  });

  it('concurrent batches on the same card and terminal lose no count', async () => {
    const merchantId = freshMerchant();
    const at = '2026-06-01T09:00:00.000Z';
    const batches = await Promise.all(
      [0, 1, 2].map(async () => {
        const events = [];
        for (let i = 0; i < 10; i++)
          events.push((await createPendingPayment(db.sql, { merchantId, createdAt: at })).event);
        return events;
      }),
    );
    const setup = { model: stubModel(() => 0.1), thresholds: TEST_THRESHOLDS };
    // On a server the three batches run in three transactions at once and queue on the bucket rows; embedded,
    // one after another. Either way every payment is counted exactly once.
    const results = await Promise.all(batches.map((events) => fraudHandler(db.sql, setup).deliver(events)));
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    const hour = hourIndex(Date.parse(at));
    expect(await bucket('card', merchantId, 'fp_card_0001', hour)).toMatchObject({ tx_count: 30 });
    expect(await bucket('terminal', merchantId, 'term_1', hour)).toMatchObject({
      tx_count: 30,
      amount_milli: 30 * amountMilliFromMinor(1250, 'EUR' as CurrencyCode),
    });
  });

  it('a report for an unknown payment or another merchant changes nothing', async () => {
    const merchantId = freshMerchant();
    const { payment } = await createPendingPayment(db.sql, { merchantId });
    const report = (m: string, paymentId: string) =>
      db.sql.begin((tx) =>
        reportFraud(postgresUnitOfWork(tx), { merchantId: m, paymentId, at: new Date().toISOString() }),
      );
    expect(await report('someone_else', payment.id)).toBeUndefined();
    expect(await report(merchantId, '01a20eeb-4d1d-7463-bee8-92caa8b67bf4')).toBeUndefined();
    const labels = await db.sql`select 1 from fraud_labels where payment_id = ${payment.id}`;
    expect(labels).toHaveLength(0);
  });
});

describe('idempotency and tolerance', () => {
  const setup = () => ({ model: amountCodedModel(), thresholds: TEST_THRESHOLDS });

  async function snapshotState(merchantId: string, paymentId: string) {
    return {
      payment: await paymentRow(paymentId),
      assessments: await db.sql`select score, action from fraud_assessments where payment_id = ${paymentId}`,
      reviews: await db.sql`select kind from fraud_reviews where payment_id = ${paymentId}`,
      outbox: await db.sql`select type from outbox where payment_id = ${paymentId} order by seq`,
      cards:
        await db.sql`select hour, tx_count, amount_milli, fraud_count from fraud_card_hours where merchant_id = ${merchantId}`,
      terminals:
        await db.sql`select hour, tx_count, amount_milli, fraud_count from fraud_terminal_hours where merchant_id = ${merchantId}`,
    };
  }

  it('a duplicate delivery of the same event changes nothing', async () => {
    const merchantId = freshMerchant();
    const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount: 1285 });
    const { deliver, publisher } = fraudHandler(db.sql, setup());
    await deliver([event]);
    const before = await snapshotState(merchantId, payment.id);
    expect(before.payment.status).toBe('held');
    // Redelivered alone, and twice in one batch.
    expect((await deliver([event])).batchItemFailures).toEqual([]);
    expect((await deliver([event, event])).batchItemFailures).toEqual([]);
    expect(await snapshotState(merchantId, payment.id)).toEqual(before);
    expect(types(publisher.published)).toEqual(['AnomalyDetected']);
  });

  it('two concurrent deliveries of one event assess the payment once and publish its events once', async () => {
    const merchantId = freshMerchant();
    const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount: 1285 });
    const first = fraudHandler(db.sql, setup());
    const second = fraudHandler(db.sql, setup());
    // On the server the second waits on the first one's inbox row, then finds it; embedded, they run in turn.
    const results = await Promise.all([first.deliver([event]), second.deliver([event])]);
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    const state = await snapshotState(merchantId, payment.id);
    expect(state.assessments).toHaveLength(1);
    expect(state.cards).toEqual([expect.objectContaining({ tx_count: 1 })]);
    expect(types([...first.publisher.published, ...second.publisher.published])).toEqual(['AnomalyDetected']);
  });

  it('a single event is three statements in three round trips, without a transaction: the read, the record, the published mark', async () => {
    const client = recordingClient(db.url);
    try {
      const { payment, event } = await createPendingPayment(db.sql, { merchantId: freshMerchant() });
      const { deliver, publisher } = fraudHandler(client.sql, setup());
      await client.sql`select 1`; // connected, array types read
      client.statements.length = 0;
      client.flights.count = 0;
      expect((await deliver([event])).batchItemFailures).toEqual([]);
      expect(client.flights.count).toBe(3);
      const statements = client.withoutTypeLookup();
      expect(statements).toHaveLength(3);
      expect(statements[0]).toMatch(/from fraud_read_for_scoring\(\$1\) r$/);
      expect(statements[1]).toMatch(
        /^select fraud_record_assessment\(\$1, \$2, \$3, \$4, \$5, \$6\) as outcome$/,
      );
      expect(statements[2]).toMatch(/^select mark_events_published\('\{[0-9a-f-]+\}'::uuid\[\]\)$/);
      expect((await paymentRow(payment.id)).status).toBe('approved');
      expect(types(publisher.published)).toEqual(['PaymentApproved']);
    } finally {
      await client.sql.end();
    }
  });

  it('a payment that changes between the read and the record fails the record, keeping nothing; the retry scores it anew', async () => {
    const merchantId = freshMerchant();
    const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount: 1285 });
    // Between the read and the record, someone else moves the payment (as a concurrent writer would).
    const racing =
      (sql: Sql) =>
      (tx: Queryable): ScoringStore => {
        const store = new PostgresFraudSession(tx);
        const read = store.readForScoring.bind(store);
        store.readForScoring = async (...args) => {
          const result = await read(...args);
          await sql`update payments set version = version + 1 where id = ${payment.id}`;
          return result;
        };
        return store;
      };
    const raced = fraudHandler(db.sql, setup(), racing(db.sql));
    const failed = await raced.deliver([event]);
    expect(failed.batchItemFailures).toHaveLength(1);
    const kept = await snapshotState(merchantId, payment.id);
    expect({
      assessments: kept.assessments,
      reviews: kept.reviews,
      outbox: kept.outbox,
      cards: kept.cards,
    }).toEqual({
      assessments: [],
      reviews: [],
      outbox: [],
      cards: [],
    });
    expect(await wasProcessed(db.sql, 'fraud', event.id)).toBe(false);
    expect(raced.publisher.published).toEqual([]);
    // SQS hands the message out again: scored from the payment as it now is.
    const { deliver } = fraudHandler(db.sql, setup());
    expect((await deliver([event])).batchItemFailures).toEqual([]);
    expect((await paymentRow(payment.id)).status).toBe('held');
    expect(await wasProcessed(db.sql, 'fraud', event.id)).toBe(true);
  });

  it('the same payment under another event id is not assessed or counted twice', async () => {
    const merchantId = freshMerchant();
    const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount: 1210 });
    const { deliver, publisher } = fraudHandler(db.sql, setup());
    await deliver([event]);
    const before = await snapshotState(merchantId, payment.id);
    expect(
      (await deliver([{ ...event, id: '01a20eeb-4d1d-7463-bee8-000000000001' }])).batchItemFailures,
    ).toEqual([]);
    expect(await snapshotState(merchantId, payment.id)).toEqual(before);
    expect(types(publisher.published)).toEqual(['PaymentApproved']);
  });

  it('a payment that already left pending is assessed and counted, not moved, and nothing is emitted', async () => {
    const merchantId = freshMerchant();
    const { payment, event } = await createPendingPayment(db.sql, { merchantId, amount: 1290 });
    await db.sql`update payments set status = 'approved', version = 2 where id = ${payment.id}`;
    const { deliver, publisher } = fraudHandler(db.sql, setup());
    expect((await deliver([event])).batchItemFailures).toEqual([]);
    expect(await paymentRow(payment.id)).toEqual({ status: 'approved', version: 2 });
    expect(await assessmentRow(payment.id)).toMatchObject({ score: 90, action: 'hold', applied: false });
    expect(await reviewRow(payment.id)).toBeUndefined();
    expect(publisher.published).toEqual([]);
    expect((await snapshotState(merchantId, payment.id)).cards).toEqual([
      expect.objectContaining({ tx_count: 1 }),
    ]);
  });

  it('an event for a payment that does not exist is logged and consumed, not retried', async () => {
    const { event } = await createPendingPayment(db.sql, { merchantId: freshMerchant() });
    const ghost = { ...event, paymentId: '01a20eeb-4d1d-7463-bee8-92caa8b67bf5' };
    const { deliver, publisher } = fraudHandler(db.sql, setup());
    expect((await deliver([ghost])).batchItemFailures).toEqual([]);
    expect(publisher.published).toEqual([]);
  });

  it('a model failure fails the record (it is retried) and keeps nothing of it', async () => {
    const merchantId = freshMerchant();
    const { payment, event } = await createPendingPayment(db.sql, { merchantId });
    const broken = stubModel(() => {
      throw new Error('session lost');
    });
    const { deliver } = fraudHandler(db.sql, { model: broken, thresholds: TEST_THRESHOLDS });
    const result = await deliver([event]);
    expect(result.batchItemFailures).toHaveLength(1);
    expect(await paymentRow(payment.id)).toEqual({ status: 'pending', version: 1 });
    expect(await assessmentRow(payment.id)).toBeUndefined();
    expect((await snapshotState(merchantId, payment.id)).cards).toEqual([]);
    // The retry with a working model goes through.
    const retry = fraudHandler(db.sql, setup());
    expect((await retry.deliver([event])).batchItemFailures).toEqual([]);
    expect((await paymentRow(payment.id)).status).toBe('approved');
  });
});

describe('shadow scoring', () => {
  it('scores and stores the candidate beside the active model, never acting on it', async () => {
    const merchantId = freshMerchant();
    const active = stubModel(() => 0.1, 'active-1');
    const candidate = stubModel(() => 0.97, 'candidate-2');
    const { payment, event } = await createPendingPayment(db.sql, { merchantId });
    const { deliver, publisher } = fraudHandler(db.sql, {
      model: active,
      shadow: candidate,
      thresholds: TEST_THRESHOLDS,
    });
    await deliver([event]);
    expect((await paymentRow(payment.id)).status).toBe('approved');
    expect(types(publisher.published)).toEqual(['PaymentApproved']);
    expect(await assessmentRow(payment.id)).toMatchObject({
      score: 10,
      action: 'approve',
      shadow: { modelVersion: 'candidate-2', score: 97, action: 'decline' },
    });
    expect(candidate.calls).toBe(1);
  });

  it('a failing candidate changes nothing for the payment', async () => {
    const candidate = stubModel(() => {
      throw new Error('candidate broken');
    }, 'candidate-3');
    const { payment, event } = await createPendingPayment(db.sql, { merchantId: freshMerchant() });
    const { deliver } = fraudHandler(db.sql, {
      model: stubModel(() => 0.2),
      shadow: candidate,
      thresholds: TEST_THRESHOLDS,
    });
    expect((await deliver([event])).batchItemFailures).toEqual([]);
    expect(await assessmentRow(payment.id)).toMatchObject({ score: 20, action: 'approve', shadow: null });
  });
});

describe('findAssessment (the read port GET /payments/{id} uses)', () => {
  it("shows the merchant's own payment's assessment, nothing before scoring or for another merchant", async () => {
    const merchantId = freshMerchant();
    // In the daytime: a payment at night gives one more reason.
    const { payment, event } = await createPendingPayment(db.sql, {
      merchantId,
      amount: 1288,
      createdAt: '2026-06-03T12:00:00.000Z',
    });
    expect(await findAssessment(db.sql, merchantId, payment.id)).toBeUndefined();
    await fraudHandler(db.sql, { model: amountCodedModel(), thresholds: TEST_THRESHOLDS }).deliver([event]);
    const shown = await findAssessment(db.sql, merchantId, payment.id);
    expect(shown).toMatchObject({
      object: 'fraud_assessment',
      score: 88,
      probability: 0.88,
      modelVersion: 'stub-1',
      action: 'hold',
      applied: true,
      thresholds: TEST_THRESHOLDS,
      features: { amount: 12.88, card_tx_count_1d: 1 },
    });
    expect(shown!.reasons).toEqual(['first payment seen from this card in 30 days']);
    expect(await findAssessment(db.sql, 'someone_else', payment.id)).toBeUndefined();
  });
});
