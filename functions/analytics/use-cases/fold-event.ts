import type { PaymentEventEnvelope } from '../../domain/events';
import type { Queryable } from '../../shared/db/client';
import type { RollupWriter } from '../ports';
import { eventDeltas, factsOf, reconcile, type MerchantSignal } from '../rollup';

/**
 * Folds one event, in the caller's transaction: appends its changes (and any correction its payment's facts call
 * for) for compaction into the rollups. Returns the business metrics it newly counted (for CloudWatch once the
 * transaction commits). Idempotency is the consumer inbox's job: call once per event. Folding is bound by round
 * trips: the event's own changes and the payment's facts go together (postgres.js pipelines concurrent queries
 * on the transaction's connection); a correction follows in a second statement.
 */
export async function foldEvent(
  store: RollupWriter,
  tx: Queryable,
  event: PaymentEventEnvelope,
): Promise<MerchantSignal[]> {
  const { deltas, signals } = eventDeltas(event);
  const update = factsOf(event);
  const [facts] = await Promise.all([
    update ? store.upsertFacts(tx, update) : undefined,
    deltas.length > 0 ? store.appendDeltas(tx, event.merchantId, deltas) : undefined,
  ]);
  const correction = facts ? reconcile(facts) : undefined;
  if (correction) {
    await store.appendDeltas(tx, event.merchantId, correction.deltas, {
      paymentId: facts!.paymentId,
      counted: correction.counted,
    });
    signals.push(...correction.signals);
  }
  return signals.map((signal) => ({ ...signal, merchantId: event.merchantId }));
}
