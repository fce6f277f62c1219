import { sharedSql } from '../../shared/db/connection';
import { apiHandler } from '../../shared/http/api-handler';
import { idempotencyKeyOf } from '../../shared/http/idempotency-key';
import { parseBody, pathParameter } from '../../shared/http/request';
import { defineRoute } from '../../shared/http/route';
import { idempotentOperation, type IdempotentInput } from '../../shared/idempotency/idempotent-operation';
import { endpointDeps } from '../composition';
import { revealedSecretAnswer, sealedSecretAnswer } from '../resources';
import { emptyRequestSchema, parseResourceId } from '../schemas';
import { rotateSecret } from '../use-cases/endpoints';

const rotateOnce = idempotentOperation(
  'rotate-webhook-secret',
  sharedSql,
  async ({ merchantId, scope }: IdempotentInput<Record<string, never>>) => {
    const { endpoint, sealedSecret } = await rotateSecret(await endpointDeps(), merchantId, scope);
    return sealedSecretAnswer(endpoint, sealedSecret);
  },
);

export const route = defineRoute({
  name: 'RotateWebhookSecret',
  method: 'POST',
  path: '/webhook-endpoints/{id}/rotate-secret',
  scope: 'webhooks:write',
  summary: 'A new signing secret; the previous one keeps signing beside it for 24 hours',
  request: emptyRequestSchema,
  response: { status: 200, schema: 'WebhookEndpoint' },
  idempotent: true,
  function: { database: true, publishes: [], webhookSecrets: true },
});

export const handler = apiHandler(route, async ({ event, context, caller, correlationId }) => {
  const id = parseResourceId(pathParameter(event, 'id'), 'webhook endpoint');
  parseBody(event, emptyRequestSchema);
  const idempotencyKey = idempotencyKeyOf(event);
  const { result, replayed } = await rotateOnce(
    { merchantId: caller.merchantId, idempotencyKey, scope: id, body: {}, correlationId },
    context,
  );
  return {
    status: 200,
    body: await revealedSecretAnswer(result, (await endpointDeps()).sealer),
    headers: { 'idempotent-replayed': String(replayed) },
  };
});
