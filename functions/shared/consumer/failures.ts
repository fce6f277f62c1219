/**
 * Why a record failed, kept for operators: SQS keeps no reason with a message, so `npm run dlq -- peek` shows the
 * last failure the consumer recorded of each event beside it. Every failure is logged (with `reason`) and saved
 * to `consumer_failures`, one row per (consumer, event), the last one kept. Nothing here names a customer's data:
 * see describeFailure.
 */
import type { AnyEventEnvelope } from '../../domain/events';
import type { Queryable, Sql } from '../db/client';
import type { ConsumerName } from '../events/topology';

export interface ConsumerFailure {
  consumer: ConsumerName;
  eventId: string;
  eventType: string;
  /** Null for an event about the merchant rather than a payment. */
  paymentId: string | null;
  /** The SQS message that carried it (a DLQ replay sends the event again under another id). */
  messageId: string;
  /** The error's class, e.g. `PostgresError`, `ConcurrentUpdateError`. */
  errorName: string;
  /** What went wrong, in words that name no customer data (describeFailure). */
  reason: string;
  /** Which delivery of the message failed (SQS's ApproximateReceiveCount). */
  attempt: number;
  failedAt: Date;
}

/**
 * Errors whose message RamPay composes from ids, counts and rules, never from a customer's data: the runtime's
 * refusals of a message, the domain's refusals, and the notifications service's retries and provider errors (their
 * provider's text is masked when they are made).
 */
const MESSAGE_NAMES_NO_CUSTOMER_DATA: ReadonlySet<string> = new Set([
  'RejectedMessageError',
  'InvalidEventError',
  'NotFoundError',
  'ConflictError',
  'UnprocessableError',
  'ConcurrentUpdateError',
  'RetryLaterError',
  'NotifierError',
]);

const MAX_REASON = 500;
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The error's class, as its name says or its constructor is called. */
export function errorNameOf(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  return error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error';
}

/** The first stack frame in RamPay's own code, as `functions/<...>.ts:<line>` (source maps give the .ts path). */
function whereThrown(error: Error): string | undefined {
  for (const line of (error.stack ?? '').split('\n')) {
    // A dependency's frame, or a test suite's, is not RamPay's code.
    if (/node_modules|\/test\//.test(line)) continue;
    const at = /((?:functions|lib)\/[\w./-]+\.[cm]?[jt]s):(\d+)/.exec(line);
    if (at) return `${at[1]}:${at[2]}`;
  }
  return undefined;
}

/**
 * Why it failed, without customer data: the message of an error of a kind whose message names none; otherwise
 * what can be said without the message (a database error's message quotes values, a JSON parser's the body, an
 * e-mail provider's the address): the SQLSTATE and the constraint, table or column of a database error, and
 * where in RamPay's code the error was thrown.
 */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${typeof error}, not an Error`;
  const name = errorNameOf(error);
  if (MESSAGE_NAMES_NO_CUSTOMER_DATA.has(name)) return error.message.slice(0, MAX_REASON);
  const facts: string[] = [];
  const db = error as Error & {
    code?: unknown;
    constraint_name?: string;
    table_name?: string;
    column_name?: string;
  };
  if (typeof db.code === 'string' && SQLSTATE.test(db.code)) {
    facts.push(`SQLSTATE ${db.code}`);
    if (db.constraint_name) facts.push(`constraint ${db.constraint_name}`);
    else if (db.table_name)
      facts.push(`table ${db.table_name}${db.column_name ? ` column ${db.column_name}` : ''}`);
  }
  const where = whereThrown(error);
  if (where) facts.push(`thrown at ${where}`);
  facts.push('its message is not kept: it may quote customer data');
  return facts.join('; ');
}

/** The failure of `event` at `consumer` on this delivery of its message. */
export function failureOf(
  consumer: ConsumerName,
  event: AnyEventEnvelope,
  delivery: { messageId: string; receiveCount: number },
  error: unknown,
  failedAt = new Date(),
): ConsumerFailure {
  return {
    consumer,
    eventId: event.id,
    eventType: event.type,
    paymentId: event.paymentId ?? null,
    messageId: delivery.messageId,
    errorName: errorNameOf(error),
    reason: describeFailure(error),
    attempt: delivery.receiveCount,
    failedAt,
  };
}

/** Saves each event's failure, replacing an older one of the same event at the same consumer. */
export async function saveFailures(sql: Queryable, failures: readonly ConsumerFailure[]): Promise<void> {
  // One row per (consumer, event) in a statement: an event twice in one batch keeps its last failure.
  const last = new Map(failures.map((f) => [`${f.consumer}\u0000${f.eventId}`, f]));
  if (last.size === 0) return;
  const rows = [...last.values()].map((f) => ({
    consumer: f.consumer,
    event_id: f.eventId,
    event_type: f.eventType,
    payment_id: f.paymentId,
    message_id: f.messageId,
    error_name: f.errorName,
    reason: f.reason,
    attempt: f.attempt,
    failed_at: f.failedAt,
  }));
  await sql`
    insert into consumer_failures ${sql(rows)}
    on conflict (consumer, event_id) do update set
      event_type = excluded.event_type, payment_id = excluded.payment_id, message_id = excluded.message_id,
      error_name = excluded.error_name, reason = excluded.reason, attempt = excluded.attempt,
      failed_at = excluded.failed_at
    where consumer_failures.failed_at <= excluded.failed_at`;
}

/** The last recorded failure of each of `eventIds` at `consumer` (those with none are left out). */
export async function lastFailures(
  sql: Queryable,
  consumer: ConsumerName,
  eventIds: readonly string[],
): Promise<ConsumerFailure[]> {
  if (eventIds.length === 0) return [];
  const rows = await sql<
    {
      consumer: ConsumerName;
      event_id: string;
      event_type: string;
      payment_id: string | null;
      message_id: string;
      error_name: string;
      reason: string;
      attempt: number;
      failed_at: Date;
    }[]
  >`
    select consumer, event_id, event_type, payment_id, message_id, error_name, reason, attempt, failed_at
    from consumer_failures where consumer = ${consumer} and event_id in ${sql(eventIds)}`;
  return rows.map((r) => ({
    consumer: r.consumer,
    eventId: r.event_id,
    eventType: r.event_type,
    paymentId: r.payment_id,
    messageId: r.message_id,
    errorName: r.error_name,
    reason: r.reason,
    attempt: r.attempt,
    failedAt: r.failed_at,
  }));
}

/** A failure is worth keeping while its message can still be in a DLQ: 14 days (a DLQ's retention). */
export const FAILURE_RETENTION_DAYS = 14;

/** Deletes failures recorded before `olderThan`. */
export async function pruneFailures(sql: Sql, olderThan: Date): Promise<number> {
  const result = await sql`delete from consumer_failures where failed_at < ${olderThan}`;
  return result.count;
}
