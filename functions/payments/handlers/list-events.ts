import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { parseQuery } from '../../shared/http/request';
import { listResource } from '../../shared/http/pagination';
import { paymentReads } from '../composition';
import { listEventsQuerySchema } from '../schemas';
import { listEvents } from '../use-cases/queries';

export const route = defineRoute({
  name: 'ListEvents',
  method: 'GET',
  path: '/events',
  scope: 'payments:read',
  summary: "The merchant's event feed, newest first",
  query: listEventsQuerySchema,
  response: { status: 200, schema: 'EventList' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const query = parseQuery(event, listEventsQuerySchema);
  const page = await listEvents(await paymentReads(), caller.merchantId, query);
  return { status: 200, body: listResource(page.items, page.hasMore) };
});
