/**
 * The consumer runtime: consumerHandler turns a ConsumerDefinition and its composition into the Lambda SQS handler
 * (and the local poller's, which is the same function). See README.md beside this file for what it guarantees and
 * what a consumer must do.
 */
import {
  BatchProcessor,
  EventType as BatchEventType,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AnyEventEnvelope } from '../../domain/events';
import { parseEvent } from '../../domain/event-schemas';
import { InvalidEventError } from '../../domain/event-types';
import { appendEvents, buildEvent, type EventFields as BuiltEventFields } from '../outbox/outbox';
import type { EventPublisher } from '../outbox/ports';
import { publishCommitted } from '../outbox/use-cases/publish-committed';
import type { Queryable, Sql } from '../db/client';
import { logger as processLogger } from '../logger';
import {
  consumes,
  type ConsumedEvent,
  type ConsumerContext,
  type ConsumerDefinition,
  type EventFactory,
} from './consumer';
import { failureOf, saveFailures, type ConsumerFailure } from './failures';
import { claimEvent } from './inbox';
import { recordLogger, type RecordLogger } from './record-logger';
import type { ConsumerName } from '../events/topology';
import { errorFacts } from '../error-facts';
import { inSpan, setSpanAttributes } from '../tracing/tracer';
import { parseTraceparent, parseXRayHeader } from '../tracing/trace-context';

type Resolve<D> = () => Promise<D> | D;

/**
 * What a consumer runs on: the database client, the publisher of what it emits, the parent logger and its own
 * dependencies (`ctx.deps`). The Lambda composition is lambdaComposition (dependencies.ts); tests and the local
 * platform may build their own.
 */
export type ConsumerComposition<D = undefined> = {
  /** The database client (created once per process). */
  sql(): Promise<Sql> | Sql;
  /** Where emitted events go after commit. */
  publisher(): EventPublisher;
  /** Parent of every record's logger; defaults to the process logger. */
  logger?: Logger;
} & (undefined extends D
  ? { dependencies?: Resolve<D> }
  : {
      /**
       * The consumer's own dependencies, asked for by every record (a failure fails the record, which is
       * retried): memoise what should be built once per container.
       */
      dependencies: Resolve<D>;
    });

/** A Lambda SQS handler reporting partial batch failures (ReportBatchItemFailures on the event source mapping). */
export type SqsBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

export type RecordOutcome = 'processed' | 'duplicate';

/**
 * A message that is not a valid envelope of an event this consumer takes: it fails until it reaches the DLQ. Its
 * message names no customer data (failures.ts shows it to operators).
 */
export class RejectedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RejectedMessageError';
  }
}

/** A definition as the runtime holds it: any consumer, any dependencies. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDefinition = ConsumerDefinition<any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyComposition = ConsumerComposition<any>;

function decode(
  consumer: AnyDefinition,
  record: SQSRecord,
  receiveCount: number,
  log: RecordLogger,
  failures: ConsumerFailure[],
): AnyEventEnvelope {
  let event: AnyEventEnvelope;
  try {
    event = parseEvent(JSON.parse(record.body));
  } catch (error) {
    // The body and a JSON parser's message may carry customers' data: the message id finds it in the DLQ. The
    // envelope's issues name fields and rules only.
    log.error('rejected a malformed message; it stays failed and reaches the DLQ after maxReceiveCount', {
      messageId: record.messageId,
      ...errorFacts(error),
    });
    throw new RejectedMessageError(
      `message ${record.messageId}: ${error instanceof InvalidEventError ? error.message : 'the body is not JSON'}`,
    );
  }
  if (!consumes(consumer, event.type)) {
    const error = new RejectedMessageError(
      `message ${record.messageId}: ${consumer.name} does not consume ${event.type}`,
    );
    const failure = failureOf(consumer.name, event, { messageId: record.messageId, receiveCount }, error);
    failures.push(failure);
    log.error(
      'rejected an event type this consumer does not take; it reaches the DLQ after maxReceiveCount',
      { eventId: event.id, eventType: event.type, errorClass: failure.errorName, reason: failure.reason },
    );
    throw error;
  }
  return event;
}

/** The record's envelope, validated; a message that is none is rejected (and reaches the DLQ). */
function decodeRecord(
  consumer: AnyDefinition,
  composition: AnyComposition,
  record: SQSRecord,
  failures: ConsumerFailure[],
): AnyEventEnvelope {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  const parent = composition.logger ?? processLogger;
  return decode(
    consumer,
    record,
    receiveCount,
    recordLogger(parent, { consumer: consumer.name, messageId: record.messageId, receiveCount }),
    failures,
  );
}

/**
 * Runs a record's work as its span: in the trace of the request (or record) that wrote the event, named by the
 * envelope's traceparent, or by the AWSTraceHeader SQS took from the sender when the envelope has none.
 */
function inRecordSpan<T>(
  consumer: AnyDefinition,
  record: SQSRecord,
  event: AnyEventEnvelope,
  work: () => Promise<T>,
): Promise<T> {
  const parent = parseTraceparent(event.traceparent) ?? parseXRayHeader(record.attributes?.AWSTraceHeader);
  return inSpan(
    `${consumer.name} ${event.type}`,
    {
      kind: 'consumer',
      ...(parent ? { parent } : {}),
      attributes: {
        consumer: consumer.name,
        'event.type': event.type,
        'event.id': event.id,
        ...(event.paymentId === undefined ? {} : { 'payment.id': event.paymentId }),
        'messaging.system': 'aws_sqs',
        receive_count: Number(record.attributes?.ApproximateReceiveCount ?? 1),
      },
    },
    async () => {
      const outcome = await work();
      if (typeof outcome === 'string') setSpanAttributes({ outcome });
      return outcome;
    },
  );
}

/**
 * Runs one SQS record through the consumer inside the batch's transaction, under its own savepoint: validate,
 * claim the event id in the inbox (or let the handler's one statement claim it, `writes: 'one-statement'`), run
 * the handler, write the events it returns to the outbox (a one-statement handler has written them itself). Throws
 * (so the record is reported failed, its savepoint rolled back and nothing of it kept) when the message is
 * rejected or the handler fails, after adding why to `failures`. The emitted events are handed to `accepted` only
 * once the record succeeded.
 * `alone`: the record is not part of a batch's transaction, so it needs no savepoint (two round trips less):
 * `tx` is then its own transaction, which the caller rolls back when this throws, or, for a one-statement
 * consumer, the pool.
 */
async function processRecord(
  consumer: AnyDefinition,
  composition: AnyComposition,
  tx: Queryable,
  record: SQSRecord,
  event: AnyEventEnvelope,
  accepted: AnyEventEnvelope[],
  failures: ConsumerFailure[],
  alone = false,
): Promise<RecordOutcome> {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  const parent = composition.logger ?? processLogger;
  const recordKeys = { consumer: consumer.name, messageId: record.messageId, receiveCount };
  const log = recordLogger(parent, {
    ...recordKeys,
    correlationId: event.correlationId,
    eventId: event.id,
    eventType: event.type,
    paymentId: event.paymentId,
  });
  const oneStatement = consumer.writes === 'one-statement';
  const build: EventFactory = (type, fields) =>
    buildEvent(type, {
      merchantId: fields.merchantId ?? event.merchantId,
      paymentId: fields.paymentId ?? event.paymentId,
      correlationId: event.correlationId,
      data: fields.data,
      occurredAt: fields.occurredAt,
    } as BuiltEventFields<typeof type>);
  let emitted: readonly AnyEventEnvelope[] = [];
  let outcome: RecordOutcome;
  try {
    const run = async (sp: Queryable): Promise<RecordOutcome> => {
      let claimed: boolean | undefined;
      if (!oneStatement && !(await claimEvent(sp, consumer.name, event))) return 'duplicate';
      const ctx: ConsumerContext<unknown> = {
        tx: sp,
        deps: composition.dependencies ? await composition.dependencies() : undefined,
        logger: log,
        event: build,
        messageId: record.messageId,
        receiveCount,
        ...(oneStatement
          ? {
              inbox: {
                consumer: consumer.name,
                event,
                settle: (value: boolean) => {
                  claimed = value;
                },
              },
            }
          : {}),
      };
      const out = (await consumer.handle(event as ConsumedEvent<typeof consumer.name>, ctx)) ?? [];
      for (const e of out)
        if (e.correlationId !== event.correlationId)
          throw new Error(`${consumer.name} emitted ${e.type} without the incoming correlation id`);
      if (oneStatement) {
        if (claimed === undefined)
          throw new Error(`${consumer.name} claims its events in the inbox but did not settle the claim`);
        if (!claimed) {
          if (out.length > 0) throw new Error(`${consumer.name} emitted events for a duplicate delivery`);
          return 'duplicate';
        }
      } else {
        await appendEvents(sp, out);
      }
      emitted = out;
      return 'processed';
    };
    if (alone) outcome = await run(tx);
    else if ('savepoint' in tx) outcome = await tx.savepoint(run);
    else throw new Error("a record of a batch runs in the batch's transaction");
  } catch (error) {
    const failure = failureOf(consumer.name, event, { messageId: record.messageId, receiveCount }, error);
    failures.push(failure);
    log.error('consumer failed; the message will be redelivered after its visibility timeout', {
      ...errorFacts(error),
      reason: failure.reason,
    });
    throw error;
  }
  if (outcome === 'duplicate') {
    log.info('duplicate delivery: already processed, nothing changed');
    return outcome;
  }
  accepted.push(...emitted);
  log.debug('event processed', { emitted: emitted.map((e) => `${e.type}:${e.id}`) });
  return outcome;
}

/** Saves why records failed, for `npm run dlq -- peek`; a failure to save is only logged (the ERROR lines say it). */
async function keepFailures(
  sql: Sql,
  composition: AnyComposition,
  failures: ConsumerFailure[],
): Promise<void> {
  try {
    await saveFailures(sql, failures);
  } catch (error) {
    (composition.logger ?? processLogger).warn(
      'could not save why records failed; their ERROR lines say it',
      {
        ...errorFacts(error),
        eventIds: failures.map((f) => f.eventId),
      },
    );
  }
}

async function publishAfterCommit(
  sql: Sql,
  composition: AnyComposition,
  events: AnyEventEnvelope[],
): Promise<void> {
  const log = composition.logger ?? processLogger;
  // The events are committed in the outbox: a failure here only delays them until the relay's next sweep,
  // so it must not fail the records (a retry would find their inbox rows and do nothing anyway).
  try {
    const result = await publishCommitted(sql, composition.publisher(), events);
    if (result.failed > 0)
      log.warn('some emitted events were not published; the outbox relay will', { ...result });
  } catch (error) {
    log.warn('publishing emitted events failed; the outbox relay will publish them', {
      ...errorFacts(error),
      eventIds: events.map((e) => e.id),
    });
  }
}

/**
 * The Lambda handler for a consumer (`export const handler = consumerHandler(definition, composition)` in its
 * handlers/consumer.ts; the local platform's pollers invoke the same one): Powertools batch processing with
 * partial batch failures. The batch runs in one transaction, each record under its own savepoint: a failed record
 * rolls back alone and is returned in batchItemFailures; the others commit together (one commit, so one WAL
 * flush, per batch rather than per record). Records run one after another, in the order received. Should the
 * commit itself fail (a deferred constraint, a lost connection), nothing was kept: the batch is run again with one
 * transaction per record, so that a record failing at commit fails alone. A batch of one record runs that way
 * from the start: its own transaction needs no savepoint, and a one-statement consumer's record needs no
 * transaction at all. Then the emitted events are published, and the definition's afterBatch runs.
 */
export function consumerHandler<N extends ConsumerName, D>(
  consumer: ConsumerDefinition<N, D>,
  composition: ConsumerComposition<D>,
): SqsBatchHandler {
  const definition = consumer as AnyDefinition;
  const options = (context?: Context) => ({
    context,
    // One record at a time: they share a connection, and savepoints nest in order.
    processInParallel: false,
    // Every record failed: report them all rather than throw, so Lambda and the local poller treat it alike.
    throwOnFullBatchFailure: false,
  });
  return async (event, context) => {
    const sql = await composition.sql();
    let accepted: AnyEventEnvelope[] = [];
    let failures: ConsumerFailure[] = [];
    let response: SQSBatchResponse;
    const recordByRecord = () =>
      processPartialResponse(
        event,
        async (record: SQSRecord) => {
          const own: AnyEventEnvelope[] = [];
          const event = decodeRecord(definition, composition, record, failures);
          const outcome = await inRecordSpan(definition, record, event, () =>
            definition.writes === 'one-statement'
              ? processRecord(definition, composition, sql, record, event, own, failures, true)
              : sql.begin((tx) =>
                  processRecord(definition, composition, tx, record, event, own, failures, true),
                ),
          );
          accepted.push(...own);
          return outcome;
        },
        new BatchProcessor(BatchEventType.SQS),
        options(context),
      );
    if (event.Records.length === 1) {
      response = await recordByRecord();
    } else {
      try {
        response = await sql.begin((tx) =>
          processPartialResponse(
            event,
            (record: SQSRecord) => {
              const event = decodeRecord(definition, composition, record, failures);
              return inRecordSpan(definition, record, event, () =>
                processRecord(definition, composition, tx, record, event, accepted, failures),
              );
            },
            // A processor holds one batch's state: one per invocation, so concurrent invocations cannot mix.
            new BatchProcessor(BatchEventType.SQS),
            options(context),
          ),
        );
      } catch (error) {
        (composition.logger ?? processLogger).warn(
          'the batch commit failed; running the batch again record by record',
          {
            consumer: definition.name,
            ...errorFacts(error),
          },
        );
        accepted = [];
        failures = [];
        response = await recordByRecord();
      }
    }
    if (accepted.length > 0) await publishAfterCommit(sql, composition, accepted);
    if (failures.length > 0) await keepFailures(sql, composition, failures);
    if (definition.afterBatch) {
      await definition.afterBatch(
        {
          messageIds: event.Records.map((r) => r.messageId),
          failed: new Set(response.batchItemFailures.map((f) => f.itemIdentifier)),
        },
        {
          sql,
          deps: composition.dependencies ? await composition.dependencies() : undefined,
          logger: composition.logger ?? processLogger,
        },
      );
    }
    return response;
  };
}
