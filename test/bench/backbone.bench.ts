/**
 * The event backbone, measured:
 * 1. events per second through the local backbone: publish (SNS PublishBatch through the outbox's adapter),
 *    fan-out to the subscribed queues, poll, a no-op consumer, delete;
 * 2. what the consumer runtime adds per record (envelope validation + inbox row in a transaction) over a no-op
 *    Powertools batch handler, in the same run, on the PostgreSQL server (DATABASE_URL, else 127.0.0.1:5432;
 *    embedded PGlite only when no server answers, and then the figure says so). Target: under 2 ms per record.
 */
import { performance } from 'node:perf_hooks';
import {
  BatchProcessor,
  EventType as BatchEventType,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { parseEvent } from '../../functions/domain/event-schemas';
import { PAYMENT_EVENT_TYPES } from '../../functions/domain/events';
import { defineConsumer } from '../../functions/shared/consumer/consumer';
import { consumerHandler } from '../../functions/shared/consumer/runtime';
import { CONSUMER_NAMES, CONSUMERS, type ConsumerName } from '../../functions/shared/events/topology';
import { startLocalMessaging } from '../../lib/local/messaging';
import { paymentCreated, RecordingPublisher, sqsRecord } from '../functions/shared/consumer/fixtures';
import { benchDatabase } from './support/database';

const BACKBONE_EVENTS = 3000;
const RUNTIME_RECORDS = 3000;
const BATCH = 10;

async function backbone(): Promise<Record<string, number>> {
  const noOp = async () => ({ batchItemFailures: [] });
  const messaging = await startLocalMessaging({
    prefix: 'rampay-bench',
    waitTimeSeconds: 1,
    consumers: Object.fromEntries(CONSUMER_NAMES.map((c) => [c, noOp])),
  });
  try {
    const events = Array.from({ length: BACKBONE_EVENTS }, () => paymentCreated());
    const expected = CONSUMER_NAMES.filter((c) =>
      (CONSUMERS[c].events as readonly string[]).includes('PaymentCreated'),
    ).length;
    const started = performance.now();
    // Publish in chunks of 100 events, 4 chunks in flight, as several API handlers would.
    const chunks = Array.from({ length: Math.ceil(events.length / 100) }, (_, i) =>
      events.slice(i * 100, i * 100 + 100),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < chunks.length) {
          const result = await messaging.publisher.publish(chunks[next++]!);
          if (result.failed.length > 0) throw new Error(`publish failed: ${result.failed[0]!.error}`);
        }
      }),
    );
    const published = performance.now();
    const delivered = () =>
      Object.values(messaging.pollerStats()).reduce((sum, s) => sum + (s?.succeeded ?? 0), 0);
    let lastReport = performance.now();
    while (delivered() < events.length * expected) {
      if (performance.now() - started > 120_000) throw new Error('backbone did not drain within 120 s');
      if (performance.now() - lastReport > 2000) {
        lastReport = performance.now();
        console.log(`  backbone: ${delivered()}/${events.length * expected} deliveries consumed`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const drained = performance.now();
    const seconds = (drained - started) / 1000;
    const stats = messaging.pollerStats() as Record<ConsumerName, { batches: number; succeeded: number }>;
    const batches = CONSUMER_NAMES.reduce((sum, c) => sum + (stats[c]?.batches ?? 0), 0);
    return {
      events: events.length,
      deliveries: events.length * expected,
      publishSeconds: round((published - started) / 1000, 3),
      totalSeconds: round(seconds, 3),
      eventsPerSecond: round(events.length / seconds, 0),
      deliveriesPerSecond: round((events.length * expected) / seconds, 0),
      meanBatchSize: round((events.length * expected) / batches, 2),
    };
  } finally {
    await messaging.stop();
  }
}

function batches(records: SQSRecord[]): SQSEvent[] {
  return Array.from({ length: Math.ceil(records.length / BATCH) }, (_, i) => ({
    Records: records.slice(i * BATCH, i * BATCH + BATCH),
  }));
}

/** Mean and percentiles of per-record time (batch time / records in it), in ms. */
function summarize(perRecordMs: number[]): { mean: number; p50: number; p95: number } {
  const sorted = [...perRecordMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return { mean: round(mean, 4), p50: round(at(0.5), 4), p95: round(at(0.95), 4) };
}

async function timeBatches(
  handler: (event: SQSEvent) => Promise<{ batchItemFailures: unknown[] }>,
  events: SQSEvent[],
): Promise<number[]> {
  const perRecord: number[] = [];
  for (const event of events) {
    const t0 = performance.now();
    const result = await handler(event);
    perRecord.push((performance.now() - t0) / event.Records.length);
    if (result.batchItemFailures.length > 0) throw new Error('a benchmark record failed');
  }
  return perRecord;
}

async function runtimeOverhead(): Promise<Record<string, unknown>> {
  const db = await benchDatabase(2);
  try {
    const logger = new Logger({ serviceName: 'bench', logLevel: 'WARN' });
    const noOpRecord = async (_record: SQSRecord) => undefined;
    const baseline = (event: SQSEvent) =>
      processPartialResponse(event, noOpRecord, new BatchProcessor(BatchEventType.SQS), {
        processInParallel: false,
        throwOnFullBatchFailure: false,
      });
    const validateOnly = (event: SQSEvent) =>
      processPartialResponse(
        event,
        async (record: SQSRecord) => void parseEvent(JSON.parse(record.body)),
        new BatchProcessor(BatchEventType.SQS),
        { processInParallel: false, throwOnFullBatchFailure: false },
      );
    const runtime = consumerHandler(
      defineConsumer({ name: 'analytics', handles: PAYMENT_EVENT_TYPES, handle: async () => undefined }),
      {
        sql: () => db.sql,
        publisher: () => new RecordingPublisher(),
        logger,
      },
    );
    const fresh = (n: number) => batches(Array.from({ length: n }, () => sqsRecord(paymentCreated())));

    // Warm up every path (JIT, connections), then measure in interleaved rounds so drift hits all alike.
    await timeBatches(baseline, fresh(200));
    await timeBatches(validateOnly, fresh(200));
    await timeBatches(runtime, fresh(200));
    const rounds = 5;
    const samples = { baseline: [] as number[], validateOnly: [] as number[], runtime: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      const n = RUNTIME_RECORDS / rounds;
      samples.baseline.push(...(await timeBatches(baseline, fresh(n))));
      samples.validateOnly.push(...(await timeBatches(validateOnly, fresh(n))));
      samples.runtime.push(...(await timeBatches(runtime, fresh(n))));
      console.log(`  runtime overhead: round ${round + 1}/${rounds}`);
    }
    const b = summarize(samples.baseline);
    const v = summarize(samples.validateOnly);
    const r = summarize(samples.runtime);
    return {
      database: db.isServer ? 'PostgreSQL server' : 'embedded PGlite (no server answered)',
      records: RUNTIME_RECORDS,
      batchSize: BATCH,
      noOpHandlerMsPerRecord: b,
      validationOnlyMsPerRecord: v,
      runtimeMsPerRecord: r,
      addedMsPerRecord: round(r.mean - b.mean, 4),
      addedByValidationMsPerRecord: round(v.mean - b.mean, 4),
      targetMsPerRecord: 2,
      withinTarget: r.mean - b.mean < 2,
    };
  } finally {
    await db.stop();
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export default async function main(): Promise<Record<string, unknown>> {
  console.log(
    `local backbone: ${BACKBONE_EVENTS} PaymentCreated events, no-op consumers on every subscribed queue`,
  );
  const throughput = await backbone();
  console.log(
    `  ${throughput.eventsPerSecond} events/s (${throughput.deliveriesPerSecond} deliveries/s over ` +
      `${throughput.deliveries} deliveries, mean batch ${throughput.meanBatchSize}) in ${throughput.totalSeconds} s`,
  );
  console.log(`consumer runtime overhead: ${RUNTIME_RECORDS} records in batches of ${BATCH}`);
  const overhead = await runtimeOverhead();
  const added = overhead.addedMsPerRecord as number;
  console.log(
    `  on ${String(overhead.database)}: no-op ${JSON.stringify(overhead.noOpHandlerMsPerRecord)} ms/record, ` +
      `runtime ${JSON.stringify(overhead.runtimeMsPerRecord)} ms/record`,
  );
  console.log(
    `  added by the runtime: ${added} ms/record (validation alone ${String(overhead.addedByValidationMsPerRecord)}); ` +
      `target < 2 ms: ${overhead.withinTarget ? 'met' : 'NOT met'}`,
  );
  return { backbone: throughput, runtime: overhead };
}
