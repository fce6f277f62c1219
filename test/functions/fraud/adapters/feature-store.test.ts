/**
 * The feature store's terminal windows read whole days from day buckets and the hours at their edges from hour
 * buckets (functions/fraud/adapters/day-split.ts): the sums must be the hour buckets' exactly, at every hour of
 * the day, with the buckets written by the real paths (scoring, fraud labels before and after scoring).
 */
import { PostgresFraudSession } from '../../../../functions/fraud/adapters/postgres-fraud-store';
import { postgresUnitOfWork } from '../../../../functions/fraud/adapters/unit-of-work';
import { hourIndex, terminalWindows } from '../../../../functions/fraud/features';
import { reportFraud } from '../../../../functions/fraud/use-cases/report-fraud';
import { startTestDatabase, type TestDatabase } from '../../../support/database';
import { createPendingPayment, fraudHandler, stubModel, TEST_THRESHOLDS } from '../support';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const MERCHANT = 'merchant_days';
const TERMINAL = 'term_days';
const NOW = Date.parse('2026-06-30T00:00:00.000Z');

/** Instants spread evenly but irregularly over the last 45 days (the golden ratio's multiples, modulo 1). */
const instants = Array.from(
  { length: 200 },
  (_, i) => NOW - Math.floor(((i * 0.6180339887) % 1) * 45 * 24 * 60) * 60_000 - 1,
);

it("terminal windows from day and edge-hour buckets equal the hour buckets' sums at every hour of the day", async () => {
  const report = (paymentId: string) =>
    db.sql.begin((tx) =>
      reportFraud(postgresUnitOfWork(tx), {
        merchantId: MERCHANT,
        paymentId,
        at: new Date(NOW).toISOString(),
      }),
    );
  const { deliver } = fraudHandler(db.sql, { model: stubModel(() => 0.01), thresholds: TEST_THRESHOLDS });
  for (let from = 0; from < instants.length; from += 10) {
    const batch = [];
    for (const [k, at] of instants.slice(from, from + 10).entries()) {
      const created = await createPendingPayment(db.sql, {
        merchantId: MERCHANT,
        terminal: TERMINAL,
        card: `fp_days_${(from + k) % 13}`,
        createdAt: new Date(at).toISOString(),
      });
      // Every seventh payment is reported fraud before it is scored, every fifth after.
      if ((from + k) % 7 === 0) await report(created.payment.id);
      batch.push(created);
    }
    expect((await deliver(batch.map((b) => b.event))).batchItemFailures).toEqual([]);
    for (const [k, b] of batch.entries()) if ((from + k) % 5 === 0) await report(b.payment.id);
  }

  // The day buckets are the hour buckets summed by UTC day.
  const mismatchedDays = await db.sql`
    select coalesce(h.day, d.day) as day from
      (select floor(hour / 24.0)::int as day, sum(tx_count)::int as n, sum(fraud_count)::int as f
         from fraud_terminal_hours where merchant_id = ${MERCHANT} group by 1) h
      full join (select day, tx_count as n, fraud_count as f from fraud_terminal_days where merchant_id = ${MERCHANT}) d
        on d.day = h.day
     where h.n is distinct from d.n or h.f is distinct from d.f`;
  expect(mismatchedDays).toEqual([]);

  const { payment } = await createPendingPayment(db.sql, { merchantId: MERCHANT, terminal: TERMINAL });
  let nonEmpty = 0;
  for (let hour = hourIndex(NOW) - 24; hour < hourIndex(NOW) + 24; hour++) {
    const expected = [];
    for (const w of terminalWindows(hour)) {
      const [sums] = await db.sql<{ count: number; fraud: number }[]>`
        select coalesce(sum(tx_count), 0)::int as count, coalesce(sum(fraud_count), 0)::int as fraud
          from fraud_terminal_hours
         where merchant_id = ${MERCHANT} and terminal_id = ${TERMINAL} and hour between ${w.from} and ${w.to}`;
      expected.push({ count: sums!.count, amountMilli: 0, fraudCount: sums!.fraud });
    }
    const read = await new PostgresFraudSession(db.sql).readForScoring(MERCHANT, payment.id, hour);
    if (read === undefined || read === 'duplicate') throw new Error('the payment was not read');
    expect({ hour, terminal: read.inputs.terminal }).toEqual({ hour, terminal: expected });
    if (expected.every((e) => e.count > 0) && expected.some((e) => e.fraudCount > 0)) nonEmpty += 1;
  }
  // The history filled every window, with frauds, for all those hours.
  expect(nonEmpty).toBe(48);
});
