/**
 * Response schemas of the analytics API: only the OpenAPI document uses them at run time; the use cases take
 * their types.
 */
import * as z from 'zod';
import { INTERVALS, METRICS } from './schemas';

const rate = z.number().min(0).nullable().meta({ description: 'null when its denominator is 0' });
const ms = z.number().nullable().meta({ description: 'milliseconds; null without samples' });

export const summaryResourceSchema = z
  .object({
    object: z.literal('analytics.summary'),
    merchant: z.string().meta({ description: 'the merchant id, or * for every merchant' }),
    from: z.string().meta({ description: 'start of the first minute covered' }),
    to: z.string().meta({ description: 'end of the last minute covered (exclusive)' }),
    currency: z.string().nullable(),
    volume: z.object({
      count: z.number().int(),
      byCurrency: z.array(
        z.object({
          currency: z.string(),
          count: z.number().int(),
          amount: z.number().int(),
          approvedAmount: z.number().int(),
          refundedAmount: z.number().int(),
          refundRate: rate.meta({ description: 'refunded amount / approved amount' }),
        }),
      ),
    }),
    counts: z.object({
      created: z.number().int(),
      approved: z.number().int(),
      failed: z.number().int(),
      anomalies: z.number().int(),
      flaggedForReview: z.number().int(),
      held: z.number().int(),
      declined: z
        .number()
        .int()
        .meta({ description: 'declined by the fraud model (AnomalyDetected decline)' }),
      reviewed: z.number().int(),
      reviewedAsFraud: z.number().int(),
      refunds: z.number().int(),
    }),
    failuresByReason: z.record(z.string(), z.number().int()),
    rates: z.object({
      approval: rate.meta({ description: 'approved / created' }),
      decline: rate.meta({ description: 'failed / created' }),
      fraud: rate.meta({ description: 'anomalies / created' }),
      refund: rate.meta({ description: 'refunds / approved' }),
    }),
    decisionLatencyMs: z.object({
      count: z.number().int(),
      mean: ms,
      p50: ms,
      p95: ms,
      p99: ms,
      relativeError: z
        .number()
        .meta({ description: 'bound of the percentiles relative error (histogram buckets)' }),
    }),
  })
  .meta({ id: 'AnalyticsSummary' });
export type SummaryResource = z.infer<typeof summaryResourceSchema>;

export const timeseriesResourceSchema = z
  .object({
    object: z.literal('analytics.timeseries'),
    merchant: z.string(),
    metric: z.enum(METRICS),
    interval: z.enum(INTERVALS),
    from: z.string(),
    to: z.string(),
    currency: z.string().nullable(),
    points: z.array(
      z.object({ t: z.string().meta({ description: 'period start' }), value: z.number().nullable() }),
    ),
  })
  .meta({ id: 'AnalyticsTimeseries' });
export type TimeseriesResource = z.infer<typeof timeseriesResourceSchema>;
