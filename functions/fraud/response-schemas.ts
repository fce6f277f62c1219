/**
 * Response schemas of the manual review API: only the OpenAPI document uses them (functions/api/openapi.ts).
 */
import * as z from 'zod';
import { paymentResourceSchema } from '../payments';
import { REVIEW_DECISIONS } from './ports';

export const reviewResourceSchema = z
  .object({
    object: z.literal('review'),
    paymentId: z.uuid(),
    kind: z.enum(['review', 'hold']).meta({
      description:
        'review: the payment went through and awaits a look; hold: nothing goes through until decided',
    }),
    status: z.enum(['open', 'decided']),
    openedAt: z.string(),
    decision: z.enum(REVIEW_DECISIONS).optional(),
    reviewer: z.string().optional(),
    note: z.string().optional(),
    decidedAt: z.string().optional(),
    allowedDecisions: z.array(z.enum(REVIEW_DECISIONS)),
    score: z.number().int(),
    modelVersion: z.string(),
    reasons: z.array(z.string()),
    payment: paymentResourceSchema,
  })
  .meta({ id: 'Review' });

export const operatorReviewResourceSchema = reviewResourceSchema
  .extend({ merchantId: z.string().meta({ description: 'the merchant whose payment is under review' }) })
  .meta({ id: 'OperatorReview' });

export const fraudLabelResourceSchema = z
  .object({
    object: z.literal('fraud_label'),
    paymentId: z.uuid(),
    fraud: z.literal(true),
    source: z.enum(['review', 'fraud-report', 'decline']).meta({
      description:
        "what labelled the payment fraud first: a reviewer's decision, a fraud report or the model's decline",
    }),
    labelledAt: z.string(),
  })
  .meta({ id: 'FraudLabel' });
