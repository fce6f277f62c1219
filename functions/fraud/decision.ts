/**
 * From a calibrated risk score to what happens to the payment (design page, "Fraud decision"): below `review`
 * the payment is approved; from `review` it is approved and a review item is opened; from `hold` it is held
 * until a reviewer decides; from `decline` it fails.
 */
import * as z from 'zod';
import type { FraudAction } from '../domain/fraud-actions';
import type { PaymentStatus } from '../domain/payment-status';
import { jsonSetting } from './json-setting';

export { FRAUD_ACTIONS, type FraudAction } from '../domain/fraud-actions';

export interface Thresholds {
  review: number;
  hold: number;
  decline: number;
}

/** 0-99 like a risk score; 100 is allowed and means "never" (a score is at most 99). */
const threshold = z.number().int().min(0).max(100);

export const thresholdsSchema = z
  .object({ review: threshold, hold: threshold, decline: threshold })
  .strict()
  .refine((t) => t.review <= t.hold && t.hold <= t.decline, {
    error: 'thresholds must not fall: review <= hold <= decline',
  });

/**
 * FRAUD_THRESHOLDS, e.g. {"review":60,"hold":80,"decline":95} (set per environment by the CDK config). Unset:
 * `fallback`, the thresholds the active model's metadata recommends. A value that does not parse is a
 * configuration error and throws: scoring with thresholds nobody chose would be worse than not scoring.
 */
export function thresholdsFromEnvironment(raw: string | undefined, fallback: Thresholds): Thresholds {
  if (raw === undefined || raw.trim() === '') {
    return { review: fallback.review, hold: fallback.hold, decline: fallback.decline };
  }
  return jsonSetting('FRAUD_THRESHOLDS', raw, thresholdsSchema);
}

export function actionFor(score: number, thresholds: Thresholds): FraudAction {
  if (score >= thresholds.decline) return 'decline';
  if (score >= thresholds.hold) return 'hold';
  if (score >= thresholds.review) return 'review';
  return 'approve';
}

/** The status a pending payment moves to for each action. */
export const STATUS_AFTER: Readonly<Record<FraudAction, PaymentStatus>> = {
  approve: 'approved',
  review: 'in_review',
  hold: 'held',
  decline: 'failed',
};
