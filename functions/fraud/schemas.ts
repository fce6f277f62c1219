/**
 * Request schemas of the manual review API: they validate requests and, with ./response-schemas.ts, produce the
 * OpenAPI document.
 */
import * as z from 'zod';
import { pageLimit } from '../shared/http/pagination';
import { text } from '../shared/http/input/text';
import { REVIEW_DECISIONS } from './ports';

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
    note: text(1000).optional(),
  })
  .strict()
  .meta({ id: 'ReviewDecisionRequest' });
export type DecideReviewRequest = z.infer<typeof decideReviewRequestSchema>;

/** POST /payments/{id}/fraud-reports takes no body (an empty JSON object is accepted). */
export const reportFraudRequestSchema = z.object({}).strict();
