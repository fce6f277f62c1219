/**
 * Request and response schemas of the manual review API. They validate requests and produce the OpenAPI document.
 */
import * as z from 'zod';
import { pageLimit } from '../shared/http/pagination';
import { paymentResourceSchema } from '../payments/schemas';
import { REVIEW_DECISIONS } from './ports';

export { assessmentResourceSchema } from './assessment-schema';

export const listReviewsQuerySchema = z
  .object({
    limit: pageLimit(),
    starting_after: z
      .uuid({ error: 'must be the paymentId of a review from a previous page' })
      .transform((id) => id.toLowerCase())
      .optional(),
  })
  .strict();
export type ListReviewsQuery = z.infer<typeof listReviewsQuerySchema>;

export const decideReviewRequestSchema = z
  .object({
    decision: z.enum(REVIEW_DECISIONS, {
      error: 'must be approve or reject (for a held payment), or confirm or fraud (for a payment in review)',
    }),
    note: z.string().max(1000, { error: 'must be at most 1000 characters' }).optional(),
  })
  .strict()
  .meta({ id: 'ReviewDecisionRequest' });
export type DecideReviewRequest = z.infer<typeof decideReviewRequestSchema>;

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

/** POST /payments/{id}/fraud-reports takes no body (an empty JSON object is accepted). */
export const reportFraudRequestSchema = z.object({}).strict();

export const fraudLabelResourceSchema = z
  .object({
    object: z.literal('fraud_label'),
    paymentId: z.uuid(),
    fraud: z.literal(true),
    source: z.enum(['review', 'fraud-report']).meta({
      description: "what labelled the payment fraud first: a reviewer's decision or a fraud report",
    }),
    labelledAt: z.string(),
  })
  .meta({ id: 'FraudLabel' });
