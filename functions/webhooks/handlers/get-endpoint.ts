import { apiHandler } from '../../shared/http/api-handler';
import { pathParameter } from '../../shared/http/request';
import { defineRoute } from '../../shared/http/route';
import { endpointDeps } from '../composition';
import { endpointResource } from '../resources';
import { parseResourceId } from '../schemas';
import { getEndpoint } from '../use-cases/endpoints';

export const route = defineRoute({
  name: 'GetWebhookEndpoint',
  method: 'GET',
  path: '/webhook-endpoints/{id}',
  scope: 'webhooks:read',
  summary: 'One webhook endpoint (without its secret)',
  response: { status: 200, schema: 'WebhookEndpoint' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const id = parseResourceId(pathParameter(event, 'id'), 'webhook endpoint');
  return {
    status: 200,
    body: endpointResource(await getEndpoint(await endpointDeps(), caller.merchantId, id)),
  };
});
