import { readFile, writeFile } from 'node:fs/promises';
import {
  binnedFeature,
  binnedScores,
  referencePathFor,
  type DriftReference,
} from '../../functions/fraud/drift';
import { FEATURE_COUNT, FEATURE_NAMES } from '../../functions/fraud/features';
import { OnnxFraudModel, riskScore, type FraudModel } from '../../functions/fraud/model';
import type { FeatureTable } from '../features/export';

const BATCH = 20_000;

/**
 * A model's drift reference (functions/fraud/drift/reference.ts) from its training window: the rows of `table`
 * whose day is in [days[0], days[1]), scored by the model itself (its calibrated risk score, as serving scores),
 * and each of the model's features in bins cut at its own quantiles (driftCuts). `window` names those days (UTC dates, both included).
 */
export async function buildDriftReference(
  model: FraudModel,
  table: FeatureTable,
  days: readonly [number, number],
  window: { from: string; to: string },
  onProgress: (done: number, total: number) => void = () => {},
): Promise<DriftReference> {
  const rows: number[] = [];
  for (let r = 0; r < table.rows; r++) {
    const day = table.day[r] as number;
    if (day >= days[0] && day < days[1]) rows.push(r);
  }
  if (rows.length === 0) throw new Error(`no rows in days ${days[0]}..${days[1] - 1}`);
  const scores = new Int32Array(rows.length);
  const packed = new Float64Array(BATCH * FEATURE_COUNT);
  for (let from = 0; from < rows.length; from += BATCH) {
    const count = Math.min(BATCH, rows.length - from);
    for (let k = 0; k < count; k++) {
      const r = rows[from + k] as number;
      packed.set(table.values.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT), k * FEATURE_COUNT);
    }
    const probabilities = await model.scorePacked(packed.subarray(0, count * FEATURE_COUNT), count);
    for (let k = 0; k < count; k++) scores[from + k] = riskScore(probabilities[k] as number, model.metadata);
    onProgress(from + count, rows.length);
  }
  const features = Object.fromEntries(
    model.metadata.features.map((name) => {
      const column = (FEATURE_NAMES as readonly string[]).indexOf(name);
      if (column < 0) throw new Error(`model ${model.version} reads "${name}", which is not computed`);
      const values = Float64Array.from(rows, (r) => table.values[r * FEATURE_COUNT + column] as number);
      return [name, binnedFeature(values)];
    }),
  );
  return {
    model: model.version,
    window: { from: window.from, to: window.to, payments: rows.length },
    score: binnedScores(scores),
    features,
  };
}

/** Writes the reference beside the model's metadata (fraud-<version>.reference.json), formatted as lint wants it. */
export async function writeDriftReference(metadataPath: string, reference: DriftReference): Promise<string> {
  const file = referencePathFor(metadataPath);
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  await writeFile(file, await prettier.format(JSON.stringify(reference), { ...config, filepath: file }));
  return file;
}

/** The training window recorded in a model's metadata: its day span and dates. */
export async function trainingWindowOf(metadataPath: string): Promise<{
  days?: [number, number];
  from: string;
  to: string;
  rows?: number;
  simulation?: Record<string, unknown>;
}> {
  const metadata = JSON.parse(await readFile(metadataPath, 'utf8')) as {
    training?: {
      days?: [number, number];
      from?: string;
      to?: string;
      rows?: number;
      simulation?: Record<string, unknown>;
    };
  };
  const training = metadata.training;
  if (!training?.from || !training.to) throw new Error(`${metadataPath}: no training window`);
  return {
    from: training.from,
    to: training.to,
    ...(training.days ? { days: training.days } : {}),
    ...(training.rows === undefined ? {} : { rows: training.rows }),
    ...(training.simulation ? { simulation: training.simulation } : {}),
  };
}

/**
 * After training: the new model's drift reference from the rows it was trained on, written beside it. Returns
 * the file.
 */
export async function writeReferenceOfTraining(
  metadataPath: string,
  table: FeatureTable,
  days: readonly [number, number],
  window: { from: string; to: string },
  onProgress?: (done: number, total: number) => void,
): Promise<string> {
  const model = await OnnxFraudModel.load({ metadataPath });
  return writeDriftReference(metadataPath, await buildDriftReference(model, table, days, window, onProgress));
}
