import type { AnyEventEnvelope } from '../../domain/events';
import type { Queryable } from '../../shared/db/client';
import type { RollupWriter } from '../ports';
import { eventDeltas, factsOf, reconcile, toPeriodRows, type Signal } from '../rollup';

/**
 * Folds one event into the rollups, in the caller's transaction. Returns the business metrics it newly counted
 * (for CloudWatch once the transaction commits). Idempotency is the consumer inbox's job: call once per event.
 */
export async function foldEvent(
  store: RollupWriter,
  tx: Queryable,
  event: AnyEventEnvelope,
): Promise<Signal[]> {
  const { deltas, signals } = eventDeltas(event);
  const update = factsOf(event);
  if (update) {
    const facts = await store.upsertFacts(tx, update);
    const correction = reconcile(facts);
    if (correction) {
      await store.markCounted(tx, update.paymentId, correction.counted);
      deltas.push(...correction.deltas);
      signals.push(...correction.signals);
    }
  }
  await store.applyRows(tx, event.merchantId, toPeriodRows(deltas));
  return signals;
}
