import type { AnyEventEnvelope, EventData, EventEnvelope, EventType } from '../domain/events';
import { eventEnvelopeSchema } from '../domain/events';
import { newId } from '../domain/ids';
import type { PendingQuery, Row } from 'postgres';
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

/** Validates each envelope against the shared schema; the lease its writer holds on their publication. */
function checkedForOutbox(events: readonly AnyEventEnvelope[]): Date {
  for (const event of events) eventEnvelopeSchema.parse(event);
  return new Date(Date.now() + WRITER_LEASE_SECONDS * 1000);
}

/**
 * The statement that writes events to the outbox, each with its pending-publication row leased to the writer; not
 * yet run: awaited it runs, embedded in another statement it commits with it. `before` is a CTE item
 * (`name as (...)`) to run in the same statement, e.g. the INSERT of the state change the events describe. Each
 * envelope is validated against the shared schema first.
 */
export function outboxInsert(
  sql: Queryable,
  events: readonly AnyEventEnvelope[],
  before?: PendingQuery<Row[]>,
) {
  const claimedUntil = checkedForOutbox(events);
  const rows = events.map((event) => ({
    id: event.id,
    type: event.type,
    merchant_id: event.merchantId,
    payment_id: event.paymentId,
    correlation_id: event.correlationId,
    occurred_at: event.occurredAt,
    envelope: event as unknown as Record<string, unknown>,
  }));
  return sql`
    with ${before ? sql`${before},` : sql``}
         new_events as (
           insert into outbox ${sql(rows as never, 'id', 'type', 'merchant_id', 'payment_id', 'correlation_id', 'occurred_at', 'envelope')}
           returning id)
    insert into outbox_pending (event_id, claimed_until) select id, ${claimedUntil} from new_events`;
}

/**
 * The same writes as CTE items (`outbox_events as (...), outbox_leases as (...)`) for a larger statement that
 * has other work to do, and only when `when` holds: a condition on that statement's other CTEs, e.g.
 * `exists (select 1 from assessed)`, so that the events are written exactly when the state change they describe
 * is. The envelopes travel as one JSON parameter, whatever their number.
 */
export function outboxWrites(
  sql: Queryable,
  events: readonly AnyEventEnvelope[],
  when: PendingQuery<Row[]> = sql`true`,
) {
  const claimedUntil = checkedForOutbox(events);
  return sql`
    outbox_events as (
      insert into outbox (id, type, merchant_id, payment_id, correlation_id, occurred_at, envelope)
      select (e ->> 'id')::uuid, e ->> 'type', e ->> 'merchantId', (e ->> 'paymentId')::uuid, e ->> 'correlationId',
             (e ->> 'occurredAt')::timestamptz, e
        from jsonb_array_elements(${sql.json(events as never)}::jsonb) as e
       where ${when}
      returning id
    ), outbox_leases as (
      insert into outbox_pending (event_id, claimed_until) select id, ${claimedUntil} from outbox_events
    )`;
}

/**
 * Writes events to the outbox inside the caller's transaction, so they commit (or roll back) with the state
 * change they describe.
 */
export async function appendEvents(tx: Queryable, events: readonly AnyEventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  await outboxInsert(tx, events);
}
