import type { Sql } from '../../shared/db/client';
import { pruneFeatureStore } from '../adapters/postgres-fraud-store';
import { BUCKET_RETENTION_HOURS, hourIndex } from '../features';

/** Deletes the feature-store buckets no window reads any more (older than BUCKET_RETENTION_HOURS); counts them. */
export function pruneExpiredFeatures(sql: Sql, now: Date): Promise<number> {
  return pruneFeatureStore(sql, hourIndex(now.getTime()) - BUCKET_RETENTION_HOURS);
}
