/**
 * The analytics consumer: folds every event into the rollups (functions/analytics/rollup.ts) in the runtime's
 * transaction, and reports the business metrics of the records that committed.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { defineConsumer } from '../shared/consumer/consumer';
import type { SqsBatchHandler } from '../shared/consumer/runtime';
import type { RollupWriter } from './ports';
import type { BusinessMetrics } from './metrics';
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

/**
 * Wraps the runtime's SQS handler so that metrics are published only for records that were processed and not
 * reported failed (a failed record's savepoint was rolled back; a duplicate never reached the handler).
 */
export function withBusinessMetrics(
  sqsHandler: SqsBatchHandler,
  pending: Map<string, Signal[]>,
  metrics: BusinessMetrics,
): SqsBatchHandler {
  return async (event, context) => {
    const ids = event.Records.map((r) => r.messageId);
    try {
      const response: SQSBatchResponse = await sqsHandler(event, context);
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      for (const id of ids) if (!failed.has(id)) metrics.record(pending.get(id) ?? []);
      metrics.publish();
      return response;
    } finally {
      for (const id of ids) pending.delete(id);
    }
  };
}
