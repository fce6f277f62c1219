import type { AnyEventEnvelope } from '../../domain/events';
import type { Queryable, Sql } from '../db/client';
import type { ConsumerName } from '../events/topology';

/** An event a consumer is about to process: the key of its inbox row. */
export interface InboxEntry {
  consumer: ConsumerName;
  event: AnyEventEnvelope;
}

/**
 * The statement that records the entry in the inbox, not yet run: it returns one row when this is the event's
 * first delivery and none when the event was processed already. A concurrent duplicate blocks on the first one's
 * uncommitted row and, once that commits, finds it, so effects happen once even for parallel deliveries.
 * claimEvent runs it alone; a consumer whose one statement claims its events (`writes: 'one-statement'`) can make
 * it a CTE of that statement.
 */
export function inboxInsert(sql: Queryable, { consumer, event }: InboxEntry) {
  return sql`
    insert into consumer_inbox (consumer, event_id, event_type, payment_id, correlation_id, occurred_at)
    values (${consumer}, ${event.id}, ${event.type}, ${event.paymentId ?? null}, ${event.correlationId},
            ${event.occurredAt})
    on conflict (consumer, event_id) do nothing
    returning 1`;
}

/**
 * The entry as claim_inbox_entry (sql/inbox.sql) takes it: for a consumer whose writing statement is a function
 * that claims the event itself.
 */
export function inboxEntryJson({ consumer, event }: InboxEntry) {
  return {
    consumer,
    eventId: event.id,
    eventType: event.type,
    paymentId: event.paymentId ?? null,
    correlationId: event.correlationId,
    occurredAt: event.occurredAt,
  };
}

/**
 * Records that `consumer` processes `event`, inside the consumer's transaction. Returns false when the event was
 * already processed (its row exists): the caller then does nothing.
 */
export async function claimEvent(
  tx: Queryable,
  consumer: ConsumerName,
  event: AnyEventEnvelope,
): Promise<boolean> {
  const rows = await inboxInsert(tx, { consumer, event });
  return rows.length === 1;
}

/** Whether `consumer` has processed the event (for tests and operators). */
export async function wasProcessed(
  sql: Queryable,
  consumer: ConsumerName,
  eventId: string,
): Promise<boolean> {
  const rows = await sql`select 1 from consumer_inbox where consumer = ${consumer} and event_id = ${eventId}`;
  return rows.length === 1;
}

/**
 * Deletes inbox rows processed before `olderThan`. Safe once that is further back than any redelivery can come
 * (a message lives 14 days at most, counted from its first send, but a DLQ replay sends it anew): 30 days is safe.
 */
export async function pruneInbox(sql: Sql, olderThan: Date): Promise<number> {
  const result = await sql`delete from consumer_inbox where processed_at < ${olderThan}`;
  return result.count;
}
