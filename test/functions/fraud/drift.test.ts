/**
 * The daily drift measurement (functions/fraud/use-cases/measure-drift.ts over adapters/postgres-drift-reads.ts)
 * on real PostgreSQL: PostgreSQL bins the day's scores and features exactly as the reference's bins are cut; a
 * day like the training window is stable and a day whose amounts and scores moved is flagged with the feature
 * that moved; the day's bounds, the model and the minimum are respected; a large day is measured on an even
 * sample; and the scheduled handler publishes what it measured as the catalogue's metrics.
 */
import fc from 'fast-check';
import { newId } from '../../../functions/domain/ids';
import { PostgresDriftReads } from '../../../functions/fraud/adapters/postgres-drift-reads';
import {
  binCounts,
  binnedFeature,
  binnedScores,
  driftCuts,
  driftSettingsFromEnvironment,
  DRIFT_DEFAULTS,
  psi,
  readDriftReference,
  referencePathFor,
  SCORE_BIN_LABELS,
  type DriftReference,
} from '../../../functions/fraud/drift';
import { FEATURE_NAMES, type FeatureName } from '../../../functions/fraud/features';
import { modelMetadataPath } from '../../../functions/fraud/model-location';
import { measureDrift, previousUtcDay } from '../../../functions/fraud/use-cases/measure-drift';
import { useSharedSql } from '../../../functions/shared/db/connection';
import {
  findMetric,
  hasDimensionSet,
  RAMPAY_METRICS,
  RAMPAY_NAMESPACE,
} from '../../../functions/shared/metrics/catalogue';
import { startTestDatabase, type TestDatabase } from '../../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const DAY = 86_400_000;
const SETTINGS = { minimumAssessments: 50, sampleSize: 100_000 };

/** A payment's features: `amount` as given, the others cycling through a few values (as a card's counts do). */
function featuresOf(k: number, amount: number): Record<FeatureName, number> {
  return Object.fromEntries(
    FEATURE_NAMES.map((name, j) => [name, name === 'amount' ? amount : ((k + j) % 7) / 7]),
  ) as Record<FeatureName, number>;
}

interface Seeded {
  at: Date;
  model: string;
  score: number;
  features: Record<FeatureName, number>;
}

async function seed(rows: readonly Seeded[]): Promise<void> {
  const payments = [];
  const assessments = [];
  for (const r of rows) {
    const id = newId();
    const at = r.at.toISOString();
    payments.push({
      id,
      merchant_id: 'merchant_drift',
      status: 'approved',
      amount: Math.round(r.features.amount * 100),
      currency: 'EUR',
      customer_id: 'cus_1',
      customer: { id: 'cus_1' },
      payment_method: { type: 'card', fingerprint: 'fp_1', last4: '0000' },
      card_fingerprint: 'fp_1',
      terminal_id: 'term_1',
      created_at: at,
      updated_at: at,
    });
    assessments.push({
      payment_id: id,
      merchant_id: 'merchant_drift',
      event_id: newId(),
      model_version: r.model,
      probability: r.score / 100,
      score: r.score,
      action: 'approve',
      applied: true,
      thresholds: { review: 60, hold: 80, decline: 95 },
      features: r.features,
      reasons: [],
      shadow: null,
      card_fingerprint: 'fp_1',
      terminal_id: 'term_1',
      hour: Math.floor(r.at.getTime() / 3_600_000),
      amount_milli: Math.round(r.features.amount * 1000),
      assessed_at: at,
    });
  }
  for (let k = 0; k < payments.length; k += 500) {
    await db.sql`insert into payments ${db.sql(payments.slice(k, k + 500))}`;
    await db.sql`insert into fraud_assessments ${db.sql(assessments.slice(k, k + 500) as never)}`;
  }
}

/** `count` assessments spread over the UTC day starting at `day`. */
function dayOf(day: Date, count: number, model: string, shifted: boolean): Seeded[] {
  return Array.from({ length: count }, (_, k) => ({
    at: new Date(day.getTime() + Math.floor((k * DAY) / count)),
    model,
    score: shifted ? 20 + (k % 60) : k % 10,
    features: featuresOf(k, (shifted ? 5 : 1) * (10 + (k % 50))),
  }));
}

/** The reference of a training window of `count` payments like dayOf's unshifted ones. */
function referenceOf(model: string, count: number): DriftReference {
  const window = dayOf(new Date('2026-01-01T00:00:00Z'), count, model, false);
  return {
    model,
    window: { from: '2026-01-01', to: '2026-01-31', payments: count },
    score: binnedScores(window.map((r) => r.score)),
    features: Object.fromEntries(
      FEATURE_NAMES.map((name) => [name, binnedFeature(Float64Array.from(window, (r) => r.features[name]))]),
    ),
  };
}

describe('bins', () => {
  it('are cut where the reference cuts them, in PostgreSQL as in the reference (values on the cuts included)', async () => {
    const reads = new PostgresDriftReads(db.sql);
    const day = new Date('2026-03-01T00:00:00Z');
    const reference = referenceOf('bins-1', 700);
    // Scores on every bin edge, and amounts exactly on the reference's cuts, below the first and above the last.
    const amountCuts = reference.features.amount!.cuts;
    const amounts = [
      ...amountCuts,
      amountCuts[0]! - 1,
      amountCuts.at(-1)! + 1,
      ...amountCuts.map((c) => c + 1e-9),
    ];
    const rows: Seeded[] = [...Array.from({ length: 100 }, (_, s) => s), ...amounts].map((v, k) => ({
      at: new Date(day.getTime() + k * 1000),
      model: 'bins-1',
      score: k < 100 ? v : 0,
      features: featuresOf(k, k < 100 ? 10 : v),
    }));
    await seed(rows);
    const bins = await reads.binAssessments(
      'bins-1',
      day,
      new Date(day.getTime() + DAY),
      {
        score: reference.score.cuts,
        features: Object.fromEntries(Object.entries(reference.features).map(([n, f]) => [n, f.cuts])),
      },
      1,
    );
    const counted = (kind: 'score' | 'feature', name: string, cuts: readonly number[]) => {
      const counts = new Array<number>(cuts.length + 1).fill(0);
      for (const b of bins) {
        if (b.series.kind === kind && (kind === 'score' || (b.series as { name: string }).name === name))
          counts[b.bin] = b.count;
      }
      return counts;
    };
    expect(counted('score', '', reference.score.cuts)).toEqual(
      binCounts(
        rows.map((r) => r.score),
        reference.score.cuts,
      ),
    );
    for (const name of FEATURE_NAMES) {
      const cuts = reference.features[name]!.cuts;
      expect({ name, counts: counted('feature', name, cuts) }).toEqual({
        name,
        counts: binCounts(
          rows.map((r) => r.features[name]),
          cuts,
        ),
      });
    }
  });

  it('give a feature that is mostly one value bins of its own beside it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 20, maxLength: 200 }),
        fc.integer({ min: 500, max: 2000 }),
        (tail, zeros) => {
          const values = Float64Array.from([...new Array<number>(zeros).fill(0), ...tail]);
          const cuts = driftCuts(values);
          const counts = binCounts(values, cuts);
          // the zeros alone in one bin, the tail spread over others
          expect(counts[cuts.indexOf(0) + 1]).toBe(zeros);
          expect(counts.filter((c) => c > 0).length).toBeGreaterThan(2);
          // cuts rise strictly
          expect(cuts.every((c, k) => k === 0 || c > cuts[k - 1]!)).toBe(true);
        },
      ),
      { seed: 7, numRuns: 50 },
    );
  });
});

describe('measureDrift', () => {
  const model = 'drift-1';
  const reference = referenceOf(model, 2000);
  const stable = new Date('2026-04-10T00:00:00Z');
  const moved = new Date('2026-04-11T00:00:00Z');
  const quiet = new Date('2026-04-12T00:00:00Z');

  beforeAll(async () => {
    await seed([
      ...dayOf(stable, 400, model, false),
      ...dayOf(moved, 400, model, true),
      ...dayOf(quiet, 20, model, true),
      // another model's payments of the moved day, and the next day's first instant: neither is measured
      ...dayOf(moved, 300, 'other-2', false),
      { at: new Date(moved.getTime() + DAY), model, score: 99, features: featuresOf(0, 9999) },
    ]);
  });

  it('finds a day like the training window stable', async () => {
    const m = await measureDrift(new PostgresDriftReads(db.sql), reference, stable, SETTINGS);
    expect(m).toMatchObject({ day: '2026-04-10', model, assessments: 400, measured: 400 });
    expect(m.score!.psi).toBeLessThan(0.1);
    expect(m.maxFeature!.psi).toBeLessThan(0.1);
    expect(m.score!.mean).toBeCloseTo(4.5, 10);
    expect(Object.values(m.score!.shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('flags the day whose scores and amounts moved, naming the amount, with the PSI the reference gives', async () => {
    const m = await measureDrift(new PostgresDriftReads(db.sql), reference, moved, SETTINGS);
    expect(m).toMatchObject({ day: '2026-04-11', assessments: 400, measured: 400 });
    const day = dayOf(moved, 400, model, true);
    expect(m.score!.psi).toBeCloseTo(
      psi(
        reference.score.counts,
        binCounts(
          day.map((r) => r.score),
          reference.score.cuts,
        ),
      ),
      10,
    );
    expect(m.score!.psi).toBeGreaterThan(0.2);
    expect(m.maxFeature).toEqual({ name: 'amount', psi: m.features!.amount!.psi });
    expect(m.maxFeature!.psi).toBeGreaterThan(0.2);
    // the other features did not move
    expect(m.features!.night!.psi).toBeLessThan(0.01);
    expect(m.features!.amount!.mean).toBeCloseTo(day.reduce((a, r) => a + r.features.amount, 0) / 400, 8);
    expect(Object.keys(m.score!.shares)).toEqual(SCORE_BIN_LABELS);
  });

  it('computes nothing for a day with fewer assessments than the minimum', async () => {
    const m = await measureDrift(new PostgresDriftReads(db.sql), reference, quiet, SETTINGS);
    // its 20, and the moved day's next instant: 00:00:00 belongs to the day it starts
    expect(m).toEqual({ day: '2026-04-12', model, assessments: 21, measured: 0 });
  });

  it('measures an even sample of a day with more assessments than the sample size', async () => {
    const m = await measureDrift(new PostgresDriftReads(db.sql), reference, moved, {
      minimumAssessments: 50,
      sampleSize: 100,
    });
    expect(m.assessments).toBe(400);
    // one in four by a hash of the payment id: about 100
    expect(m.measured).toBeGreaterThan(50);
    expect(m.measured).toBeLessThan(160);
    expect(m.maxFeature!.name).toBe('amount');
  });

  it('reads its settings from FRAUD_DRIFT, the defaults without it, and refuses a bad one', () => {
    expect(driftSettingsFromEnvironment(undefined)).toEqual(DRIFT_DEFAULTS);
    expect(driftSettingsFromEnvironment('{"minimumAssessments":10,"sampleSize":5000}')).toEqual({
      minimumAssessments: 10,
      sampleSize: 5000,
    });
    expect(() => driftSettingsFromEnvironment('{"minimumAssessments":0,"sampleSize":5000}')).toThrow(
      /FRAUD_DRIFT .*minimumAssessments/,
    );
    expect(() => driftSettingsFromEnvironment('500')).toThrow(/FRAUD_DRIFT/);
    expect(() => driftSettingsFromEnvironment('{')).toThrow('FRAUD_DRIFT is not JSON: {');
  });

  it('takes the UTC day before now', () => {
    expect(previousUtcDay(new Date('2026-04-12T00:30:00Z'))).toEqual({
      from: new Date('2026-04-11T00:00:00Z'),
      to: new Date('2026-04-12T00:00:00Z'),
    });
    expect(previousUtcDay(new Date('2026-04-12T00:00:00Z')).from).toEqual(new Date('2026-04-11T00:00:00Z'));
  });
});

describe('the scheduled handler', () => {
  it("measures yesterday against the committed model's reference and publishes the catalogue's metrics", async () => {
    const committed = await readDriftReference(
      referencePathFor(modelMetadataPath(undefined, `${__dirname}/../../../models`)),
    );
    const yesterday = previousUtcDay(new Date()).from;
    await seed(dayOf(yesterday, 600, committed.model, false));
    useSharedSql(db.sql);
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const env = { ...process.env };
    process.env.RAMPAY_ENV = 'test';
    delete process.env.FRAUD_MODEL;
    delete process.env.MODEL_DIR;
    delete process.env.FRAUD_DRIFT;
    let measurement;
    try {
      const { handler } = await import('../../../functions/fraud/handlers/measure-drift');
      measurement = await handler();
    } finally {
      write.mockRestore();
      process.env = env;
    }
    expect(measurement).toMatchObject({
      day: yesterday.toISOString().slice(0, 10),
      model: committed.model,
      assessments: 600,
      measured: 600,
    });
    const published = lines
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('CloudWatchMetrics'))
      .flatMap((l) => {
        const emf = JSON.parse(l) as Record<string, unknown> & {
          _aws: {
            CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
          };
        };
        return emf._aws.CloudWatchMetrics.flatMap((d) =>
          d.Metrics.map((m) => ({
            namespace: d.Namespace,
            name: m.Name,
            dimensions: d.Dimensions[0]!,
            value: emf[m.Name] as number,
            feature: emf.feature as string | undefined,
            scoreBin: emf.scoreBin as string | undefined,
            environment: emf.environment,
            service: emf.service,
          })),
        );
      });
    for (const p of published) {
      const definition = findMetric(p.namespace, p.name);
      expect({
        name: p.name,
        declared: definition !== undefined && hasDimensionSet(definition, p.dimensions),
      }).toEqual({
        name: p.name,
        declared: true,
      });
      expect(p).toMatchObject({ namespace: RAMPAY_NAMESPACE, service: 'fraud', environment: 'test' });
    }
    const value = (name: string, filter: Partial<{ feature: string; scoreBin: string }> = {}) =>
      published.find(
        (p) =>
          p.name === name &&
          (filter.feature === undefined || p.feature === filter.feature) &&
          (filter.scoreBin === undefined || p.scoreBin === filter.scoreBin),
      )?.value;
    expect(value('DriftAssessments')).toBe(600);
    expect(value('ScorePsi')).toBe(measurement!.score!.psi);
    expect(value('ScoreMean')).toBe(measurement!.score!.mean);
    expect(value('MaxFeaturePsi')).toBe(measurement!.maxFeature!.psi);
    for (const name of Object.keys(committed.features)) {
      expect(value('FeaturePsi', { feature: name })).toBe(measurement!.features![name]!.psi);
      expect(value('FeatureMean', { feature: name })).toBe(measurement!.features![name]!.mean);
    }
    for (const label of SCORE_BIN_LABELS) {
      expect(value('ScoreShare', { scoreBin: label })).toBe(100 * measurement!.score!.shares[label]!);
    }
    // every drift metric of the catalogue was published
    const drift = Object.values(RAMPAY_METRICS).filter(
      (m) => m.emittedBy === 'functions/fraud/drift-metrics.ts',
    );
    expect(new Set(published.map((p) => p.name))).toEqual(new Set(drift.map((m) => m.name)));
  });
});
