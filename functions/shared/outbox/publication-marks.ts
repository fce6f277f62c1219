import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable, Sql } from '../db/client';
import { literal } from '../db/literals';
import { logger } from '../logger';

/**
 * Marks events published: they leave the publication queue (mark_events_published, sql/outbox.sql). Asynchronous
 * commit: a mark lost in a database crash only means the relay publishes the event again, and delivery is at least
 * once anyway. The ids are a checked literal (functions/shared/db/literals.ts), so that the statement every
 * publisher runs after its commit is one round trip.
 */
export function markPublishedStatement(sql: Queryable, eventIds: readonly string[]) {
  return sql`select mark_events_published(${literal.uuidArray(sql, eventIds)})`;
}

interface PendingMarks {
  eventIds: string[];
}

const pendingMarks = new AsyncLocalStorage<PendingMarks>();

/**
 * Runs a request whose last statement can carry its "published" marks (see takePublicationMarks): every mark the
 * request defers is written by that statement or, if the request ends without it, by a statement of its own at
 * the end. A statement of its own is two round trips with postgres.js: a quarter of creating a payment.
 */
export async function withDeferredPublicationMarks<T>(
  sql: () => Promise<Sql>,
  run: () => Promise<T>,
): Promise<T> {
  const marks: PendingMarks = { eventIds: [] };
  try {
    return await pendingMarks.run(marks, run);
  } finally {
    if (marks.eventIds.length > 0) {
      // The events are out; an unrecorded mark only means the relay publishes them again.
      await markPublishedStatement(await sql(), marks.eventIds).catch((error: unknown) =>
        logger.warn('could not mark published events; the relay will publish them again', { error }),
      );
    }
  }
}

/** Leaves the marks to the request's last statement when there is one; false when the caller must write them now. */
export function deferPublicationMarks(eventIds: readonly string[]): boolean {
  const marks = pendingMarks.getStore();
  if (!marks) return false;
  marks.eventIds.push(...eventIds);
  return true;
}

/** The marks deferred so far in this request; the caller now owns writing them. */
export function takePublicationMarks(): string[] {
  const marks = pendingMarks.getStore();
  if (!marks) return [];
  return marks.eventIds.splice(0);
}
