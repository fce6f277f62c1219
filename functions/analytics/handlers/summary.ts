import { apiHandler } from '../../shared/http/api-handler';
import { parseQuery } from '../../shared/http/request';
import { summaryQuerySchema } from '../schemas';
import { merchantScope } from '../use-cases/scope';
import { summarize } from '../use-cases/summary';
import { analyticsReader } from '../composition';

export const handler = apiHandler('analytics:read', async ({ event, caller }) => {
  const query = parseQuery(event, summaryQuerySchema);
  const merchant = merchantScope(caller, query.merchant);
  return { status: 200, body: await summarize(await analyticsReader(), merchant, query, new Date()) };
});
