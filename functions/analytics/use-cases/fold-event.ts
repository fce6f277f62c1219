import type { AnyEventEnvelope } from '../../domain/events';
import type { Queryable } from '../../shared/db/client';
import type { RollupWriter } from '../ports';
import { eventDeltas, factsOf, reconcile, toPeriodRows, type Counted, type Signal } from '../rollup';

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
  let counted: { paymentId: string; counted: Counted } | undefined;
  if (update) {
    const correction = reconcile(await store.upsertFacts(tx, update));
    if (correction) {
      counted = { paymentId: update.paymentId, counted: correction.counted };
      deltas.push(...correction.deltas);
      signals.push(...correction.signals);
    }
  }
  await store.applyRows(tx, event.merchantId, toPeriodRows(deltas), counted);
  return signals;
}
