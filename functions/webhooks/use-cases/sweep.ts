/**
 * The scheduled sweep: wakes deliveries whose wait was too long for a delayed queue message, and those whose
 * queue message was lost (overdue by more than OVERDUE_MS), by sending each a delivery message timed to its due
 * moment.
 */
import type { DeliveryQueue, DeliveryStore } from '../ports';

export interface SweepDeps {
  deliveries: DeliveryStore;
  queue: DeliveryQueue;
  now?: () => Date;
}

/** How far ahead of its due time the sweep wakes a delivery: the sweep's own period on AWS. */
export const SWEEP_LOOKAHEAD_MS = 60_000;
/** A delivery due this long ago whose queue message has not come is woken again. */
export const OVERDUE_MS = 2 * 60_000;
const BATCH = 500;

export interface SweepResult {
  woken: number;
  oldestDueSeconds: number;
}

export async function sweepDueDeliveries(
  deps: SweepDeps,
  options: { lookaheadMs?: number; overdueMs?: number } = {},
): Promise<SweepResult> {
  const now = deps.now?.() ?? new Date();
  const due = await deps.deliveries.due(
    new Date(now.getTime() + (options.lookaheadMs ?? SWEEP_LOOKAHEAD_MS)),
    new Date(now.getTime() - (options.overdueMs ?? OVERDUE_MS)),
    BATCH,
  );
  const byDelay = new Map<number, string[]>();
  for (const { id, at } of due) {
    const delay = Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000));
    byDelay.set(delay, [...(byDelay.get(delay) ?? []), id]);
  }
  for (const [delay, ids] of byDelay) await deps.queue.enqueue(ids, delay);
  return { woken: due.length, oldestDueSeconds: await deps.deliveries.oldestDueSeconds() };
}
