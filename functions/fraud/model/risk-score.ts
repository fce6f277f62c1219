import type { ModelMetadata } from './metadata';

/**
 * Probability -> calibrated 0-99 risk score.
 *
 * The model's raw probability is mapped through an isotonic regression fitted in Python on the training run's
 * validation window (held out after a 7-day gap) and stored in the metadata as a table of breakpoints: between
 * two breakpoints the calibrated value is interpolated linearly, outside them it is clipped (scikit-learn's
 * IsotonicRegression.predict). The score is floor(100 x calibrated), capped at 99: a score of s means that
 * about s% of the validation payments at that probability were fraud, so a threshold reads as a fraud rate.
 */
export function calibrate(probability: number, table: ModelMetadata['calibration']): number {
  const xs = table.probability;
  const ys = table.calibrated;
  const last = xs.length - 1;
  if (probability <= (xs[0] as number)) return ys[0] as number;
  if (probability >= (xs[last] as number)) return ys[last] as number;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) <= probability) lo = mid;
    else hi = mid;
  }
  const x0 = xs[lo] as number;
  const x1 = xs[hi] as number;
  const y0 = ys[lo] as number;
  const y1 = ys[hi] as number;
  return x1 === x0 ? y1 : y0 + ((probability - x0) * (y1 - y0)) / (x1 - x0);
}

export function riskScore(probability: number, metadata: Pick<ModelMetadata, 'calibration'>): number {
  if (!Number.isFinite(probability) || probability < 0 || probability > 1) {
    throw new Error(`not a probability: ${probability}`);
  }
  return Math.min(99, Math.floor(100 * calibrate(probability, metadata.calibration) + 1e-9));
}
