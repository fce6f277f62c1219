import * as z from 'zod';
import { jsonSetting } from '../json-setting';

/** How the daily drift measurement reads a day (FRAUD_DRIFT; lib/infra's `fraud.drift` config sets it). */
export interface DriftSettings {
  /** Fewer of the model's assessments than this in the day: too few for a PSI to mean anything, none is computed. */
  minimumAssessments: number;
  /** More than this: an even sample of about this many is measured. */
  sampleSize: number;
}

export const DRIFT_DEFAULTS: DriftSettings = { minimumAssessments: 500, sampleSize: 200_000 };

const driftSettingsSchema = z.strictObject({
  minimumAssessments: z.number().int().min(1),
  sampleSize: z.number().int().min(1000),
});

/** FRAUD_DRIFT (`{"minimumAssessments":N,"sampleSize":M}`), or the defaults when it is unset. */
export function driftSettingsFromEnvironment(raw: string | undefined): DriftSettings {
  if (raw === undefined || raw.trim() === '') return { ...DRIFT_DEFAULTS };
  return jsonSetting('FRAUD_DRIFT', raw, driftSettingsSchema);
}
