import { sharedSql } from '../../shared/db/connection';
import { logger } from '../../shared/logger';
import { sharedPublisher } from '../publisher';
import { relayPending } from '../use-cases/publish-committed';

/** Scheduled (every minute): publishes outbox events that were not published right after their commit. */
export const handler = async (): Promise<{
  published: number;
  failed: number;
  oldestPendingAgeSeconds: number;
}> => {
  const outcome = await relayPending(await sharedSql(), sharedPublisher());
  logger.info('outbox relay run', { ...outcome });
  return outcome;
};
