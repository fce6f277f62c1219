/** The API's view of endpoints and deliveries. */
import type { WebhookDelivery, WebhookEndpoint } from './ports';

export function endpointResource(endpoint: WebhookEndpoint, secret?: string) {
  return {
    id: endpoint.id,
    object: 'webhook_endpoint' as const,
    url: endpoint.url,
    events: endpoint.events,
    ...(endpoint.description === null ? {} : { description: endpoint.description }),
    status: endpoint.status,
    ...(endpoint.disabledReason ? { disabledReason: endpoint.disabledReason } : {}),
    ...(endpoint.disabledAt ? { disabledAt: endpoint.disabledAt.toISOString() } : {}),
    ...(endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date()
      ? { previousSecretExpiresAt: endpoint.previousSecretExpiresAt.toISOString() }
      : {}),
    ...(secret === undefined ? {} : { secret }),
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

export function deliveryResource(delivery: WebhookDelivery) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: delivery.id,
    object: 'webhook_delivery' as const,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastResponseMs: delivery.lastResponseMs,
    lastResponseBody: delivery.lastResponseBody,
    lastError: delivery.lastError,
    lastAttemptAt: iso(delivery.lastAttemptAt),
    nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
    createdAt: delivery.createdAt.toISOString(),
  };
}

export type EndpointResource = ReturnType<typeof endpointResource>;

/** An answer that carries a secret, as an idempotent result stores it: the secret still sealed. */
export interface SealedSecretAnswer {
  resource: EndpointResource;
  sealedSecret: string;
}

export function sealedSecretAnswer(endpoint: WebhookEndpoint, sealedSecret: string): SealedSecretAnswer {
  return { resource: endpointResource(endpoint), sealedSecret };
}

/** The answer the merchant reads: the resource with its secret opened. */
export async function revealedSecretAnswer(
  answer: SealedSecretAnswer,
  sealer: { open(sealed: string, endpointId: string): Promise<string> },
): Promise<EndpointResource & { secret: string }> {
  const { createdAt, updatedAt, ...rest } = answer.resource;
  return {
    ...rest,
    secret: await sealer.open(answer.sealedSecret, answer.resource.id),
    createdAt,
    updatedAt,
  };
}
