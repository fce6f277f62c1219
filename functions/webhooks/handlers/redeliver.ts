import { sharedSql } from '../../shared/db/connection';
import { apiHandler } from '../../shared/http/api-handler';
import { idempotencyKeyOf } from '../../shared/http/idempotency-key';
import { parseBody, pathParameter } from '../../shared/http/request';
import { defineRoute } from '../../shared/http/route';
import { idempotentOperation, type IdempotentInput } from '../../shared/idempotency/idempotent-operation';
import { deliveryLogDeps } from '../composition';
import { deliveryResource } from '../resources';
import { emptyRequestSchema, parseResourceId } from '../schemas';
import { redeliver } from '../use-cases/deliveries';

const redeliverOnce = idempotentOperation(
  'redeliver-webhook',
  sharedSql,
  async ({ merchantId, scope }: IdempotentInput<Record<string, never>>) => {
    const [endpointId, deliveryId] = scope.split('/') as [string, string];
    return deliveryResource(await redeliver(await deliveryLogDeps(), merchantId, endpointId, deliveryId));
  },
);

export const route = defineRoute({
  name: 'RedeliverWebhook',
  method: 'POST',
  path: '/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver',
  scope: 'webhooks:write',
  summary: 'Send a delivery again (within a minute), with a fresh 3-day retry window',
  request: emptyRequestSchema,
  response: { status: 202, schema: 'WebhookDelivery' },
  idempotent: true,
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, context, caller, correlationId }) => {
  const endpointId = parseResourceId(pathParameter(event, 'id'), 'webhook endpoint');
  const deliveryId = parseResourceId(pathParameter(event, 'deliveryId'), 'delivery');
  parseBody(event, emptyRequestSchema);
  const idempotencyKey = idempotencyKeyOf(event);
  const { result, replayed } = await redeliverOnce(
    {
      merchantId: caller.merchantId,
      idempotencyKey,
      scope: `${endpointId}/${deliveryId}`,
      body: {},
      correlationId,
    },
    context,
  );
  return { status: 202, body: result, headers: { 'idempotent-replayed': String(replayed) } };
});
