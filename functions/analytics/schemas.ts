/**
 * Query schemas and constants of the analytics API: they validate requests and, with ./response-schemas.ts,
 * produce the OpenAPI document.
 */
import * as z from 'zod';
import { isCurrencyCode } from '../domain/money';
import { dateTime } from '../shared/http/input/dates';
import { MERCHANT_ID_RULE, merchantIdSchema } from '../shared/http/input/identifiers';

export const MAX_RANGE_DAYS = 366;
/** A timeseries answers at most this many points: a year by day, a month by hour, a day by minute. */
export const MAX_POINTS = 1500;
export const DEFAULT_RANGE_MS = 24 * 3_600_000;

export const INTERVALS = ['1m', '1h', '1d'] as const;
export type Interval = (typeof INTERVALS)[number];

export const METRICS = [
  'payments_created',
  'payments_approved',
  'payments_failed',
  'payments_held',
  'anomalies',
  'refunds',
  'volume_amount',
  'approved_amount',
  'refunded_amount',
  'approval_rate',
  'fraud_rate',
  'decision_latency_p50',
  'decision_latency_p95',
  'decision_latency_p99',
] as const;
export type Metric = (typeof METRICS)[number];
/** Amounts are minor units of one currency: these metrics need `currency`. */
export const AMOUNT_METRICS: readonly Metric[] = ['volume_amount', 'approved_amount', 'refunded_amount'];

const isoDateTime = dateTime();

const currency = z
  .string()
  .transform((code) => code.toUpperCase())
  .refine(isCurrencyCode, { error: 'is not an ISO 4217 currency RamPay supports (e.g. USD, EUR, JPY, KWD)' });

/** The `merchant` query value that asks for every merchant's figures (analytics:admin only). */
export const EVERY_MERCHANT = '*';

const merchant = z
  .union([z.literal(EVERY_MERCHANT), merchantIdSchema], {
    error: `must be * (every merchant) or a merchant id: ${MERCHANT_ID_RULE}`,
  })
  .meta({
    description: 'analytics:admin only: * for every merchant, or one merchant id; default the caller',
  });

const rangeFields = {
  from: isoDateTime.optional().meta({ description: 'inclusive; default 24 hours before `to`' }),
  to: isoDateTime.optional().meta({ description: 'exclusive; default now' }),
  currency: currency.optional(),
  merchant: merchant.optional(),
};

function checkRange(q: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (q.from === undefined || q.to === undefined) return;
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
  else if (to - from > MAX_RANGE_DAYS * 86_400_000) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `the range from..to is longer than ${MAX_RANGE_DAYS} days; ask for a shorter one`,
    });
  }
}

export const summaryQuerySchema = z.object(rangeFields).strict().superRefine(checkRange);
export type SummaryQuery = z.infer<typeof summaryQuerySchema>;

export const timeseriesQuerySchema = z
  .object({
    metric: z.enum(METRICS, { error: `must be one of ${METRICS.join(', ')}` }),
    interval: z.enum(INTERVALS, { error: `must be one of ${INTERVALS.join(', ')}` }).default('1h'),
    ...rangeFields,
  })
  .strict()
  .superRefine(checkRange)
  .superRefine((q, ctx) => {
    if (AMOUNT_METRICS.includes(q.metric) && !q.currency) {
      ctx.addIssue({
        code: 'custom',
        path: ['currency'],
        message: `is required for ${q.metric}: amounts of different currencies do not add up`,
      });
    }
  });
export type TimeseriesQuery = z.infer<typeof timeseriesQuerySchema>;
