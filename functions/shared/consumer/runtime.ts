/**
 * The consumer runtime: turns a ConsumerDefinition into the Lambda SQS handler (and the local poller's, which
 * is the same function). See README.md beside this file for what it guarantees and what a consumer must do.
 */
import {
  BatchProcessor,
  EventType as BatchEventType,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseEvent, type AnyEventEnvelope } from '../../domain/events';
import { appendEvents, buildEvent } from '../../outbox/outbox';
import type { EventPublisher } from '../../outbox/ports';
import { publishCommitted } from '../../outbox/use-cases/publish-committed';
import type { Sql } from '../db/client';
import { logger as processLogger } from '../logger';
import { consumes, type ConsumedEvent, type ConsumerContext, type ConsumerDefinition } from './consumer';
import { claimEvent } from './inbox';

export interface ConsumerDependencies {
  /** The database client (created once per process). */
  sql(): Promise<Sql> | Sql;
  /** Where emitted events go after commit. */
  publisher(): EventPublisher;
  /** Parent of every record's logger; defaults to the process logger. */
  logger?: Logger;
}

/** A Lambda SQS handler reporting partial batch failures (ReportBatchItemFailures on the event source mapping). */
export type SqsBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

export type RecordOutcome = 'processed' | 'duplicate';

/** A message that is not a valid envelope of an event this consumer takes: it fails until it reaches the DLQ. */
export class RejectedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RejectedMessageError';
  }
}

const BODY_EXCERPT = 500;

function decode(consumer: ConsumerDefinition, record: SQSRecord, log: Logger): AnyEventEnvelope {
  let event: AnyEventEnvelope;
  try {
    event = parseEvent(JSON.parse(record.body));
  } catch (error) {
    log.error('rejected a malformed message; it stays failed and reaches the DLQ after maxReceiveCount', {
      reason: (error as Error).message,
      body: record.body.slice(0, BODY_EXCERPT),
    });
    throw new RejectedMessageError(`message ${record.messageId}: ${(error as Error).message}`);
  }
  if (!consumes(consumer.name, event.type)) {
    log.error(
      'rejected an event type this consumer does not take; it reaches the DLQ after maxReceiveCount',
      {
        eventId: event.id,
        eventType: event.type,
      },
    );
    throw new RejectedMessageError(
      `message ${record.messageId}: ${consumer.name} does not consume ${event.type}`,
    );
  }
  return event;
}

/**
 * Runs one SQS record through the consumer: validate, then in one transaction claim the event id in the inbox,
 * run the handler and write what it emits to the outbox; after commit, publish those events. Throws (so the
 * record is reported failed) when the message is rejected or the handler fails.
 */
export async function processRecord(
  consumer: ConsumerDefinition,
  deps: ConsumerDependencies,
  record: SQSRecord,
): Promise<RecordOutcome> {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  const base = (deps.logger ?? processLogger).createChild({
    persistentKeys: { consumer: consumer.name, messageId: record.messageId, receiveCount },
  });
  const event = decode(consumer, record, base);
  const log = base.createChild({
    persistentKeys: {
      correlationId: event.correlationId,
      eventId: event.id,
      eventType: event.type,
      paymentId: event.paymentId,
    },
  });
  const sql = await deps.sql();
  const emitted: AnyEventEnvelope[] = [];
  let outcome: RecordOutcome;
  try {
    outcome = await sql.begin(async (tx) => {
      if (!(await claimEvent(tx, consumer.name, event))) return 'duplicate';
      const ctx: ConsumerContext = {
        tx,
        logger: log,
        messageId: record.messageId,
        receiveCount,
        emit: (type, fields) => {
          const out = buildEvent(type, {
            merchantId: fields.merchantId ?? event.merchantId,
            paymentId: fields.paymentId ?? event.paymentId,
            correlationId: event.correlationId,
            data: fields.data,
            occurredAt: fields.occurredAt,
          });
          emitted.push(out as AnyEventEnvelope);
          return out;
        },
        emitEnvelope: (envelope) => {
          const out = { ...envelope, correlationId: event.correlationId } as AnyEventEnvelope;
          emitted.push(out);
          return out;
        },
      };
      await consumer.handle(event as ConsumedEvent<typeof consumer.name>, ctx);
      await appendEvents(tx, emitted);
      return 'processed';
    });
  } catch (error) {
    log.error('consumer failed; the message will be redelivered after its visibility timeout', { error });
    throw error;
  }
  if (outcome === 'duplicate') {
    log.info('duplicate delivery: already processed, nothing changed');
    return outcome;
  }
  if (emitted.length > 0) await publishAfterCommit(sql, deps, emitted, log);
  log.debug('event processed', { emitted: emitted.map((e) => `${e.type}:${e.id}`) });
  return outcome;
}

async function publishAfterCommit(
  sql: Sql,
  deps: ConsumerDependencies,
  events: AnyEventEnvelope[],
  log: Logger,
): Promise<void> {
  // The events are committed in the outbox: a failure here only delays them until the relay's next sweep,
  // so it must not fail the record (a retry would find the inbox row and do nothing anyway).
  try {
    const result = await publishCommitted(sql, deps.publisher(), events);
    if (result.failed > 0)
      log.warn('some emitted events were not published; the outbox relay will', { ...result });
  } catch (error) {
    log.warn('publishing emitted events failed; the outbox relay will publish them', { error });
  }
}

/**
 * The Lambda handler for a consumer: Powertools batch processing with partial batch failures. Each record is
 * processed on its own; the failed ones (and only those) are returned in batchItemFailures.
 */
export function createSqsHandler(consumer: ConsumerDefinition, deps: ConsumerDependencies): SqsBatchHandler {
  return async (event, context) => {
    // A processor holds one batch's state: one per invocation, so concurrent local invocations cannot mix.
    const processor = new BatchProcessor(BatchEventType.SQS);
    return processPartialResponse(
      event,
      (record: SQSRecord) => processRecord(consumer, deps, record),
      processor,
      {
        context,
        processInParallel: consumer.processInParallel ?? false,
        // Every record failed: report them all rather than throw, so Lambda and the local poller treat it alike.
        throwOnFullBatchFailure: false,
      },
    );
  };
}
