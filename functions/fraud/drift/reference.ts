/**
 * A model's drift reference: how its risk score and each of its features were distributed over its training
 * window, in the bins drift is measured in (psi.ts). It ships beside the model as
 * `fraud-<version>.reference.json`, written by `npm run model:train` (or `npm run model:reference` for a model
 * trained before), and the drift measurement compares each day's assessments with it.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { binCounts, driftCuts, SCORE_CUTS } from './psi';

const binned = z
  .strictObject({
    /** sorted, each once */
    cuts: z.array(z.number()),
    /** one count per bin: cuts.length + 1 */
    counts: z.array(z.number().int().min(0)),
  })
  .refine((b) => b.counts.length === b.cuts.length + 1, 'counts must have one more entry than cuts')
  .refine((b) => b.cuts.every((c, k) => k === 0 || c > b.cuts[k - 1]!), 'cuts must rise strictly');

export const DriftReferenceSchema = z.strictObject({
  /** the model version it describes */
  model: z.string().min(1),
  /** the training window (UTC days, both included) and how many payments it held */
  window: z.strictObject({
    from: z.iso.date(),
    to: z.iso.date(),
    payments: z.number().int().positive(),
  }),
  score: binned,
  features: z.record(z.string().min(1), binned),
});

export type DriftReference = z.infer<typeof DriftReferenceSchema>;
export type Binned = DriftReference['score'];

/** Risk scores counted in the score bins (SCORE_CUTS). */
export function binnedScores(scores: Iterable<number>): Binned {
  return { cuts: [...SCORE_CUTS], counts: binCounts(scores, SCORE_CUTS) };
}

/** A feature's values counted in bins cut where driftCuts cuts them. */
export function binnedFeature(values: Float64Array): Binned {
  const cuts = driftCuts(values);
  return { cuts, counts: binCounts(values, cuts) };
}

/** The reference file of the model whose metadata is at `metadataPath` (fraud-<version>.json). */
export function referencePathFor(metadataPath: string): string {
  if (!metadataPath.endsWith('.json')) throw new Error(`not a model metadata file: ${metadataPath}`);
  return `${metadataPath.slice(0, -'.json'.length)}.reference.json`;
}

export function parseDriftReference(json: unknown): DriftReference {
  return DriftReferenceSchema.parse(json);
}

export async function readDriftReference(file: string): Promise<DriftReference> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`no drift reference at ${file}: write it with npm run model:reference`, { cause: error });
  }
  return parseDriftReference(JSON.parse(text));
}
