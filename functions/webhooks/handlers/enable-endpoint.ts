import { defineRoute } from '../../shared/http/route';
import { endpointStatusHandler } from '../endpoint-status-handler';
import { emptyRequestSchema } from '../schemas';

export const route = defineRoute({
  name: 'EnableWebhookEndpoint',
  method: 'POST',
  path: '/webhook-endpoints/{id}/enable',
  scope: 'webhooks:write',
  summary: 'Enable an endpoint: deliveries go to it again',
  request: emptyRequestSchema,
  response: { status: 200, schema: 'WebhookEndpoint' },
  idempotent: true,
  function: { database: true, publishes: [] },
});

export const handler = endpointStatusHandler(route, 'enabled');
