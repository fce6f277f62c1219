import { apiHandler } from '../../shared/http/api-handler';
import { listResource } from '../../shared/http/pagination';
import { parseQuery, pathParameter } from '../../shared/http/request';
import { defineRoute } from '../../shared/http/route';
import { deliveryLogDeps } from '../composition';
import { deliveryResource } from '../resources';
import { listDeliveriesQuerySchema, parseResourceId } from '../schemas';
import { listDeliveries } from '../use-cases/deliveries';

export const route = defineRoute({
  name: 'ListWebhookDeliveries',
  method: 'GET',
  path: '/webhook-endpoints/{id}/deliveries',
  scope: 'webhooks:read',
  summary: "An endpoint's deliveries, newest first: attempts, last status and response time, next attempt",
  query: listDeliveriesQuerySchema,
  response: { status: 200, schema: 'WebhookDeliveryList' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const id = parseResourceId(pathParameter(event, 'id'), 'webhook endpoint');
  const query = parseQuery(event, listDeliveriesQuerySchema);
  const page = await listDeliveries(await deliveryLogDeps(), caller.merchantId, id, {
    limit: query.limit,
    ...(query.starting_after ? { startingAfter: query.starting_after } : {}),
  });
  return { status: 200, body: listResource(page.items.map(deliveryResource), page.hasMore) };
});
