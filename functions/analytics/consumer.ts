/**
 * The analytics consumer: folds every event (functions/analytics/rollup.ts) in the runtime's transaction, then,
 * once the batch has committed, compacts the pending changes into the rollups and publishes the business
 * metrics of the records that committed.
 */
import { errorFacts } from '../shared/error-facts';
import type { SQSBatchResponse } from 'aws-lambda';
import { defineConsumer } from '../shared/consumer/consumer';
import {
  createSqsHandler,
  type ConsumerDependencies,
  type SqsBatchHandler,
} from '../shared/consumer/runtime';
import { logger as processLogger } from '../shared/logger';
import type { BusinessMetrics } from './metrics';
import type { RollupWriter } from './ports';
import type { Signal } from './rollup';
import { foldEvent } from './use-cases/fold-event';

export function analyticsConsumer(store: RollupWriter, pending: Map<string, Signal[]>) {
  return defineConsumer({
    name: 'analytics',
    async handle(event, ctx) {
      const signals = await foldEvent(store, ctx.tx, event);
      // Keyed by SQS message: a record run twice (the runtime's record-by-record fallback) counts once.
      pending.set(ctx.messageId, signals);
    },
  });
}

/** Compacts until nothing is pending (a few statements at most: each takes up to 2000 changes). */
export async function compactAll(store: RollupWriter, deps: ConsumerDependencies): Promise<number> {
  const sql = await deps.sql();
  let moved = 0;
  for (let n = await store.compact(sql); n > 0; n = await store.compact(sql)) moved += n;
  return moved;
}

/**
 * The Lambda SQS handler: the consumer runtime (inbox, one transaction per batch), then compaction and the
 * metrics of the records that were processed and not reported failed (a failed record's savepoint was rolled
 * back; a duplicate never reached the handler). A failed compaction fails nothing: the changes stay pending and
 * the next batch's compaction moves them.
 */
export function analyticsHandler(
  store: RollupWriter,
  deps: ConsumerDependencies,
  metrics: BusinessMetrics,
): SqsBatchHandler {
  const pending = new Map<string, Signal[]>();
  const sqsHandler = createSqsHandler(analyticsConsumer(store, pending), deps);
  return async (event, context) => {
    const ids = event.Records.map((r) => r.messageId);
    try {
      const response: SQSBatchResponse = await sqsHandler(event, context);
      try {
        await compactAll(store, deps);
      } catch (error) {
        (deps.logger ?? processLogger).warn('analytics compaction failed; the next batch will retry it', {
          ...errorFacts(error),
        });
      }
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      for (const id of ids) if (!failed.has(id)) metrics.record(pending.get(id) ?? []);
      metrics.publish();
      return response;
    } finally {
      for (const id of ids) pending.delete(id);
    }
  };
}
