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

const enableOnce = idempotentOperation(
  'enable-webhook-endpoint',
  sharedSql,
  async ({ merchantId, scope }: IdempotentInput<Record<string, never>>) =>
    endpointResource(await setEndpointStatus(await endpointDeps(), merchantId, scope, 'enabled')),
);

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

export const handler = apiHandler(route, async ({ event, context, caller, correlationId }) => {
  const id = parseResourceId(pathParameter(event, 'id'), 'webhook endpoint');
  parseBody(event, emptyRequestSchema);
  const idempotencyKey = idempotencyKeyOf(event);
  const { result, replayed } = await enableOnce(
    { merchantId: caller.merchantId, idempotencyKey, scope: id, body: {}, correlationId },
    context,
  );
  return { status: 200, body: result, headers: { 'idempotent-replayed': String(replayed) } };
});
