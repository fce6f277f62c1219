/**
 * Webhooks on the local platform: secrets sealed with a key file of the data folder (what KMS does on AWS),
 * delivery messages on the local webhooks queue, endpoints at http://127.0.0.1 allowed (unless
 * WEBHOOKS_ALLOW_LOOPBACK_HTTP is set otherwise), and the sweep on a timer instead of EventBridge.
 */
import path from 'node:path';
import {
  resetWebhooksRuntime,
  SqsDeliveryQueue,
  sweepWebhooks,
  useWebhooksQueue,
} from '../../functions/webhooks';
import { errorFacts } from '../../functions/shared/error-facts';
import { logger } from '../../functions/shared/logger';
import type { LocalMessaging } from './messaging';

/** The sweep runs every minute on AWS; locally more often (WEBHOOKS_SWEEP_INTERVAL_MS), so redeliveries are quick. */
const DEFAULT_SWEEP_INTERVAL_MS = 5_000;
/** Poll loops of the webhooks queue: a slow endpoint holds one loop, the others go on. */
export const WEBHOOK_POLLERS = 4;

export interface LocalWebhooks {
  stop(): void;
}

export function useLocalWebhooks(
  dataDir: string,
  messaging: LocalMessaging,
  env: NodeJS.ProcessEnv = process.env,
): LocalWebhooks {
  env.WEBHOOKS_SECRET_KEY_FILE = path.join(dataDir, 'webhooks.key');
  env.WEBHOOKS_ALLOW_LOOPBACK_HTTP ??= 'true';
  useWebhooksQueue(new SqsDeliveryQueue(messaging.sqs, messaging.queues.webhooks.url));
  const interval = Number(env.WEBHOOKS_SWEEP_INTERVAL_MS ?? DEFAULT_SWEEP_INTERVAL_MS);
  const timer = setInterval(() => {
    sweepWebhooks().catch((error: unknown) => logger.warn('local webhook sweep failed', errorFacts(error)));
  }, interval);
  return {
    stop() {
      clearInterval(timer);
      useWebhooksQueue(undefined);
      resetWebhooksRuntime();
    },
  };
}
