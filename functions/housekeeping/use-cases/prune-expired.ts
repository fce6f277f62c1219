import { pruneAnalyticsFacts } from '../../analytics';
import { pruneExpiredFeatures } from '../../fraud';
import { FAILURE_RETENTION_DAYS, pruneFailures, pruneInbox } from '../../shared/consumer';
import type { Sql } from '../../shared/db/client';
import { pruneIdempotencyRecords } from '../../shared/idempotency/postgres-persistence-layer';

/**
 * How long each kind of bookkeeping row is kept. The inbox and the analytics facts guard against redeliveries,
 * and none comes later than 30 days (a message lives 14 days at most; a DLQ replay starts a new one). Idempotency
 * records carry their own expiry (24 hours after the request); feature buckets go when no window reads them. A
 * consumer's failure is kept while its message can still be in a DLQ.
 */
export const RETENTION_DAYS = {
  consumerInbox: 30,
  analyticsFacts: 30,
  consumerFailures: FAILURE_RETENTION_DAYS,
} as const;

export interface PruneOutcome {
  consumerInbox: number;
  analyticsFacts: number;
  featureBuckets: number;
  idempotencyRecords: number;
  consumerFailures: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes every bookkeeping row nothing will read again; counts what each kind lost. */
export async function pruneExpired(sql: Sql, now: Date): Promise<PruneOutcome> {
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    consumerInbox: await pruneInbox(sql, daysAgo(RETENTION_DAYS.consumerInbox)),
    analyticsFacts: await pruneAnalyticsFacts(sql, daysAgo(RETENTION_DAYS.analyticsFacts)),
    featureBuckets: await pruneExpiredFeatures(sql, now),
    idempotencyRecords: await pruneIdempotencyRecords(sql, now),
    consumerFailures: await pruneFailures(sql, daysAgo(RETENTION_DAYS.consumerFailures)),
  };
}
