import type { AnyEventEnvelope } from '../../domain/events';
import type { Sql, TransactionSql } from '../../shared/db/client';
import type { EventPublisher, PublishResult } from '../ports';

export interface PublishOutcome {
  published: number;
  failed: number;
}

/**
 * Publishes outbox rows and marks them published, holding their row locks meanwhile (SKIP LOCKED), so the
 * inline publisher and the relay never both publish one event; a row someone else holds is left to them.
 */
async function publishLocked(
  tx: TransactionSql,
  publisher: EventPublisher,
  events: AnyEventEnvelope[],
): Promise<PublishOutcome> {
  if (events.length === 0) return { published: 0, failed: 0 };
  const result: PublishResult = await publisher.publish(events);
  if (result.published.length > 0) {
    await tx`update outbox set published_at = now(), attempts = attempts + 1, last_error = null
              where id = any(${result.published}::uuid[])`;
  }
  for (const failure of result.failed) {
    await tx`update outbox set attempts = attempts + 1, last_error = ${failure.error.slice(0, 1000)}
              where id = ${failure.id}`;
  }
  return { published: result.published.length, failed: result.failed.length };
}

/** Right after a state change commits: publish its events now rather than waiting for the relay. */
export async function publishCommitted(
  sql: Sql,
  publisher: EventPublisher,
  events: readonly AnyEventEnvelope[],
): Promise<PublishOutcome> {
  if (events.length === 0) return { published: 0, failed: 0 };
  return sql.begin(async (tx) => {
    const rows = await tx<{ envelope: AnyEventEnvelope }[]>`
      select envelope from outbox
       where id = any(${events.map((e) => e.id)}::uuid[]) and published_at is null
       order by seq
       for update skip locked`;
    return publishLocked(
      tx,
      publisher,
      rows.map((r) => r.envelope),
    );
  });
}

/**
 * The relay: publishes whatever is still unpublished, oldest first, in batches, until nothing is left or
 * `maxBatches` ran. A process that died between commit and publish leaves its events here.
 */
export async function relayPending(
  sql: Sql,
  publisher: EventPublisher,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<PublishOutcome & { oldestPendingAgeSeconds: number }> {
  const batchSize = options.batchSize ?? 100;
  const total: PublishOutcome = { published: 0, failed: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? 50); batch++) {
    const outcome = await sql.begin(async (tx) => {
      const rows = await tx<{ envelope: AnyEventEnvelope }[]>`
        select envelope from outbox
         where published_at is null
         order by seq
         limit ${batchSize}
         for update skip locked`;
      return {
        rows: rows.length,
        ...(await publishLocked(
          tx,
          publisher,
          rows.map((r) => r.envelope),
        )),
      };
    });
    total.published += outcome.published;
    total.failed += outcome.failed;
    if (outcome.rows < batchSize || outcome.published === 0) break;
  }
  const [oldest] = await sql<{ age: number | null }[]>`
    select extract(epoch from now() - min(occurred_at))::int as age from outbox where published_at is null`;
  return { ...total, oldestPendingAgeSeconds: oldest?.age ?? 0 };
}
