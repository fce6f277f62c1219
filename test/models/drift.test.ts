/**
 * Drift and shadow monitoring (`npm run model:monitor`) on a database seeded with assessments: a day whose scores
 * and amounts moved is flagged against the baseline window, a day like the baseline is not, and a shadow model is
 * compared with the active one on the labels reviewers and fraud reports gave.
 */
import { newId } from '../../functions/domain/ids';
import { FEATURE_NAMES } from '../../functions/fraud/features';
import { driftReport, histogram, psi, SCORE_EDGES } from '../../models/monitoring/drift';
import { startTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

describe('population stability index', () => {
  it('is 0 for the same distribution and grows as it moves', () => {
    expect(psi([10, 20, 70], [1, 2, 7])).toBeCloseTo(0, 12);
    const small = psi([10, 20, 70], [12, 22, 66]);
    const large = psi([10, 20, 70], [40, 30, 30]);
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThan(0.1);
    expect(large).toBeGreaterThan(0.25);
    expect(histogram([0, 0.5, 1, 4, 99], SCORE_EDGES)).toEqual([2, 1, 1, 0, 0, 0, 0, 0, 1]);
  });
});

it('flags the day that moved, not the one like the baseline, and compares the shadow on labels', async () => {
  const merchant = 'merchant_drift';
  const day = (d: number, k: number) => new Date(Date.UTC(2026, 10, 1 + d, 8, 0, k % 3600)).toISOString();
  const payments = [];
  const assessments = [];
  const labels = [];
  // baseline: days 0-9; report: day 20 (like the baseline) and day 21 (amounts x5, scores up)
  for (const [d, shifted] of [
    ...Array.from({ length: 10 }, (_, d) => [d, false] as const),
    [20, false],
    [21, true],
  ] as const) {
    for (let k = 0; k < 200; k++) {
      const id = newId();
      const at = day(d, k);
      const amount = (shifted ? 5 : 1) * (10 + (k % 50));
      const score = shifted ? 20 + (k % 60) : k % 10;
      const fraud = k % 20 === 0;
      const features = Object.fromEntries(
        FEATURE_NAMES.map((n) => [n, n === 'amount' ? amount : (k % 7) / 7]),
      );
      payments.push({
        id,
        merchant_id: merchant,
        status: 'approved',
        amount: amount * 100,
        currency: 'EUR',
        customer_id: `cus_${k}`,
        customer: { id: `cus_${k}` },
        payment_method: { type: 'card', fingerprint: `fp_${k}`, last4: '0000' },
        card_fingerprint: `fp_${k}`,
        terminal_id: `term_${k % 13}`,
        created_at: at,
        updated_at: at,
      });
      const action = score >= 80 ? 'hold' : 'approve';
      assessments.push({
        payment_id: id,
        merchant_id: merchant,
        event_id: newId(),
        model_version: 'active-1',
        probability: score / 100,
        score,
        action,
        applied: true,
        thresholds: { review: 60, hold: 80, decline: 95 },
        features,
        reasons: [],
        // the shadow holds every labelled fraud of the report days, and nothing else
        shadow:
          d >= 20
            ? {
                modelVersion: 'candidate-2',
                probability: 0,
                score: fraud ? 90 : 5,
                action: fraud ? 'hold' : 'approve',
              }
            : null,
        card_fingerprint: `fp_${k}`,
        terminal_id: `term_${k % 13}`,
        hour: Math.floor(Date.parse(at) / 3_600_000),
        amount_milli: amount * 1000,
        assessed_at: at,
      });
      if (fraud)
        labels.push({
          payment_id: id,
          merchant_id: merchant,
          fraud: true,
          source: 'fraud-report',
          labelled_at: at,
        });
    }
  }
  for (let k = 0; k < payments.length; k += 500) {
    await db.sql`insert into payments ${db.sql(payments.slice(k, k + 500))}`;
    await db.sql`insert into fraud_assessments ${db.sql(assessments.slice(k, k + 500) as never)}`;
  }
  await db.sql`insert into fraud_labels ${db.sql(labels)}`;

  const report = await driftReport(db.sql, {
    baseline: [new Date('2026-11-01'), new Date('2026-11-11')],
    report: [new Date('2026-11-21'), new Date('2026-11-23')],
  });
  expect(report.baselinePayments).toBe(2000);
  expect(report.days.map((d) => [d.day, d.payments, d.drifted])).toEqual([
    ['2026-11-21', 200, false],
    ['2026-11-22', 200, true],
  ]);
  expect(report.days[0]!.scorePsi).toBeLessThan(0.1);
  expect(report.days[1]!.scorePsi).toBeGreaterThan(0.25);
  expect(report.days[1]!.features[0]!.name).toBe('amount');
  expect(report.shadow).toHaveLength(1);
  expect(report.shadow[0]).toMatchObject({
    shadowModel: 'candidate-2',
    payments: 400,
    fraudsHeld: { shadow: 1, labelledFrauds: 20 },
    othersHeld: { shadow: 0 },
  });
  expect(report.shadow[0]!.fraudsHeld.active).toBeLessThan(1);
});
