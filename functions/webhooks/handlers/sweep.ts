import { logger } from '../../shared/logger';
import { sweepWebhooks } from '../composition';
import { webhookMetrics } from '../metrics';

const metrics = webhookMetrics();

/** Every minute (EventBridge): wakes the deliveries due for an attempt that no queue message will wake. */
export const handler = async (): Promise<{ woken: number; oldestDueSeconds: number }> => {
  const result = await sweepWebhooks();
  metrics.oldestDue(result.oldestDueSeconds);
  metrics.publish();
  logger.info('webhook sweep', { ...result });
  return result;
};
