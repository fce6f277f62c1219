import { apiHandler } from '../../shared/http/api-handler';
import { parseQuery } from '../../shared/http/request';
import { listResource } from '../../shared/http/pagination';
import { paymentReads } from '../composition';
import { listEventsQuerySchema } from '../schemas';
import { listEvents } from '../use-cases/queries';

export const handler = apiHandler('payments:read', async ({ event, caller }) => {
  const query = parseQuery(event, listEventsQuerySchema);
  const page = await listEvents(await paymentReads(), caller.merchantId, query);
  return { status: 200, body: listResource(page.items, page.hasMore) };
});
