/**
 * The webhooks service's public face: signed deliveries of every event to merchants' endpoints. Everything
 * else in functions/webhooks/ is private to it (test/architecture/imports.test.ts checks that). The local platform
 * points it at its own queue and key file; tests build its use cases on their own adapters.
 */
export type {
  AddressResolver,
  DeliveryQueue,
  DeliveryStore,
  EndpointDisabledEvent,
  EndpointNotices,
  EndpointStore,
  KeyWrapper,
  SecretSealer,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookSender,
} from './ports';
export { DEFAULT_SETTINGS, settingsFromEnvironment, type WebhookSettings } from './settings';
export { backoffMs, nextAttemptAt, nominalSchedule, retryWindowMs } from './retry-schedule';
export { generateSecret, signatureHeaders } from './signature';
export { parseEndpointUrl, refusedAddress, resolveDestination, UnsafeDestinationError } from './destination';
export { EnvelopeSealer } from './sealing';
export { LocalKeyWrapper } from './adapters/local-key-wrapper';
export { PostgresDeliveryStore } from './adapters/postgres-delivery-store';
export { PostgresEndpointStore } from './adapters/postgres-endpoint-store';
export { SqsDeliveryQueue } from './adapters/sqs-delivery-queue';
export { HttpSender, RESPONSE_BODY_LIMIT } from './adapters/http-sender';
export { DnsResolver } from './adapters/dns-resolver';
export { PublishedNotices } from './adapters/published-notices';
export { webhooksConsumer, type FanOutDeps } from './consumer';
export { webhooksQueueHandler } from './queue-handler';
export { attemptDelivery, type AttemptDeps, type AttemptOutcome } from './use-cases/attempt-delivery';
export { listDeliveries, redeliver, type DeliveryLogDeps } from './use-cases/deliveries';
export {
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  registerEndpoint,
  rotateSecret,
  setEndpointStatus,
  ROTATION_OVERLAP_MS,
  type EndpointDeps,
} from './use-cases/endpoints';
export { sweepDueDeliveries, type SweepDeps } from './use-cases/sweep';
export { resetWebhooksRuntime, sweepWebhooks, useWebhooksQueue, type WebhooksRuntime } from './composition';
