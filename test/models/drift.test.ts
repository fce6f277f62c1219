/**
 * Drift and shadow monitoring (`npm run model:monitor`) on a database seeded with assessments: a day whose scores
 * and amounts moved is flagged against the baseline window, a day like the baseline is not, and a shadow model is
 * compared with the active one on the labels reviewers and fraud reports gave; and the drift reference a model
 * ships with (`model:train`, `model:reference`).
 */
import { newId } from '../../functions/domain/ids';
import { binCounts, parseDriftReference } from '../../functions/fraud/drift';
import { FEATURE_COUNT, FEATURE_NAMES } from '../../functions/fraud/features';
import type { ModelMetadata } from '../../functions/fraud/model';
import { exportFeatures } from '../../models/features/export';
import { driftReport, histogram, psi, SCORE_EDGES } from '../../models/monitoring/drift';
import { buildDriftReference } from '../../models/monitoring/reference';
import { REFERENCE_OPTIONS, simulate } from '../../models/simulator/simulate';
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

describe('the drift reference a model ships with', () => {
  it("counts the training window's rows: the model's own risk scores, and each of its features", async () => {
    const sim = simulate({ ...REFERENCE_OPTIONS, customers: 60, terminals: 120, days: 30, seed: 5 });
    const table = exportFeatures(sim);
    // a stand-in model: the probability is the amount over 1000, calibration the identity
    const features = ['amount', 'night', 'terminal_risk_7d'];
    const amountColumn = FEATURE_NAMES.indexOf('amount');
    const model = {
      version: 'stub-7',
      metadata: {
        features,
        calibration: { method: 'isotonic', probability: [0, 1], calibrated: [0, 1] },
      } as unknown as ModelMetadata,
      score: async () => new Float64Array(),
      async scorePacked(values: ArrayLike<number>, count: number) {
        return Float64Array.from({ length: count }, (_, r) =>
          Math.min(1, (values[r * FEATURE_COUNT + amountColumn] as number) / 1000),
        );
      },
    };
    const reference = await buildDriftReference(model, table, [10, 20], {
      from: '2018-04-11',
      to: '2018-04-20',
    });
    const inWindow = Array.from({ length: table.rows }, (_, r) => r).filter(
      (r) => table.day[r]! >= 10 && table.day[r]! < 20,
    );
    expect(reference.model).toBe('stub-7');
    expect(reference.window).toEqual({ from: '2018-04-11', to: '2018-04-20', payments: inWindow.length });
    const amounts = inWindow.map((r) => table.values[r * FEATURE_COUNT + amountColumn]!);
    expect(reference.score.counts).toEqual(
      binCounts(
        amounts.map((a) => Math.min(99, Math.floor(100 * Math.min(1, a / 1000) + 1e-9))),
        SCORE_EDGES.slice(1, -1),
      ),
    );
    expect(Object.keys(reference.features)).toEqual(features);
    expect(reference.features.amount!.counts).toEqual(binCounts(amounts, reference.features.amount!.cuts));
    // deciles: about a tenth of the window in each bin
    for (const c of reference.features.amount!.counts.slice(1)) {
      expect(c / inWindow.length).toBeGreaterThan(0.05);
      expect(c / inWindow.length).toBeLessThan(0.15);
    }
    expect(() => parseDriftReference(reference)).not.toThrow();
  });
});
