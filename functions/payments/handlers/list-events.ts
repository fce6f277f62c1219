import { apiHandler } from '../../shared/http/api-handler';
import { parseQuery } from '../../shared/http/request';
import { listResource } from '../resources';
import { listEventsQuerySchema } from '../schemas';
import { listEvents } from '../use-cases/queries';
import { paymentReads } from '../read-wiring';

export const handler = apiHandler('payments:read', async ({ event, caller }) => {
  const query = parseQuery(event, listEventsQuerySchema);
  const page = await listEvents(await paymentReads(), caller.merchantId, query);
  return { status: 200, body: listResource(page.items, page.hasMore) };
});
