import { sharedSql } from '../../shared/db/connection';
import { apiHandler } from '../../shared/http/api-handler';
import { idempotencyKeyOf } from '../../shared/http/idempotency-key';
import { parseBody } from '../../shared/http/request';
import { defineRoute } from '../../shared/http/route';
import { idempotentOperation, type IdempotentInput } from '../../shared/idempotency/idempotent-operation';
import { endpointDeps } from '../composition';
import { revealedSecretAnswer, sealedSecretAnswer } from '../resources';
import { createEndpointRequestSchema, type CreateEndpointRequest } from '../schemas';
import { registerEndpoint } from '../use-cases/endpoints';

// The stored result keeps the secret sealed; only the answer opens it.
const registerOnce = idempotentOperation(
  'create-webhook-endpoint',
  sharedSql,
  async ({ merchantId, body }: IdempotentInput<CreateEndpointRequest>) => {
    const { endpoint, sealedSecret } = await registerEndpoint(await endpointDeps(), merchantId, body);
    return sealedSecretAnswer(endpoint, sealedSecret);
  },
);

export const route = defineRoute({
  name: 'CreateWebhookEndpoint',
  method: 'POST',
  path: '/webhook-endpoints',
  scope: 'webhooks:write',
  summary: 'Register a webhook endpoint; the answer carries its signing secret, shown only here',
  request: createEndpointRequestSchema,
  response: { status: 201, schema: 'WebhookEndpoint' },
  idempotent: true,
  function: { database: true, publishes: [], webhookSecrets: true },
});

export const handler = apiHandler(route, async ({ event, context, caller, correlationId }) => {
  const body = parseBody(event, createEndpointRequestSchema);
  const idempotencyKey = idempotencyKeyOf(event);
  const { result, replayed } = await registerOnce(
    { merchantId: caller.merchantId, idempotencyKey, scope: 'webhook-endpoints', body, correlationId },
    context,
  );
  return {
    status: 201,
    body: await revealedSecretAnswer(result, (await endpointDeps()).sealer),
    headers: { 'idempotent-replayed': String(replayed) },
  };
});
