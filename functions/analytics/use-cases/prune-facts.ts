import type { Sql } from '../../shared/db/client';
import { rollupWriter } from '../composition';

/**
 * Deletes the payments' facts whose every event is older than `olderThan` (redeliveries never come that late);
 * counts them.
 */
export function pruneAnalyticsFacts(sql: Sql, olderThan: Date): Promise<number> {
  return rollupWriter.pruneFacts(sql, olderThan);
}
