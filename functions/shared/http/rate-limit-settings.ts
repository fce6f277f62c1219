import * as z from 'zod';
import { MERCHANT_ID_PATTERN, MERCHANT_ID_RULE } from './input/patterns';

/**
 * The classes of route a merchant's budget is split into: each has its own limit, so a burst of reads never
 * spends the budget of payments, and refunds and review decisions are capped on their own.
 */
export const RATE_LIMIT_CLASSES = ['reads', 'writes', 'refunds', 'reviews'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

export const rateSchema = z.object({
  /** Requests per period; all of them may come at once (the burst is the limit). */
  limit: z.number().int().min(1).max(1_000_000),
  periodSeconds: z.number().int().min(1).max(3600),
});

const perClass = z.object({
  reads: rateSchema,
  writes: rateSchema,
  refunds: rateSchema,
  reviews: rateSchema,
});

/** Every merchant's default limits, and per merchant the classes whose limit differs. */
export const rateLimitSettingsSchema = z.object({
  defaults: perClass,
  merchants: z
    .record(z.string().regex(MERCHANT_ID_PATTERN, `a merchant id: ${MERCHANT_ID_RULE}`), perClass.partial())
    .default({}),
});
export type RateLimitSettings = z.output<typeof rateLimitSettingsSchema>;
export type RateLimitSettingsInput = z.input<typeof rateLimitSettingsSchema>;

/**
 * Without RATE_LIMITS (the local platform, tests): generous enough for every test and a developer's clicking, low
 * enough that a runaway script meets a 429.
 */
export const LOCAL_RATE_LIMITS: RateLimitSettings = {
  defaults: {
    reads: { limit: 500, periodSeconds: 1 },
    writes: { limit: 200, periodSeconds: 1 },
    refunds: { limit: 100, periodSeconds: 1 },
    reviews: { limit: 100, periodSeconds: 1 },
  },
  merchants: {},
};

/** RATE_LIMITS (JSON, set per environment by the CDK config), else LOCAL_RATE_LIMITS; a bad value throws. */
export function rateLimitSettingsFromEnvironment(value: string | undefined): RateLimitSettings {
  if (!value) return LOCAL_RATE_LIMITS;
  const parsed = rateLimitSettingsSchema.safeParse(JSON.parse(value));
  if (!parsed.success) throw new Error(`RATE_LIMITS is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
