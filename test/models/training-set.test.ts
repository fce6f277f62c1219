/**
 * @jest-environment ./test/models/support/onnx-environment.js
 *
 * The training set a deployment exports from its own data (`npm run model:train -- --from-database`): stored
 * assessments and their dated labels, on a database seeded with a simulated history.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newId } from '../../functions/domain/ids';
import { OnnxFraudModel } from '../../functions/fraud/model';
import { readDriftReference, referencePathFor } from '../../functions/fraud/drift';
import { trainFromDatabase } from '../../models/database/train-from-database';
import { FEATURE_COUNT, FEATURE_NAMES, hourIndex, namedFeatures } from '../../functions/fraud/features';
import { exportTrainingSet, timeSplit } from '../../models/database/training-set';
import { exportFeatures } from '../../models/features/export';
import { REFERENCE_OPTIONS, simulate } from '../../models/simulator/simulate';
import { startTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const DAY = 86_400_000;
const SOURCES = ['fraud-report', 'review', 'decline'] as const;

it('exports every assessment old enough for the label delay, with the labels known at the export time', async () => {
  const sim = simulate({ ...REFERENCE_OPTIONS, customers: 40, terminals: 80, days: 40, seed: 41 });
  const offline = exportFeatures(sim);
  const merchant = 'merchant_training';
  const payments = [];
  const assessments = [];
  const labels = [];
  const at = (i: number) => sim.startMs + (sim.timeSeconds[i] as number) * 1000;
  for (let i = 0; i < sim.count; i++) {
    const id = newId();
    const created = new Date(at(i)).toISOString();
    const card = `fp_train_${sim.customer[i]}`;
    payments.push({
      id,
      merchant_id: merchant,
      status: 'approved',
      amount: Math.max(1, sim.amountCents[i] as number),
      currency: 'EUR',
      customer_id: `cus_${sim.customer[i]}`,
      customer: { id: `cus_${sim.customer[i]}` },
      payment_method: { type: 'card', fingerprint: card, last4: '0000' },
      card_fingerprint: card,
      terminal_id: `term_${sim.terminal[i]}`,
      created_at: created,
      updated_at: created,
    });
    assessments.push({
      payment_id: id,
      merchant_id: merchant,
      event_id: newId(),
      model_version: 'm-test',
      probability: 0.1,
      score: 10,
      action: 'approve',
      applied: true,
      thresholds: { review: 60, hold: 80, decline: 95 },
      features: namedFeatures(offline.values, i * FEATURE_COUNT),
      reasons: [],
      card_fingerprint: card,
      terminal_id: `term_${sim.terminal[i]}`,
      hour: hourIndex(at(i)),
      amount_milli: (sim.amountCents[i] as number) * 10,
      assessed_at: created,
    });
    // a fraud is labelled 0 to 11 days after the payment, by one of the three sources
    if (sim.fraud[i] === 1) {
      labels.push({
        payment_id: id,
        merchant_id: merchant,
        fraud: true,
        source: SOURCES[i % 3]!,
        labelled_at: new Date(at(i) + (i % 12) * DAY).toISOString(),
      });
    }
  }
  for (let k = 0; k < payments.length; k += 500) {
    await db.sql`insert into payments ${db.sql(payments.slice(k, k + 500))}`;
    await db.sql`insert into fraud_assessments ${db.sql(assessments.slice(k, k + 500) as never)}`;
  }
  for (let k = 0; k < labels.length; k += 500) {
    await db.sql`insert into fraud_labels ${db.sql(labels.slice(k, k + 500))}`;
  }

  const asOf = new Date(sim.startMs + 40 * DAY);
  const set = await exportTrainingSet(db.sql, { asOf });
  const lastHour = hourIndex(asOf.getTime()) - 7 * 24 - 1;
  const expected = [...Array(sim.count).keys()].filter((i) => hourIndex(at(i)) <= lastHour);
  expect(set.table.rows).toBe(expected.length);
  expect(set.leftOut).toEqual({ tooRecent: sim.count - expected.length, otherFeatures: 0 });
  expect(set.days).toBe(33);
  let frauds = 0;
  const bySource: Record<string, number> = {};
  expected.forEach((i, row) => {
    const known = sim.fraud[i] === 1 && at(i) + (i % 12) * DAY <= asOf.getTime();
    if (known) {
      frauds++;
      bySource[SOURCES[i % 3]!] = (bySource[SOURCES[i % 3]!] ?? 0) + 1;
    }
    expect(set.table.labels[row]).toBe(known ? 1 : 0);
    expect(set.table.day[row]).toBe(Math.floor(at(i) / DAY) - Math.floor(sim.startMs / DAY));
    expect(Array.from(set.table.values.subarray(row * FEATURE_COUNT, (row + 1) * FEATURE_COUNT))).toEqual(
      Array.from(offline.values.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)),
    );
  });
  expect(frauds).toBeGreaterThan(20);
  expect(set.frauds).toBe(frauds);
  expect(set.fraudsBySource).toEqual(bySource);
  // some frauds were labelled too late to be seen
  expect(frauds).toBeLessThan(expected.filter((i) => sim.fraud[i] === 1).length);

  // another merchant's data stays out of a merchant's export
  expect((await exportTrainingSet(db.sql, { asOf, merchantId: 'someone_else' })).table.rows).toBe(0);
  // an export as of an earlier day is the one that day would have given
  const earlier = await exportTrainingSet(db.sql, { asOf: new Date(sim.startMs + 30 * DAY) });
  expect(earlier.table.rows).toBeLessThan(set.table.rows);
  expect(earlier.frauds).toBeLessThan(set.frauds);
  expect(FEATURE_NAMES).toHaveLength(FEATURE_COUNT);

  // and `model:train -- --from-database` trains on it: a model that loads and ranks the validation frauds
  const out = await mkdtemp(path.join(tmpdir(), 'rampay-train-db-'));
  try {
    const trained = await trainFromDatabase(db.sql, {
      asOf,
      validWindow: 10,
      out,
      quiet: true,
      log: () => undefined,
    });
    const start = (d: number) => new Date(sim.startMs + d * DAY).toISOString().slice(0, 10);
    expect(trained.training).toEqual({ from: start(0), to: start(15) });
    expect(trained.validation).toEqual({ from: start(23), to: start(32) });
    const metadata = JSON.parse(await readFile(path.join(out, trained.report.metadata), 'utf8')) as {
      training: { source: string; frauds_by_label_source: Record<string, number> };
    };
    expect(metadata.training.source).toMatch(/database/);
    expect(metadata.training.frauds_by_label_source).toEqual(bySource);
    expect(trained.report.comparison.hist_gradient_boosting!.auc_roc).toBeGreaterThan(0.5);
    const model = await OnnxFraudModel.load({ metadataPath: path.join(out, trained.report.metadata) });
    expect(model.version).toBe(trained.report.version);
    // with its drift reference: the training window's payments, scored by the model itself
    const reference = await readDriftReference(referencePathFor(path.join(out, trained.report.metadata)));
    expect(reference.model).toBe(trained.report.version);
    expect(reference.window).toEqual({ ...trained.training, payments: expect.any(Number) });
    expect(reference.score.counts.reduce((a, b) => a + b, 0)).toBe(reference.window.payments);
    expect(Object.keys(reference.features)).toEqual(model.metadata.features);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

it('splits by time: training, then a gap of the label delay, then the validation days', () => {
  expect(timeSplit(60)).toEqual({ train: [0, 39], valid: [46, 60] });
  expect(timeSplit(40, 10)).toEqual({ train: [0, 23], valid: [30, 40] });
  expect(() => timeSplit(25)).toThrow(/at least 7 days/);
});
