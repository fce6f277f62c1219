/**
 * How a consumer is written: a typed handler for one validated event at a time. The runtime (runtime.ts) does
 * the batch, the validation, the inbox (idempotency by event id), the transaction and publishing what it emits.
 */
import type { AnyEventEnvelope, EventData, EventEnvelope, EventType } from '../../domain/events';
import type { Queryable } from '../db/client';
import { CONSUMERS, type ConsumerName } from '../events/topology';
import type { InboxEntry } from './inbox';
import type { RecordLogger } from './record-logger';

/** The event types the topology table routes to consumer N. */
export type EventsOf<N extends ConsumerName> = (typeof CONSUMERS)[N]['events'][number];

/** The envelope a consumer's handler receives: a union discriminated on `type`, narrowed to what it consumes. */
export type ConsumedEvent<N extends ConsumerName> = { [T in EventsOf<N>]: EventEnvelope<T> }[EventsOf<N>];

export interface EmitFields<T extends EventType> {
  data: EventData<T>;
  /** Defaults to the incoming event's. */
  merchantId?: string;
  /** Defaults to the incoming event's. */
  paymentId?: string;
  occurredAt?: Date;
}

export interface ConsumerContext {
  /**
   * The open transaction: the consumer's own writes go here, next to the inbox row and emitted events (for a
   * `writesInOneStatement` consumer's record alone, the pool: see there).
   */
  tx: Queryable;
  /** Logs with consumer, correlationId, eventId, eventType, paymentId and the SQS messageId on every line. */
  logger: RecordLogger;
  /**
   * Writes an event to the outbox in this transaction, carrying the incoming correlation id; the runtime
   * publishes it after commit (and the outbox relay, if that publish fails). Returns the envelope written.
   */
  emit<T extends EventType>(type: T, fields: EmitFields<T>): EventEnvelope<T>;
  /** The same, for an envelope a use case already built; its correlationId is replaced by the incoming one. */
  emitEnvelope(event: AnyEventEnvelope): AnyEventEnvelope;
  /**
   * Builds an event as `emit` does (the incoming correlation id) without handing it to the runtime: for a handler
   * that writes its events to the outbox in one of its own statements (outboxWrites, one statement less per
   * record) and then hands over what it wrote with `wrote`.
   */
  newEvent<T extends EventType>(type: T, fields: EmitFields<T>): EventEnvelope<T>;
  /** Events the handler wrote to the outbox itself, in this transaction: published after commit like emitted ones. */
  wrote(events: readonly AnyEventEnvelope[]): void;
  /**
   * Only for a consumer defined with `claimsInbox`: the inbox row its first writing statement must write
   * (inboxInsert as a CTE), and `settle`, which the handler calls with what that insert returned before it writes
   * anything else (true: a row, the first delivery; false: a duplicate, and the handler returns having changed
   * nothing). A handler that returns without settling fails the record.
   */
  inbox?: InboxClaim;
  /** The SQS message id and how many times SQS has handed this message out (1 on the first delivery). */
  messageId: string;
  receiveCount: number;
}

/** The event to record in the inbox, for a handler that does it in its first writing statement. */
export interface InboxClaim extends InboxEntry {
  settle(claimed: boolean): void;
}

export interface ConsumerDefinition<N extends ConsumerName = ConsumerName> {
  name: N;
  /**
   * The handler records the event in the inbox itself, in its first writing statement (`ctx.inbox`), rather than
   * the runtime in a statement of its own before the handler runs: two round trips less per record.
   */
  claimsInbox?: boolean;
  /**
   * Only with `claimsInbox`: every write the handler makes, the inbox row and its events (`ctx.wrote`) among them,
   * is one statement, after reads that change nothing, so a record alone needs no transaction of its own: its
   * `ctx.tx` is then the pool, and that statement is its transaction (no BEGIN and COMMIT: two round trips less).
   * In a batch it runs in the batch's transaction like any other. The handler must not `emit`.
   */
  writesInOneStatement?: boolean;
  handle(event: ConsumedEvent<N>, ctx: ConsumerContext): Promise<void>;
}

export function defineConsumer<N extends ConsumerName>(
  definition: ConsumerDefinition<N>,
): ConsumerDefinition<N> {
  if (!(definition.name in CONSUMERS)) throw new Error(`unknown consumer ${String(definition.name)}`);
  if (definition.writesInOneStatement && !definition.claimsInbox)
    throw new Error(
      `${definition.name}: writesInOneStatement needs claimsInbox (its one statement claims the event)`,
    );
  return definition;
}

export function consumes(name: ConsumerName, type: EventType): boolean {
  return (CONSUMERS[name].events as readonly EventType[]).includes(type);
}
