/**
 * The webhooks service's composition, built once per container from the environment (settings.ts lists it):
 * the stores on the shared database client, the secret sealer (KMS, or the local key file), the system
 * resolver, the HTTP sender and the webhooks queue. The API's readers build only what they use.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { lambdaComposition } from '../shared/consumer/dependencies';
import type { ConsumerComposition } from '../shared/consumer/runtime';
import { sharedSql } from '../shared/db/connection';
import { logger } from '../shared/logger';
import { memo } from '../shared/memo';
import { OutboxPublisher } from '../shared/outbox/committed-publisher';
import { sharedPublisher } from '../shared/outbox/publisher';
import type { FanOutDeps } from './consumer';
import { DnsResolver } from './adapters/dns-resolver';
import { HttpSender } from './adapters/http-sender';
import { KmsKeyWrapper } from './adapters/kms-key-wrapper';
import { LocalKeyWrapper } from './adapters/local-key-wrapper';
import { PostgresDeliveryStore } from './adapters/postgres-delivery-store';
import { PostgresEndpointStore } from './adapters/postgres-endpoint-store';
import { PublishedNotices } from './adapters/published-notices';
import { SqsDeliveryQueue } from './adapters/sqs-delivery-queue';
import type { DeliveryQueue, KeyWrapper } from './ports';
import { EnvelopeSealer } from './sealing';
import { settingsFromEnvironment } from './settings';
import type { AttemptDeps } from './use-cases/attempt-delivery';
import type { DeliveryLogDeps } from './use-cases/deliveries';
import type { EndpointDeps } from './use-cases/endpoints';
import { sweepDueDeliveries, type SweepDeps, type SweepResult } from './use-cases/sweep';

const SDK_TIMEOUTS = { connectionTimeout: 3000, requestTimeout: 10_000 };

export function keyWrapperFromEnvironment(env: NodeJS.ProcessEnv): KeyWrapper {
  if (env.WEBHOOKS_KMS_KEY_ID)
    return new KmsKeyWrapper(new KMSClient({ requestHandler: SDK_TIMEOUTS }), env.WEBHOOKS_KMS_KEY_ID);
  if (env.WEBHOOKS_SECRET_KEY_FILE) return LocalKeyWrapper.fromFile(env.WEBHOOKS_SECRET_KEY_FILE);
  throw new Error(
    'set WEBHOOKS_KMS_KEY_ID (AWS) or WEBHOOKS_SECRET_KEY_FILE (local) to seal webhook secrets',
  );
}

let queueOverride: DeliveryQueue | undefined;

/** The local platform's queue (its own SQS client); undefined goes back to WEBHOOKS_QUEUE_URL. */
export function useWebhooksQueue(queue: DeliveryQueue | undefined): void {
  queueOverride = queue;
  resetWebhooksRuntime();
}

function queueFromEnvironment(env: NodeJS.ProcessEnv): DeliveryQueue {
  if (queueOverride) return queueOverride;
  if (!env.WEBHOOKS_QUEUE_URL) throw new Error('WEBHOOKS_QUEUE_URL must name the webhooks queue');
  return new SqsDeliveryQueue(new SQSClient({ requestHandler: SDK_TIMEOUTS }), env.WEBHOOKS_QUEUE_URL);
}

const sealer = /* @__PURE__ */ memo(async () => new EnvelopeSealer(keyWrapperFromEnvironment(process.env)));

export type WebhooksRuntime = AttemptDeps & FanOutDeps & SweepDeps;

/** What the consumer, the attempts and the sweep run on. */
export const webhooksRuntime = /* @__PURE__ */ memo(async (): Promise<WebhooksRuntime> => {
  const sql = await sharedSql();
  return {
    deliveries: new PostgresDeliveryStore(sql),
    sealer: await sealer(),
    resolver: new DnsResolver(),
    sender: new HttpSender(),
    queue: queueFromEnvironment(process.env),
    notices: new PublishedNotices(new OutboxPublisher(sql, sharedPublisher), logger),
    settings: settingsFromEnvironment(process.env),
  };
});

export function resetWebhooksRuntime(): void {
  webhooksRuntime.reset();
  sealer.reset();
  deliveryLogDeps.reset();
}

export const webhooksConsumerComposition: ConsumerComposition<WebhooksRuntime> =
  /* @__PURE__ */ lambdaComposition({ dependencies: webhooksRuntime });

/** The endpoint routes' dependencies. */
export const endpointDeps = /* @__PURE__ */ memo(async (): Promise<EndpointDeps> => ({
  endpoints: new PostgresEndpointStore(await sharedSql()),
  sealer: await sealer(),
  resolver: new DnsResolver(),
  settings: settingsFromEnvironment(process.env),
}));

/** The delivery log's and redelivery's dependencies. */
export const deliveryLogDeps = /* @__PURE__ */ memo(async (): Promise<DeliveryLogDeps> => {
  const sql = await sharedSql();
  return {
    endpoints: new PostgresEndpointStore(sql),
    deliveries: new PostgresDeliveryStore(sql),
  };
});

/** One sweep on the runtime's adapters (the scheduled function; the local platform's timer). */
export async function sweepWebhooks(): Promise<SweepResult> {
  return sweepDueDeliveries(await webhooksRuntime());
}
