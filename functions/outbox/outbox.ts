import type { AnyEventEnvelope, EventData, EventEnvelope, EventType } from '../domain/events';
import { eventEnvelopeSchema } from '../domain/events';
import { newId } from '../domain/ids';
import type { Queryable } from '../shared/db/client';

export interface EventFields<T extends EventType> {
  merchantId: string;
  paymentId: string;
  correlationId: string;
  data: EventData<T>;
  occurredAt?: Date;
}

export function buildEvent<T extends EventType>(type: T, fields: EventFields<T>): EventEnvelope<T> {
  return {
    id: newId(),
    type,
    version: 1,
    occurredAt: (fields.occurredAt ?? new Date()).toISOString(),
    merchantId: fields.merchantId,
    paymentId: fields.paymentId,
    correlationId: fields.correlationId,
    data: fields.data,
  };
}

/**
 * How long the writer of an event owns its publication. The writer publishes right after its commit; only if it
 * has not done so within this lease (it crashed, SNS was down) does the relay take the event over.
 */
export const WRITER_LEASE_SECONDS = 30;

/**
 * The INSERT of events into the outbox, not yet run: awaited it runs; embedded in another statement (e.g. a CTE that
 * also inserts the state change) it commits with it. Each envelope is validated against the shared schema first.
 */
export function outboxInsert(sql: Queryable, events: readonly AnyEventEnvelope[]) {
  const claimedUntil = new Date(Date.now() + WRITER_LEASE_SECONDS * 1000);
  const rows = events.map((event) => {
    eventEnvelopeSchema.parse(event);
    return {
      id: event.id,
      type: event.type,
      merchant_id: event.merchantId,
      payment_id: event.paymentId,
      correlation_id: event.correlationId,
      occurred_at: event.occurredAt,
      envelope: event as unknown as Record<string, unknown>,
      claimed_until: claimedUntil,
    };
  });
  return sql`insert into outbox ${sql(rows as never, 'id', 'type', 'merchant_id', 'payment_id', 'correlation_id', 'occurred_at', 'envelope', 'claimed_until')}`;
}

/**
 * Writes events to the outbox inside the caller's transaction, so they commit (or roll back) with the state
 * change they describe.
 */
export async function appendEvents(tx: Queryable, events: readonly AnyEventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  await outboxInsert(tx, events);
}
