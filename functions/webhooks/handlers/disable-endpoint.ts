import { sharedSql } from '../../shared/db/connection';
import { apiHandler } from '../../shared/http/api-handler';
import { idempotencyKeyOf } from '../../shared/http/idempotency-key';
import { parseBody, pathParameter } from '../../shared/http/request';
import { defineRoute } from '../../shared/http/route';
import { idempotentOperation, type IdempotentInput } from '../../shared/idempotency/idempotent-operation';
import { endpointDeps } from '../composition';
import { endpointResource } from '../resources';
import { emptyRequestSchema, parseResourceId } from '../schemas';
import { setEndpointStatus } from '../use-cases/endpoints';

const disableOnce = idempotentOperation(
  'disable-webhook-endpoint',
  sharedSql,
  async ({ merchantId, scope }: IdempotentInput<Record<string, never>>) =>
    endpointResource(await setEndpointStatus(await endpointDeps(), merchantId, scope, 'disabled')),
);

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

export const handler = apiHandler(route, async ({ event, context, caller, correlationId }) => {
  const id = parseResourceId(pathParameter(event, 'id'), 'webhook endpoint');
  parseBody(event, emptyRequestSchema);
  const idempotencyKey = idempotencyKeyOf(event);
  const { result, replayed } = await disableOnce(
    { merchantId: caller.merchantId, idempotencyKey, scope: id, body: {}, correlationId },
    context,
  );
  return { status: 200, body: result, headers: { 'idempotent-replayed': String(replayed) } };
});
