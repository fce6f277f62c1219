import { logger } from '../../shared/logger';
import { webhooksRuntime } from '../composition';
import { sweepDueDeliveries } from '../use-cases/sweep';

/** Every minute (EventBridge): wakes the deliveries due for an attempt that no queue message will wake. */
export const handler = async (): Promise<{ woken: number; oldestDueSeconds: number }> => {
  const result = await sweepDueDeliveries(await webhooksRuntime());
  logger.info('webhook sweep', { ...result });
  return result;
};
