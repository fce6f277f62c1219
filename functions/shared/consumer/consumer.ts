/**
 * How a consumer is written: a typed handler for one validated event at a time, which returns the events it
 * emits. The runtime (runtime.ts) does the batch, the validation, the inbox (idempotency by event id), the
 * transaction and publishing what the handler emits.
 */
import type { AnyEventEnvelope, EventData, EventEnvelope, EventType } from '../../domain/events';
import type { Queryable, Sql } from '../db/client';
import { CONSUMERS, type ConsumerName } from '../events/topology';
import type { InboxEntry } from './inbox';
import type { RecordLogger } from './record-logger';

/** The event types the topology table routes to consumer N. */
export type EventsOf<N extends ConsumerName> = (typeof CONSUMERS)[N]['events'][number];

/** The envelope a consumer's handler receives: a union discriminated on `type`, narrowed to what it consumes. */
export type ConsumedEvent<N extends ConsumerName> = { [T in EventsOf<N>]: EventEnvelope<T> }[EventsOf<N>];

export interface EventFields<T extends EventType> {
  data: EventData<T>;
  /** Defaults to the incoming event's. */
  merchantId?: string;
  /** Defaults to the incoming event's. */
  paymentId?: string;
  occurredAt?: Date;
}

/** Builds an event caused by the incoming one: it carries the incoming correlation id. */
export type EventFactory = <T extends EventType>(type: T, fields: EventFields<T>) => EventEnvelope<T>;

/** What a handler emits: the events it returns (none: nothing, or undefined). */
export type Emitted = readonly AnyEventEnvelope[] | void;

export interface ConsumerContext<D = unknown> {
  /**
   * Where the handler's writes go: the open transaction (next to the inbox row and the emitted events), or, for
   * a `writes: 'one-statement'` consumer's record alone, the pool (see there).
   */
  tx: Queryable;
  /** The consumer's own dependencies, from its composition (ConsumerComposition.dependencies). */
  deps: D;
  /** Logs with consumer, correlationId, eventId, eventType, paymentId and the SQS messageId on every line. */
  logger: RecordLogger;
  /**
   * Builds an event to emit (the incoming correlation id; merchant and payment default to the incoming event's).
   * Building emits nothing: the handler emits the events it returns.
   */
  event: EventFactory;
  /**
   * Only for a `writes: 'one-statement'` consumer: the inbox row its writing statement must claim, and `settle`,
   * which the handler calls with what that claim answered (true: the first delivery; false: a duplicate, and
   * the handler returns having changed nothing and emitting nothing). A handler that returns without settling
   * fails the record.
   */
  inbox?: InboxClaim;
  /** The SQS message id and how many times SQS has handed this message out (1 on the first delivery). */
  messageId: string;
  receiveCount: number;
}

/** The event to record in the inbox, for a handler whose writing statement claims it. */
export interface InboxClaim extends InboxEntry {
  settle(claimed: boolean): void;
}

/**
 * How a record's writes commit.
 * - 'transaction' (the default): the runtime claims the event in the inbox before the handler runs (a duplicate
 *   never reaches it), runs the handler in a transaction, and writes the events it returns to the outbox there.
 * - 'one-statement': every write of the handler is one statement, after reads that change nothing, and that
 *   statement claims the event in the inbox (`ctx.inbox`) and writes the events the handler returns, all or
 *   nothing. A record alone then needs no transaction of its own (`ctx.tx` is the pool, and the statement its
 *   own transaction: no inbox statement, no BEGIN and COMMIT); in a batch it runs in the batch's transaction.
 */
export type ConsumerWrites = 'transaction' | 'one-statement';

/** What a batch came to, for `afterBatch`: its records' SQS message ids, and those reported failed. */
export interface BatchOutcome {
  messageIds: readonly string[];
  failed: ReadonlySet<string>;
}

export interface ConsumerDefinition<N extends ConsumerName = ConsumerName, D = unknown> {
  name: N;
  /** The event types it handles: the ones the topology routes to it (functions/shared/events/topology.ts). */
  handles: readonly EventsOf<N>[];
  writes?: ConsumerWrites;
  /** Handles one event; returns the events it emits (published after commit, carrying its correlation id). */
  handle(event: ConsumedEvent<N>, ctx: ConsumerContext<D>): Promise<Emitted>;
  /**
   * Runs after each batch has committed and its events were published, outside any transaction; what it throws
   * fails the invocation, so it should catch what may fail.
   */
  afterBatch?(batch: BatchOutcome, ctx: AfterBatchContext<D>): Promise<void>;
}

export interface AfterBatchContext<D> {
  /** The consumer's database client. */
  sql: Sql;
  deps: D;
  logger: RecordLogger;
}

export function defineConsumer<N extends ConsumerName, D = undefined>(
  definition: ConsumerDefinition<N, D>,
): ConsumerDefinition<N, D> {
  if (!(definition.name in CONSUMERS)) throw new Error(`unknown consumer ${String(definition.name)}`);
  const routed = CONSUMERS[definition.name].events as readonly EventType[];
  const handled = definition.handles as readonly EventType[];
  if (routed.length !== handled.length || routed.some((type) => !handled.includes(type)))
    throw new Error(
      `${definition.name} handles ${handled.join(', ')}, but the topology routes it ${routed.join(', ')}`,
    );
  return definition;
}

export function consumes(definition: Pick<ConsumerDefinition, 'handles'>, type: EventType): boolean {
  return (definition.handles as readonly EventType[]).includes(type);
}
