/**
 * The feature parity test: a small simulated history (the model's simulator) is replayed through the
 * fraud consumer (payments stored, PaymentCreated delivered in SQS batches, fraud labels reported as they become
 * known) and the features the online store produced for every payment must equal the offline export's
 * (models/features/export.ts) exactly.
 */
import { newId } from '../../../functions/domain/ids';
import { postgresUnitOfWork } from '../../../functions/fraud/adapters/unit-of-work';
import { FEATURE_NAMES, namedFeatures } from '../../../functions/fraud/features';
import { reportFraud } from '../../../functions/fraud/use-cases/report-fraud';
import { buildEvent } from '../../../functions/shared/outbox/outbox';
import type { EventEnvelope } from '../../../functions/domain/events';
import type { Payment } from '../../../functions/domain/payment';
import { snapshotOf } from '../../../functions/domain/payment-snapshot';
import { exportFeatures } from '../../../models/features/export';
import { REFERENCE_OPTIONS, simulate } from '../../../models/simulator/simulate';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { fraudHandler, stubModel, TEST_THRESHOLDS } from './support';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const MERCHANT = 'merchant_sim';
const BATCH = 10;

it('online features from the store equal the offline export for a simulated history', async () => {
  // 45 days: the 30-day terminal window (hours H-888 to H-169) is full for the last week of payments.
  const sim = simulate({ ...REFERENCE_OPTIONS, customers: 15, terminals: 30, days: 45, seed: 11 });
  const offline = exportFeatures(sim);
  expect(sim.count).toBeGreaterThan(250);
  const frauds = sim.fraud.reduce((n, f) => n + f, 0);
  expect(frauds).toBeGreaterThan(20);

  const payments: Payment[] = [];
  for (let i = 0; i < sim.count; i++) {
    const at = new Date(sim.startMs + (sim.timeSeconds[i] as number) * 1000).toISOString();
    payments.push({
      id: newId(),
      merchantId: MERCHANT,
      status: 'pending',
      // A 0.00 draw cannot be a payment; the export's amount is still the same number of cents.
      amount: sim.amountCents[i] as number,
      currency: 'EUR' as Payment['currency'],
      amountRefunded: 0,
      customer: { id: `cus_${sim.customer[i]}` },
      paymentMethod: {
        type: 'card',
        fingerprint: `fp_sim_${sim.customer[i]}`.padEnd(12, '0'),
        last4: '0000',
      },
      terminalId: `term_${sim.terminal[i]}`,
      metadata: {},
      version: 1,
      createdAt: at,
      updatedAt: at,
    });
  }
  expect(payments.filter((p) => p.amount <= 0)).toEqual([]);
  const rows = payments.map((p) => ({
    id: p.id,
    merchant_id: p.merchantId,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    customer_id: p.customer.id,
    customer: p.customer,
    payment_method: p.paymentMethod,
    card_fingerprint: p.paymentMethod.fingerprint,
    terminal_id: p.terminalId,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  }));
  for (let from = 0; from < rows.length; from += 500) {
    const chunk = rows.slice(from, from + 500);
    await db.sql`insert into payments ${db.sql(chunk as never, 'id', 'merchant_id', 'status', 'amount', 'currency', 'customer_id', 'customer', 'payment_method', 'card_fingerprint', 'terminal_id', 'created_at', 'updated_at')}`;
  }

  // The model does not matter here; a constant keeps every payment approved.
  const { deliver } = fraudHandler(db.sql, { model: stubModel(() => 0.01), thresholds: TEST_THRESHOLDS });
  for (let from = 0; from < payments.length; from += BATCH) {
    const batch = payments.slice(from, from + BATCH);
    const events: EventEnvelope<'PaymentCreated'>[] = batch.map((p) =>
      buildEvent('PaymentCreated', {
        merchantId: p.merchantId,
        paymentId: p.id,
        correlationId: `sim-${p.id}`,
        data: { payment: snapshotOf(p) },
      }),
    );
    expect((await deliver(events)).batchItemFailures).toEqual([]);
    // Fraud becomes known right after the payment: the terminal windows read labels only once 7 days old.
    const labelled = batch.filter((_, k) => sim.fraud[from + k] === 1);
    if (labelled.length > 0) {
      await db.sql.begin(async (tx) => {
        for (const p of labelled) {
          await reportFraud(postgresUnitOfWork(tx), {
            merchantId: MERCHANT,
            paymentId: p.id,
            at: p.createdAt,
          });
        }
      });
    }
  }

  const stored = await db.sql<{ payment_id: string; features: Record<string, number> }[]>`
    select payment_id, features from fraud_assessments where merchant_id = ${MERCHANT}`;
  const online = new Map(stored.map((r) => [r.payment_id, r.features]));
  expect(online.size).toBe(sim.count);
  const mismatches: string[] = [];
  payments.forEach((p, i) => {
    const expected = namedFeatures(offline.values, i * FEATURE_NAMES.length);
    const actual = online.get(p.id)!;
    for (const name of FEATURE_NAMES) {
      if (!Object.is(actual[name], expected[name])) {
        mismatches.push(`row ${i} ${name}: online ${actual[name]} offline ${expected[name]}`);
      }
    }
  });
  expect(mismatches.slice(0, 10)).toEqual([]);
  // The history exercised every window: cards with earlier payments, terminals with known frauds and runs of them.
  const values = [...online.values()];
  expect(values.some((f) => f.card_tx_count_30d! > 10)).toBe(true);
  expect(values.some((f) => f.terminal_risk_30d! > 0)).toBe(true);
  expect(values.some((f) => f.terminal_risk_1d! > 0)).toBe(true);
  expect(values.some((f) => f.terminal_fraud_run! > 1 && f.terminal_fraud_run_hours! > 169)).toBe(true);
});
