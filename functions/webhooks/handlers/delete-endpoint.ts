import { apiHandler } from '../../shared/http/api-handler';
import { pathParameter } from '../../shared/http/request';
import { defineRoute } from '../../shared/http/route';
import { endpointDeps } from '../composition';
import { parseResourceId } from '../schemas';
import { deleteEndpoint } from '../use-cases/endpoints';

export const route = defineRoute({
  name: 'DeleteWebhookEndpoint',
  method: 'DELETE',
  path: '/webhook-endpoints/{id}',
  scope: 'webhooks:write',
  summary: 'Delete a webhook endpoint and its delivery log; nothing is sent to it any more',
  response: { status: 200, schema: 'DeletedWebhookEndpoint' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const id = parseResourceId(pathParameter(event, 'id'), 'webhook endpoint');
  await deleteEndpoint(await endpointDeps(), caller.merchantId, id);
  return { status: 200, body: { id, object: 'webhook_endpoint', deleted: true } };
});
