import { apiHandler } from '../../shared/http/api-handler';
import { sharedCache } from '../../shared/cache/connection';
import { cachedRead } from '../../shared/cache/cached-read';
import { defineRoute } from '../../shared/http/route';
import { parseQuery } from '../../shared/http/request';
import { summaryQuerySchema } from '../schemas';
import { merchantScope } from '../use-cases/scope';
import { summarize } from '../use-cases/summary';
import { analyticsReader } from '../composition';
import { scopeLabel } from '../ports';
import { ANALYTICS_CACHE_SECONDS } from '../read-cache';

export const route = defineRoute({
  name: 'AnalyticsSummary',
  method: 'GET',
  path: '/analytics/summary',
  scope: 'analytics:read',
  summary: 'Volume, approval, fraud and refund rates, decision latency percentiles over a time range',
  query: summaryQuerySchema,
  response: { status: 200, schema: 'AnalyticsSummary' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const query = parseQuery(event, summaryQuerySchema);
  const merchant = merchantScope(caller, query.merchant);
  const body = await cachedRead({
    cache: sharedCache,
    name: 'analytics:summary',
    parts: [scopeLabel(merchant), query],
    ttlSeconds: ANALYTICS_CACHE_SECONDS,
    read: async () => summarize(await analyticsReader(), merchant, query, new Date()),
  });
  return { status: 200, body };
});
