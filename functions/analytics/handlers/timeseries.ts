import { apiHandler } from '../../shared/http/api-handler';
import { sharedCache } from '../../shared/cache/connection';
import { cachedRead } from '../../shared/cache/cached-read';
import { defineRoute } from '../../shared/http/route';
import { parseQuery } from '../../shared/http/request';
import { timeseriesQuerySchema } from '../schemas';
import { merchantScope } from '../use-cases/scope';
import { timeseries } from '../use-cases/timeseries';
import { analyticsReader } from '../composition';
import { scopeLabel } from '../ports';
import { ANALYTICS_CACHE_SECONDS } from '../read-cache';

export const route = defineRoute({
  name: 'AnalyticsTimeseries',
  method: 'GET',
  path: '/analytics/timeseries',
  scope: 'analytics:read',
  summary: 'One metric per minute, hour or day over a time range, for charts',
  query: timeseriesQuerySchema,
  response: { status: 200, schema: 'AnalyticsTimeseries' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const query = parseQuery(event, timeseriesQuerySchema);
  const merchant = merchantScope(caller, query.merchant);
  const body = await cachedRead({
    cache: sharedCache,
    name: 'analytics:timeseries',
    parts: [scopeLabel(merchant), query],
    ttlSeconds: ANALYTICS_CACHE_SECONDS,
    read: async () => timeseries(await analyticsReader(), merchant, query, new Date()),
  });
  return { status: 200, body };
});
