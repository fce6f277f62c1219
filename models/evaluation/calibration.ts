/**
 * Calibration and threshold bands measured on held-out payments (the evaluation's test days: simulations and
 * days the model never saw, its isotonic table included), so neither is judged on the window it was fitted on.
 */
export interface ReliabilityBin {
  /** calibrated probability range [from, to) */
  from: number;
  to: number;
  payments: number;
  /** mean calibrated probability in the bin */
  predicted: number;
  /** share of the bin's payments that were fraud */
  observed: number;
}

export const RELIABILITY_EDGES = [0, 0.01, 0.05, 0.2, 0.5, 0.8, 0.9, 1.000001] as const;

export function reliability(calibrated: ArrayLike<number>, labels: ArrayLike<number>): ReliabilityBin[] {
  const bins = RELIABILITY_EDGES.slice(0, -1).map((from, k) => ({
    from,
    to: RELIABILITY_EDGES[k + 1] as number,
    payments: 0,
    sum: 0,
    frauds: 0,
  }));
  for (let i = 0; i < calibrated.length; i++) {
    const p = calibrated[i] as number;
    const bin = bins.find((b) => p >= b.from && p < b.to)!;
    bin.payments++;
    bin.sum += p;
    bin.frauds += labels[i] as number;
  }
  return bins.map((b) => ({
    from: b.from,
    to: Math.min(1, b.to),
    payments: b.payments,
    predicted: b.payments > 0 ? b.sum / b.payments : 0,
    observed: b.payments > 0 ? b.frauds / b.payments : 0,
  }));
}

/** Mean squared difference between the calibrated probability and the label. */
export function brierScore(calibrated: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < calibrated.length; i++) sum += ((calibrated[i] as number) - (labels[i] as number)) ** 2;
  return calibrated.length > 0 ? sum / calibrated.length : 0;
}

export interface Band {
  name: string;
  scoreAtLeast: number;
  shareOfPayments: number;
  precision: number | null;
  recall: number;
  /** share of the fraud amount (reference units) at or above the band */
  amountRecall: number;
}

/** What each threshold catches: payments at or above it, their precision, and the frauds (count and amount) caught. */
export function thresholdBands(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  amounts: ArrayLike<number>,
  thresholds: Readonly<Record<string, number>>,
): Band[] {
  let frauds = 0;
  let fraudAmount = 0;
  for (let i = 0; i < labels.length; i++) {
    frauds += labels[i] as number;
    fraudAmount += (labels[i] as number) * (amounts[i] as number);
  }
  return Object.entries(thresholds).map(([name, t]) => {
    let n = 0;
    let caught = 0;
    let caughtAmount = 0;
    for (let i = 0; i < scores.length; i++) {
      if ((scores[i] as number) < t) continue;
      n++;
      caught += labels[i] as number;
      caughtAmount += (labels[i] as number) * (amounts[i] as number);
    }
    return {
      name,
      scoreAtLeast: t,
      shareOfPayments: scores.length > 0 ? n / scores.length : 0,
      precision: n > 0 ? caught / n : null,
      recall: frauds > 0 ? caught / frauds : 0,
      amountRecall: fraudAmount > 0 ? caughtAmount / fraudAmount : 0,
    };
  });
}
