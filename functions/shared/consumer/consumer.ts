/**
 * How a consumer is written: a typed handler for one validated event at a time. The runtime (runtime.ts) does
 * the batch, the validation, the inbox (idempotency by event id), the transaction and publishing what it emits.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AnyEventEnvelope, EventData, EventEnvelope, EventType } from '../../domain/events';
import type { TransactionSql } from '../db/client';
import { CONSUMERS, type ConsumerName } from '../events/topology';

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
  /** The open transaction: the consumer's own writes go here, next to the inbox row and emitted events. */
  tx: TransactionSql;
  /** Powertools logger carrying consumer, correlationId, eventId, eventType, paymentId and the SQS messageId. */
  logger: Logger;
  /**
   * Writes an event to the outbox in this transaction, carrying the incoming correlation id; the runtime
   * publishes it after commit (and the outbox relay, if that publish fails). Returns the envelope written.
   */
  emit<T extends EventType>(type: T, fields: EmitFields<T>): EventEnvelope<T>;
  /** The same, for an envelope a use case already built; its correlationId is replaced by the incoming one. */
  emitEnvelope(event: AnyEventEnvelope): AnyEventEnvelope;
  /** The SQS message id and how many times SQS has handed this message out (1 on the first delivery). */
  messageId: string;
  receiveCount: number;
}

export interface ConsumerDefinition<N extends ConsumerName = ConsumerName> {
  name: N;
  handle(event: ConsumedEvent<N>, ctx: ConsumerContext): Promise<void>;
}

export function defineConsumer<N extends ConsumerName>(
  definition: ConsumerDefinition<N>,
): ConsumerDefinition<N> {
  if (!(definition.name in CONSUMERS)) throw new Error(`unknown consumer ${String(definition.name)}`);
  return definition;
}

export function consumes(name: ConsumerName, type: EventType): boolean {
  return (CONSUMERS[name].events as readonly EventType[]).includes(type);
}
