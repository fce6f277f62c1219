/**
 * GET /local/analytics: a local-only route that reads a merchant's analytics straight from the database with the
 * same use cases the API uses (the last day's summary, the last hour by minute, the last day by hour). It needs a
 * local token with analytics:read and answers for the token's merchant. Not deployed: the cloud has the
 * CloudWatch dashboard and the API; the console (./console.ts) reads the API's analytics routes.
 */
import { analyticsReaderOn, summarize, timeseries, type Metric } from '../../functions/analytics';
import type { Sql } from '../../functions/shared/db/client';
import { MERCHANT_CLAIM } from '../../functions/shared/http/auth';
import type { LocalRoute } from './http-server';

/** The merchant of the dev token bin/local.ts prints. */
export const DEV_MERCHANT = 'merchant_dev';

const MINUTE_METRICS: Metric[] = ['payments_created', 'payments_approved', 'payments_failed', 'anomalies'];

export interface DashboardOptions {
  sql: Sql;
  merchantId?: string;
  now?: () => Date;
}

/** Everything the page shows, in one answer: the last 24 hours' summary, the last hour by minute, the last day by hour. */
export async function dashboardData(options: DashboardOptions): Promise<Record<string, unknown>> {
  const reader = analyticsReaderOn(options.sql);
  const merchant = options.merchantId ?? DEV_MERCHANT;
  const now = options.now?.() ?? new Date();
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const [summary, reviewQueue, hourly, latency, ...minutes] = await Promise.all([
    summarize(reader, merchant, {}, now),
    reader.reviewQueueSize(merchant),
    timeseries(reader, merchant, { metric: 'payments_created', interval: '1h' }, now),
    timeseries(reader, merchant, { metric: 'decision_latency_p99', interval: '1h' }, now),
    ...MINUTE_METRICS.map((metric) =>
      timeseries(reader, merchant, { metric, interval: '1m', from: hourAgo }, now),
    ),
  ]);
  return {
    merchant,
    generatedAt: now.toISOString(),
    summary,
    reviewQueue,
    lastHourByMinute: Object.fromEntries(minutes.map((s) => [s.metric, s.points])),
    lastDayByHour: { payments_created: hourly.points, decision_latency_p99: latency.points },
  };
}

/** GET /local/analytics: the token's merchant's figures, straight from the database (the local platform only). */
export function dashboardRoutes(options: DashboardOptions): LocalRoute[] {
  return [
    {
      method: 'GET',
      path: '/local/analytics',
      scope: 'analytics:read',
      // The token's merchant: the page shows whoever's token it is given, and nobody else's figures.
      serve: async (request) => {
        const merchantId = request?.claims?.[MERCHANT_CLAIM];
        return {
          status: 200,
          body: await dashboardData({
            ...options,
            ...(typeof merchantId === 'string' ? { merchantId } : {}),
          }),
        };
      },
    },
  ];
}
