/**
 * The local platform's dashboard page at `/`: plain HTML, a script and Chart.js served from node_modules, no
 * build step. The page reads GET /local/analytics, a local-only route that reads a merchant's analytics straight
 * from the database with the same use cases the API uses. That route needs a local token with analytics:read and
 * answers for the token's merchant; the page takes the token from its address's fragment (`/#token=...`, as
 * `npm start` prints it; a fragment never reaches the server's logs) and keeps it for the browser tab. Not
 * deployed: the cloud has the CloudWatch dashboard and the API.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { analyticsReaderOn, summarize, timeseries, type Metric } from '../../functions/analytics';
import type { Sql } from '../../functions/shared/db/client';
import { MERCHANT_CLAIM } from '../../functions/shared/http/auth';
import type { LocalRoute } from './http-server';

/** The merchant of the dev token bin/local.ts prints. */
export const DEV_MERCHANT = 'merchant_dev';

const STATIC_DIR = path.join(__dirname, 'dashboard');
const CHART_JS = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

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

function staticFile(file: string, contentType: string): LocalRoute['serve'] {
  return async () => ({ status: 200, body: await readFile(file, 'utf8'), contentType });
}

export function dashboardRoutes(options: DashboardOptions): LocalRoute[] {
  return [
    {
      method: 'GET',
      path: '/',
      serve: staticFile(path.join(STATIC_DIR, 'index.html'), 'text/html; charset=utf-8'),
    },
    {
      method: 'GET',
      path: '/dashboard/app.js',
      serve: staticFile(path.join(STATIC_DIR, 'app.js'), 'text/javascript; charset=utf-8'),
    },
    {
      method: 'GET',
      path: '/dashboard/style.css',
      serve: staticFile(path.join(STATIC_DIR, 'style.css'), 'text/css; charset=utf-8'),
    },
    {
      method: 'GET',
      path: '/dashboard/chart.js',
      serve: staticFile(CHART_JS, 'text/javascript; charset=utf-8'),
    },
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
