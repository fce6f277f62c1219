import { logger } from '../../shared/logger';
import { sweepWebhooks } from '../composition';

/** Every minute (EventBridge): wakes the deliveries due for an attempt that no queue message will wake. */
export const handler = async (): Promise<{ woken: number; oldestDueSeconds: number }> => {
  const result = await sweepWebhooks();
  logger.info('webhook sweep', { ...result });
  return result;
};
