import type { AnyEventEnvelope } from '../../../domain/events';
import type { Sql } from '../../db/client';
import { deferPublicationMarks, markPublishedStatement } from '../publication-marks';
import type { EventPublisher, PublishResult } from '../ports';
import { currentTraceContext, inSpan, spanInEachTrace } from '../../tracing/tracer';
import { parseTraceparent, type TraceContext } from '../../tracing/trace-context';

export interface PublishOutcome {
  published: number;
  failed: number;
}

/** How long a relay run owns the rows it claimed. */
const RELAY_LEASE_SECONDS = 60;

/**
 * Publishes events and records the outcome: published rows are marked, failed ones count an attempt, keep the
 * error and lose their lease so the next relay run retries them at once. No transaction is held open while SNS
 * is called: the lease (claimed_until) is what keeps other publishers off.
 */
async function publishAndRecord(
  sql: Sql,
  publisher: EventPublisher,
  events: readonly AnyEventEnvelope[],
  options: { deferMarks: boolean; spanName: string },
): Promise<PublishOutcome> {
  if (events.length === 0) return { published: 0, failed: 0 };
  let result: PublishResult;
  try {
    result = await publishTraced(publisher, events, options.spanName);
  } catch (error) {
    result = { published: [], failed: events.map((e) => ({ id: e.id, error: (error as Error).message })) };
  }
  if (result.published.length > 0 && !(options.deferMarks && deferPublicationMarks(result.published))) {
    await markPublishedStatement(sql, result.published);
  }
  for (const failure of result.failed) {
    await sql`update outbox_pending set attempts = attempts + 1, last_error = ${failure.error.slice(0, 1000)}, claimed_until = null
               where event_id = ${failure.id}`;
  }
  return { published: result.published.length, failed: result.failed.length };
}

/**
 * The publication as a span: under the current one (the request that wrote the events publishing them), or, when
 * the publisher follows no trace (the relay, a consumer after its batch committed), in the trace of each event,
 * under the span that wrote it, so that every trace shows its events leaving however late they do.
 */
function publishTraced(
  publisher: EventPublisher,
  events: readonly AnyEventEnvelope[],
  name: string,
): Promise<PublishResult> {
  const options = {
    kind: 'producer' as const,
    attributes: { 'messaging.system': 'aws_sns', 'messaging.batch.message_count': events.length },
  };
  const publish = () => publisher.publish(events);
  if (currentTraceContext()) return inSpan(name, options, publish);
  const writers = new Map<string, TraceContext>();
  for (const event of events) {
    const context = parseTraceparent(event.traceparent);
    if (context) writers.set(`${context.traceId}-${context.spanId}`, context);
  }
  return spanInEachTrace(name, options, [...writers.values()], publish);
}

/**
 * Right after a state change commits, its writer publishes the events it wrote (they are leased to it by
 * appendEvents), without waiting for the relay. Inside withDeferredPublicationMarks the marks ride on the
 * request's last statement.
 */
export function publishCommitted(
  sql: Sql,
  publisher: EventPublisher,
  events: readonly AnyEventEnvelope[],
): Promise<PublishOutcome> {
  return publishAndRecord(sql, publisher, events, { deferMarks: true, spanName: 'outbox publish' });
}

/**
 * The relay: claims unpublished events whose lease has run out (their writer died or failed), oldest first, in
 * batches, and publishes them; until nothing is left or `maxBatches` ran. Concurrent relays claim disjoint rows.
 */
export async function relayPending(
  sql: Sql,
  publisher: EventPublisher,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<PublishOutcome & { oldestPendingAgeSeconds: number }> {
  const batchSize = options.batchSize ?? 100;
  const total: PublishOutcome = { published: 0, failed: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? 50); batch++) {
    const claimed = await sql<{ seq: number; envelope: AnyEventEnvelope }[]>`
      with claimed as (
        update outbox_pending set claimed_until = now() + make_interval(secs => ${RELAY_LEASE_SECONDS})
         where event_id in (select p.event_id
                              from outbox_pending p join outbox o on o.id = p.event_id
                             where p.claimed_until is null or p.claimed_until < now()
                             order by o.seq
                             limit ${batchSize}
                               for update of p skip locked)
        returning event_id)
      select o.seq, o.envelope from claimed c join outbox o on o.id = c.event_id`;
    const events = claimed.sort((a, b) => a.seq - b.seq).map((r) => r.envelope);
    const outcome = await publishAndRecord(sql, publisher, events, {
      deferMarks: false,
      spanName: 'outbox relay publish',
    });
    total.published += outcome.published;
    total.failed += outcome.failed;
    if (claimed.length < batchSize || outcome.published === 0) break;
  }
  const [oldest] = await sql<{ age: number | null }[]>`
    select extract(epoch from now() - min(o.occurred_at))::int as age
      from outbox_pending p join outbox o on o.id = p.event_id`;
  return { ...total, oldestPendingAgeSeconds: oldest?.age ?? 0 };
}
