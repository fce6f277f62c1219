/** An endpoint's delivery log, and sending one delivery again. */
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors';
import type { DeliveryStore, EndpointStore, Page, PageOf, WebhookDelivery } from '../ports';

export interface DeliveryLogDeps {
  endpoints: EndpointStore;
  deliveries: DeliveryStore;
}

export async function listDeliveries(
  deps: DeliveryLogDeps,
  merchantId: string,
  endpointId: string,
  page: Page,
): Promise<PageOf<WebhookDelivery>> {
  if (!(await deps.endpoints.find(merchantId, endpointId)))
    throw new NotFoundError(`no webhook endpoint ${endpointId}`);
  const found = await deps.deliveries.list(merchantId, endpointId, page);
  if (found === 'unknown-cursor')
    throw new InvalidInputError([
      { field: 'query.starting_after', message: `no delivery ${page.startingAfter} to continue after` },
    ]);
  return found;
}

/**
 * Pending again, due now, with a fresh retry window; the next sweep wakes it (the API needs no queue rights).
 * The endpoint must be enabled.
 */
export async function redeliver(
  deps: DeliveryLogDeps,
  merchantId: string,
  endpointId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  const endpoint = await deps.endpoints.find(merchantId, endpointId);
  if (!endpoint) throw new NotFoundError(`no webhook endpoint ${endpointId}`);
  if (endpoint.status !== 'enabled')
    throw new ConflictError(
      'webhook-endpoint-disabled',
      `webhook endpoint ${endpointId} is disabled; enable it first (POST /webhook-endpoints/${endpointId}/enable)`,
    );
  const delivery = await deps.deliveries.redeliver(merchantId, endpointId, deliveryId);
  if (!delivery) throw new NotFoundError(`no delivery ${deliveryId} of webhook endpoint ${endpointId}`);
  return delivery;
}
