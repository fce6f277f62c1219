/**
 * The analytics consumer: folds every payment event (functions/analytics/rollup.ts) in the runtime's transaction, then,
 * once the batch has committed, compacts the pending changes into the rollups and publishes the business
 * metrics of the records that committed.
 */
import { PAYMENT_EVENT_TYPES } from '../domain/events';
import { errorFacts } from '../shared/error-facts';
import { defineConsumer } from '../shared/consumer/consumer';
import type { Sql } from '../shared/db/client';
import type { BusinessMetrics } from './metrics';
import type { RollupWriter } from './ports';
import type { MerchantSignal } from './rollup';
import { foldEvent } from './use-cases/fold-event';

/** What the analytics consumer runs on (composition.ts). */
export interface AnalyticsConsumerDependencies {
  store: RollupWriter;
  metrics: BusinessMetrics;
  /** The signals of each record folded, by SQS message id, until its batch's metrics are recorded. */
  pending: Map<string, MerchantSignal[]>;
}

/** Compacts until nothing is pending (a few statements at most: each takes up to 2000 changes). */
export async function compactAll(store: RollupWriter, sql: Sql): Promise<number> {
  let moved = 0;
  for (let n = await store.compact(sql); n > 0; n = await store.compact(sql)) moved += n;
  return moved;
}

export const analyticsConsumer = defineConsumer<'analytics', AnalyticsConsumerDependencies>({
  name: 'analytics',
  handles: PAYMENT_EVENT_TYPES,
  async handle(event, ctx) {
    const signals = await foldEvent(ctx.deps.store, ctx.tx, event);
    // Keyed by SQS message: a record run twice (the runtime's record-by-record fallback) counts once.
    ctx.deps.pending.set(ctx.messageId, signals);
  },
  /**
   * Compaction, then the metrics of the records that were processed and not reported failed (a failed record's
   * savepoint was rolled back; a duplicate never reached the handler). A failed compaction fails nothing: the
   * changes stay pending and the next batch's compaction moves them.
   */
  async afterBatch({ messageIds, failed }, { sql, deps, logger }) {
    try {
      try {
        await compactAll(deps.store, sql);
      } catch (error) {
        logger.warn('analytics compaction failed; the next batch will retry it', errorFacts(error));
      }
      for (const id of messageIds) if (!failed.has(id)) deps.metrics.record(deps.pending.get(id) ?? []);
      deps.metrics.publish();
    } finally {
      for (const id of messageIds) deps.pending.delete(id);
    }
  },
});
