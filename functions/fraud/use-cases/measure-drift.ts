import { psi, scoreBinLabels } from '../drift/psi';
import type { Binned, DriftReference } from '../drift/reference';
import type { DriftSettings } from '../drift/settings';
import type { DriftBin, DriftReads } from '../ports';

export interface SeriesDrift {
  psi: number;
  mean: number;
}

/** One UTC day's assessments by one model against that model's training window. */
export interface DriftMeasurement {
  /** YYYY-MM-DD */
  day: string;
  model: string;
  /** the model's assessments that day */
  assessments: number;
  /** how many were measured (a sample of a large day) */
  measured: number;
  /** absent when the day had fewer than minimumAssessments */
  score?: SeriesDrift & {
    /** share of the measured payments in each score bin, by its label (scoreBinLabels) */
    shares: Record<string, number>;
  };
  features?: Record<string, SeriesDrift>;
  /** the feature that moved most */
  maxFeature?: { name: string; psi: number };
}

const DAY_MS = 86_400_000;

/** The UTC day before `now`'s: [its midnight, the next midnight). */
export function previousUtcDay(now: Date): { from: Date; to: Date } {
  const to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  return { from: new Date(to.getTime() - DAY_MS), to };
}

function drift(reference: Binned, bins: readonly DriftBin[]): SeriesDrift & { counts: number[] } {
  const counts = new Array<number>(reference.counts.length).fill(0);
  let total = 0;
  let sum = 0;
  for (const b of bins) {
    counts[b.bin] = (counts[b.bin] ?? 0) + b.count;
    total += b.count;
    sum += b.sum;
  }
  return { psi: psi(reference.counts, counts), mean: total > 0 ? sum / total : 0, counts };
}

/**
 * Measures the day starting at `from` (UTC midnight): the population stability index of the risk score and of
 * each feature of the reference, and their means, over the reference model's assessments of that day.
 */
export async function measureDrift(
  reads: DriftReads,
  reference: DriftReference,
  from: Date,
  settings: DriftSettings,
): Promise<DriftMeasurement> {
  const to = new Date(from.getTime() + DAY_MS);
  const model = reference.model;
  const day = from.toISOString().slice(0, 10);
  const assessments = await reads.countAssessments(model, from, to);
  if (assessments < settings.minimumAssessments) return { day, model, assessments, measured: 0 };
  const every = Math.max(1, Math.ceil(assessments / settings.sampleSize));
  const cuts = {
    score: reference.score.cuts,
    features: Object.fromEntries(Object.entries(reference.features).map(([name, f]) => [name, f.cuts])),
  };
  const bins = await reads.binAssessments(model, from, to, cuts, every);
  const score = drift(
    reference.score,
    bins.filter((b) => b.series.kind === 'score'),
  );
  const measured = score.counts.reduce((a, b) => a + b, 0);
  const features = Object.fromEntries(
    Object.entries(reference.features).map(([name, binned]) => {
      const { psi: value, mean } = drift(
        binned,
        bins.filter((b) => b.series.kind === 'feature' && b.series.name === name),
      );
      return [name, { psi: value, mean }];
    }),
  );
  const moved = Object.entries(features).sort((a, b) => b[1].psi - a[1].psi)[0];
  return {
    day,
    model,
    assessments,
    measured,
    score: {
      psi: score.psi,
      mean: score.mean,
      shares: Object.fromEntries(
        scoreBinLabels(reference.score.cuts).map((label, k) => [
          label,
          measured > 0 ? (score.counts[k] ?? 0) / measured : 0,
        ]),
      ),
    },
    features,
    ...(moved ? { maxFeature: { name: moved[0], psi: moved[1].psi } } : {}),
  };
}
