import { readFile } from 'node:fs/promises';
import * as z from 'zod';

/**
 * The part of a model's metadata JSON (written by models/training/train.py next to the .onnx) that serving
 * relies on. Other fields (training window, metrics, feature definition) are kept for people and audits.
 */
export const ModelMetadataSchema = z.looseObject({
  version: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  onnx: z.string().min(1),
  features: z.array(z.string().min(1)).min(1),
  model: z.looseObject({
    onnx_input: z.string().min(1),
    onnx_probabilities: z.string().min(1),
    probability_column: z.number().int().min(0),
  }),
  calibration: z.looseObject({
    method: z.literal('isotonic'),
    probability: z.array(z.number()).min(1),
    calibrated: z.array(z.number().min(0).max(1)).min(1),
  }),
  thresholds: z.looseObject({
    review: z.number().int().min(0).max(99),
    hold: z.number().int().min(0).max(99),
    decline: z.number().int().min(0).max(99),
  }),
});

export type ModelMetadata = z.infer<typeof ModelMetadataSchema>;

export function parseModelMetadata(json: unknown): ModelMetadata {
  const metadata = ModelMetadataSchema.parse(json);
  const { probability, calibrated } = metadata.calibration;
  if (probability.length !== calibrated.length)
    throw new Error('calibration table: columns of unequal length');
  for (let i = 1; i < probability.length; i++) {
    if ((probability[i] as number) < (probability[i - 1] as number)) {
      throw new Error('calibration table: probabilities not sorted');
    }
    if ((calibrated[i] as number) < (calibrated[i - 1] as number)) {
      throw new Error('calibration table: not monotonic');
    }
  }
  return metadata;
}

export async function readModelMetadata(path: string): Promise<ModelMetadata> {
  return parseModelMetadata(JSON.parse(await readFile(path, 'utf8')));
}
