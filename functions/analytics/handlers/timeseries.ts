import { apiHandler } from '../../shared/http/api-handler';
import { parseQuery } from '../../shared/http/request';
import { timeseriesQuerySchema } from '../schemas';
import { merchantScope } from '../use-cases/scope';
import { timeseries } from '../use-cases/timeseries';
import { analyticsReader } from '../composition';

export const handler = apiHandler('analytics:read', async ({ event, caller }) => {
  const query = parseQuery(event, timeseriesQuerySchema);
  const merchant = merchantScope(caller, query.merchant);
  return { status: 200, body: await timeseries(await analyticsReader(), merchant, query, new Date()) };
});
