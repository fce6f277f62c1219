import type {
  AnyEventEnvelope,
  EventData,
  EventEnvelope,
  EventType,
  PaymentEventType,
} from '../../domain/events';
import { eventEnvelopeSchema } from '../../domain/event-schemas';
import { newId } from '../../domain/ids';
import type { PendingQuery, Row } from 'postgres';
import type { Queryable } from '../db/client';
import { typed } from '../db/typed';
import { currentTraceparent } from '../tracing/tracer';

/** A payment's event names its payment; a merchant's event names none. */
export type EventFields<T extends EventType> = {
  merchantId: string;
  correlationId: string;
  data: EventData<T>;
  occurredAt?: Date;
} & (T extends PaymentEventType ? { paymentId: string } : { paymentId?: undefined });

/** Builds an envelope; it carries the current span's trace context, so that what it causes joins the trace. */
export function buildEvent<T extends EventType>(type: T, fields: EventFields<T>): EventEnvelope<T> {
  const traceparent = currentTraceparent();
  return {
    id: newId(),
    type,
    version: 1,
    occurredAt: (fields.occurredAt ?? new Date()).toISOString(),
    merchantId: fields.merchantId,
    ...(fields.paymentId === undefined ? {} : { paymentId: fields.paymentId }),
    correlationId: fields.correlationId,
    ...(traceparent ? { traceparent } : {}),
    data: fields.data,
  } as EventEnvelope<T>;
}

/**
 * How long the writer of an event owns its publication. The writer publishes right after its commit; only if it
 * has not done so within this lease (it crashed, SNS was down) does the relay take the event over.
 */
export const WRITER_LEASE_SECONDS = 30;

/** The writer's lease as the outbox functions' integer parameter. */
export function writerLease(sql: Queryable) {
  return typed.integer(sql, WRITER_LEASE_SECONDS);
}

/** Events as the outbox functions (sql/outbox.sql) take them: a JSON array of envelopes, each validated first. */
export function eventsParameter(sql: Queryable, events: readonly AnyEventEnvelope[]) {
  for (const event of events) eventEnvelopeSchema.parse(event);
  return sql.json(events as never);
}

/**
 * For a larger statement that has other work to do: an expression for its select list that writes the events
 * (append_events) only when `when` holds, a condition on the statement's other CTEs such as
 * `exists (select 1 from assessed)`, so that the events are written exactly when the state change they describe
 * is. The envelopes travel as one JSON parameter, whatever their number.
 */
export function outboxWrites(
  sql: Queryable,
  events: readonly AnyEventEnvelope[],
  when: PendingQuery<Row[]> = sql`true`,
) {
  return sql`(select append_events(${eventsParameter(sql, events)}, ${writerLease(sql)}) where ${when})`;
}

/**
 * Writes events to the outbox inside the caller's transaction, so they commit (or roll back) with the state
 * change they describe; each gets its pending-publication row, leased to this writer (append_events).
 */
export async function appendEvents(tx: Queryable, events: readonly AnyEventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  await tx`select append_events(${eventsParameter(tx, events)}, ${writerLease(tx)})`;
}
