import { sharedSql } from '../../shared/db/connection';
import { logger } from '../../shared/logger';
import { pruneExpired, type PruneOutcome } from '../use-cases/prune-expired';

/** Scheduled (daily): deletes the bookkeeping rows nothing reads any more. */
export const handler = async (): Promise<PruneOutcome> => {
  const outcome = await pruneExpired(await sharedSql(), new Date());
  logger.info('housekeeping run', { deleted: outcome });
  return outcome;
};
