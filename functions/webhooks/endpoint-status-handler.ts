import { sharedSql } from '../shared/db/connection';
import { apiHandler, type ApiHandler } from '../shared/http/api-handler';
import { idempotencyKeyOf } from '../shared/http/idempotency-key';
import { parseBody, pathParameter } from '../shared/http/request';
import type { RouteDefinition } from '../shared/http/route';
import { idempotentOperation, type IdempotentInput } from '../shared/idempotency/idempotent-operation';
import { endpointDeps } from './composition';
import { endpointResource } from './resources';
import { emptyRequestSchema, parseResourceId } from './schemas';
import { setEndpointStatus } from './use-cases/endpoints';

/** The handler of POST /webhook-endpoints/{id}/enable or /disable: an idempotent change of the endpoint's status. */
export function endpointStatusHandler(route: RouteDefinition, status: 'enabled' | 'disabled'): ApiHandler {
  const setOnce = idempotentOperation(
    status === 'enabled' ? 'enable-webhook-endpoint' : 'disable-webhook-endpoint',
    sharedSql,
    async ({ merchantId, scope }: IdempotentInput<Record<string, never>>) =>
      endpointResource(await setEndpointStatus(await endpointDeps(), merchantId, scope, status)),
  );
  return apiHandler(route, async ({ event, context, caller, correlationId }) => {
    const id = parseResourceId(pathParameter(event, 'id'), 'webhook endpoint');
    parseBody(event, emptyRequestSchema);
    const idempotencyKey = idempotencyKeyOf(event);
    const { result, replayed } = await setOnce(
      { merchantId: caller.merchantId, idempotencyKey, scope: id, body: {}, correlationId },
      context,
    );
    return { status: 200, body: result, headers: { 'idempotent-replayed': String(replayed) } };
  });
}
