import { apiHandler } from '../../shared/http/api-handler';
import { listResource } from '../../shared/http/pagination';
import { parseQuery } from '../../shared/http/request';
import { defineRoute } from '../../shared/http/route';
import { endpointDeps } from '../composition';
import { endpointResource } from '../resources';
import { listEndpointsQuerySchema } from '../schemas';
import { listEndpoints } from '../use-cases/endpoints';

export const route = defineRoute({
  name: 'ListWebhookEndpoints',
  method: 'GET',
  path: '/webhook-endpoints',
  scope: 'webhooks:read',
  summary: "The merchant's webhook endpoints, newest first",
  query: listEndpointsQuerySchema,
  response: { status: 200, schema: 'WebhookEndpointList' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const query = parseQuery(event, listEndpointsQuerySchema);
  const page = await listEndpoints(await endpointDeps(), caller.merchantId, {
    limit: query.limit,
    ...(query.starting_after ? { startingAfter: query.starting_after } : {}),
  });
  return {
    status: 200,
    body: listResource(
      page.items.map((e) => endpointResource(e)),
      page.hasMore,
    ),
  };
});
