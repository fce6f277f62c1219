import { defineRoute } from '../../shared/http/route';
import { endpointStatusHandler } from '../endpoint-status-handler';
import { emptyRequestSchema } from '../schemas';

export const route = defineRoute({
  name: 'DisableWebhookEndpoint',
  method: 'POST',
  path: '/webhook-endpoints/{id}/disable',
  scope: 'webhooks:write',
  summary: 'Disable an endpoint: no deliveries go to it until it is enabled',
  request: emptyRequestSchema,
  response: { status: 200, schema: 'WebhookEndpoint' },
  idempotent: true,
  function: { database: true, publishes: [] },
});

export const handler = endpointStatusHandler(route, 'disabled');
