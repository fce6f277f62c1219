import type { AnyEventEnvelope } from '../../domain/events';
import type { Queryable } from '../../shared/db/client';
import type { RollupWriter } from '../ports';
import { eventDeltas, factsOf, reconcile, toPeriodRows, type Signal } from '../rollup';

/**
 * Folds one event into the rollups, in the caller's transaction. Returns the business metrics it newly counted
 * (for CloudWatch once the transaction commits). Idempotency is the consumer inbox's job: call once per event.
 * Folding is bound by round trips: the event's own counts and the payment's facts are sent together (postgres.js
 * pipelines concurrent queries on the transaction's connection); a correction, when the facts call for one,
 * follows in a second statement.
 */
export async function foldEvent(
  store: RollupWriter,
  tx: Queryable,
  event: AnyEventEnvelope,
): Promise<Signal[]> {
  const { deltas, signals } = eventDeltas(event);
  const update = factsOf(event);
  const [facts] = await Promise.all([
    update ? store.upsertFacts(tx, update) : undefined,
    deltas.length > 0 ? store.applyRows(tx, event.merchantId, toPeriodRows(deltas)) : undefined,
  ]);
  const correction = facts ? reconcile(facts) : undefined;
  if (correction) {
    await store.applyRows(tx, event.merchantId, toPeriodRows(correction.deltas), {
      paymentId: facts!.paymentId,
      counted: correction.counted,
    });
    signals.push(...correction.signals);
  }
  return signals;
}
