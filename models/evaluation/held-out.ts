import { FEATURE_COUNT } from '../../functions/fraud/features';
import { riskScore, type OnnxFraudModel } from '../../functions/fraud/model';
import { exportFeatures } from '../features/export';
import type { Simulation } from '../simulator/simulate';
import type { HeldOutScores } from './costs';
import { PROTOCOL, protocolFolds } from './protocol';

/**
 * The model's risk scores on a fresh simulation's held-out payments: every payment of the test days of the
 * handbook protocol's folds (days no model and no calibration saw), with their labels and reference amounts.
 */
export async function heldOutScores(model: OnnxFraudModel, sim: Simulation): Promise<HeldOutScores> {
  const table = exportFeatures(sim);
  // every payment of the test days (a deployment sees known compromised cards too), not only the protocol's rows
  const testDays = protocolFolds(table, sim.options.startDate).map((f) => [
    f.testFrom,
    f.testFrom + PROTOCOL.testDays,
  ]);
  const rows: number[] = [];
  for (let r = 0; r < table.rows; r++) {
    const d = table.day[r] as number;
    if (testDays.some(([from, to]) => d >= from! && d < to!)) rows.push(r);
  }
  const packed = new Float64Array(rows.length * FEATURE_COUNT);
  rows.forEach((r, k) =>
    packed.set(table.values.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT), k * FEATURE_COUNT),
  );
  const probabilities = await model.scorePacked(packed, rows.length);
  const scores = Uint8Array.from(probabilities, (p) => riskScore(p, model.metadata));
  return {
    scores,
    labels: Uint8Array.from(rows, (r) => table.labels[r] as number),
    amounts: Float64Array.from(rows, (r) => table.values[r * FEATURE_COUNT] as number),
    days: new Set(rows.map((r) => table.day[r])).size,
  };
}

/** Several held-out sets as one. */
export function pooled(sets: readonly HeldOutScores[]): HeldOutScores {
  const cat = <T extends Uint8Array | Float64Array>(
    pick: (s: HeldOutScores) => ArrayLike<number>,
    make: (n: number) => T,
  ): T => {
    const out = make(sets.reduce((a, s) => a + pick(s).length, 0));
    let at = 0;
    for (const s of sets) {
      out.set(pick(s), at);
      at += pick(s).length;
    }
    return out;
  };
  return {
    scores: cat(
      (s) => s.scores,
      (n) => new Uint8Array(n),
    ),
    labels: cat(
      (s) => s.labels,
      (n) => new Uint8Array(n),
    ),
    amounts: cat(
      (s) => s.amounts,
      (n) => new Float64Array(n),
    ),
    days: sets.reduce((a, s) => a + s.days, 0),
  };
}
