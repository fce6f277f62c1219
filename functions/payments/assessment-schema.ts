/**
 * The schema of a payment's fraud assessment as the API shows it (ports.ts: PaymentFraudAssessment); imported
 * first by ./response-schemas.ts, which keeps its place in the OpenAPI document's components.
 */
import * as z from 'zod';
import { FRAUD_ACTIONS } from '../domain/fraud-actions';

export const assessmentResourceSchema = z
  .object({
    object: z.literal('fraud_assessment'),
    score: z.number().int().min(0).max(99).meta({ description: 'calibrated risk score, 0-99' }),
    probability: z.number().min(0).max(1),
    modelVersion: z.string(),
    action: z.enum(FRAUD_ACTIONS),
    applied: z
      .boolean()
      .meta({ description: 'false when the payment had left pending before it was scored' }),
    reasons: z.array(z.string()),
    thresholds: z.object({ review: z.number().int(), hold: z.number().int(), decline: z.number().int() }),
    features: z.record(z.string(), z.number()),
    assessedAt: z.string(),
  })
  .meta({ id: 'FraudAssessment' });
