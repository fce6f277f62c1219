import { newId } from '../../domain/ids';
import { isPaymentEventType, type EventType } from '../../domain/events';
import { asyncCommit, type Queryable, type Sql } from '../../shared/db/client';
import { outboxWrites } from '../../shared/outbox/outbox';
import type { AttemptRecord, Claim, DeliveryStore, Page, PageOf, WebhookDelivery } from '../ports';
import { toEndpoint, type EndpointRow } from './postgres-endpoint-store';

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  merchant_id: string;
  event_id: string;
  event_type: string;
  status: WebhookDelivery['status'];
  attempts: number;
  last_status_code: number | null;
  last_response_ms: number | null;
  last_response_body: string | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  created_at: Date;
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    merchantId: row.merchant_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastResponseMs: row.last_response_ms,
    lastResponseBody: row.last_response_body,
    lastError: row.last_error,
    lastAttemptAt: row.last_attempt_at,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  };
}

const LISTED = `id, endpoint_id, merchant_id, event_id, event_type, status, attempts, last_status_code,
  last_response_ms, last_response_body, last_error, last_attempt_at, next_attempt_at, created_at`;

export class PostgresDeliveryStore implements DeliveryStore {
  constructor(private readonly sql: Sql) {}

  async fanOut(
    tx: Queryable,
    event: { id: string; type: EventType; merchantId: string; exceptEndpoint?: string },
    payload: string,
  ): Promise<string[]> {
    // `events: null` takes every payment event; a merchant event only goes where it is named.
    const takes = isPaymentEventType(event.type)
      ? tx`(events is null or ${event.type} = any(events))`
      : tx`${event.type} = any(events)`;
    const endpoints = await tx<{ id: string }[]>`
      select id from webhook_endpoints
       where merchant_id = ${event.merchantId} and status = 'enabled' and ${takes}
         ${event.exceptEndpoint ? tx`and id <> ${event.exceptEndpoint}` : tx``}`;
    if (endpoints.length === 0) return [];
    const rows = endpoints.map((e) => ({
      id: newId(),
      endpoint_id: e.id,
      merchant_id: event.merchantId,
      event_id: event.id,
      event_type: event.type,
      payload,
    }));
    const inserted = await tx<{ id: string }[]>`
      insert into webhook_deliveries ${tx(rows)}
      on conflict (endpoint_id, event_id) do nothing
      returning id`;
    return inserted.map((r) => r.id);
  }

  async list(
    merchantId: string,
    endpointId: string,
    page: Page,
  ): Promise<PageOf<WebhookDelivery> | 'unknown-cursor'> {
    const sql = this.sql;
    let after = sql``;
    if (page.startingAfter) {
      const [cursor] = await sql<{ created_at: Date; id: string }[]>`
        select created_at, id from webhook_deliveries
         where id = ${page.startingAfter} and endpoint_id = ${endpointId} and merchant_id = ${merchantId}`;
      if (!cursor) return 'unknown-cursor';
      after = sql`and (created_at, id) < (${cursor.created_at}, ${cursor.id})`;
    }
    const rows = await sql<DeliveryRow[]>`
      select ${sql.unsafe(LISTED)} from webhook_deliveries
       where endpoint_id = ${endpointId} and merchant_id = ${merchantId} ${after}
       order by created_at desc, id desc
       limit ${page.limit + 1}`;
    return { items: rows.slice(0, page.limit).map(toDelivery), hasMore: rows.length > page.limit };
  }

  async redeliver(
    merchantId: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<WebhookDelivery | undefined> {
    const [row] = await this.sql<DeliveryRow[]>`
      update webhook_deliveries
         set status = 'pending', next_attempt_at = now(), scheduled_via = 'sweep', window_started_at = now(),
             window_attempts = 0, window_first_attempt_at = null, updated_at = now()
       where id = ${deliveryId} and endpoint_id = ${endpointId} and merchant_id = ${merchantId}
      returning ${this.sql.unsafe(LISTED)}`;
    return row ? toDelivery(row) : undefined;
  }

  async claim(deliveryId: string, limit: number, leaseMs: number): Promise<Claim> {
    return this.sql.begin(async (tx) => {
      // The endpoint's row serialises its claims, so the in-flight count below is exact.
      const [endpoint] = await tx<EndpointRow[]>`
        select * from webhook_endpoints
         where id = (select endpoint_id from webhook_deliveries where id = ${deliveryId})
           for update`;
      if (!endpoint) return { skip: 'gone' };
      if (endpoint.status !== 'enabled') return { skip: 'endpoint disabled' };
      // The lease is bookkeeping: committed without waiting for the WAL flush (a flush per attempt was most of
      // an attempt's cost). Lost in a database crash, it only lets the delivery be claimed again: a repeated
      // attempt, which at-least-once delivery allows.
      const [leased] = await tx<
        { event_id: string; payload: string; window_started_at: Date; window_attempts: number }[]
      >`
        update webhook_deliveries d
           set leased_until = now() + ${leaseMs / 1000} * interval '1 second'
          from ${asyncCommit(tx)}
         where d.id = ${deliveryId} and d.status = 'pending'
           and d.next_attempt_at <= now() + interval '1 second'
           and not coalesce(d.leased_until > now(), false)
           and (select count(*) from webhook_deliveries o
                 where o.endpoint_id = d.endpoint_id and o.status = 'pending' and o.leased_until > now()) < ${limit}
        returning d.event_id, d.payload, d.window_started_at, d.window_attempts`;
      if (!leased) return this.whyNotClaimed(tx, deliveryId, limit);
      return {
        claimed: {
          deliveryId,
          eventId: leased.event_id,
          payload: leased.payload,
          windowStartedAt: leased.window_started_at,
          windowAttempts: leased.window_attempts,
          endpoint: toEndpoint(endpoint),
        },
      };
    });
  }

  /** Why the lease was not taken, read under the same endpoint lock. */
  private async whyNotClaimed(tx: Queryable, deliveryId: string, limit: number): Promise<Claim> {
    const [delivery] = await tx<{ status: string; due: boolean; leased: boolean; in_flight: number }[]>`
      select status, next_attempt_at <= now() + interval '1 second' as due,
             coalesce(leased_until > now(), false) as leased,
             (select count(*)::int from webhook_deliveries o
               where o.endpoint_id = d.endpoint_id and o.status = 'pending' and o.leased_until > now()) as in_flight
        from webhook_deliveries d where id = ${deliveryId}`;
    if (!delivery) return { skip: 'gone' };
    if (delivery.status !== 'pending') return { skip: 'not pending' };
    if (!delivery.due) return { skip: 'not due' };
    if (delivery.leased) return { skip: 'in flight' };
    if (delivery.in_flight >= limit) return { busy: true };
    return { skip: 'in flight' };
  }

  async record(attempt: AttemptRecord): Promise<{ endpointDisabled: boolean }> {
    if (!attempt.disable) return this.recordIn(this.sql, attempt);
    // An attempt that may disable its endpoint first locks the endpoint's row, so that of two attempts recorded at
    // once only the first finds it enabled: one disable, one notice.
    return this.sql.begin(async (tx) => {
      const [endpoint] = await tx<{ status: string }[]>`
        select status from webhook_endpoints
         where id = (select endpoint_id from webhook_deliveries where id = ${attempt.deliveryId})
           for update`;
      return this.recordIn(tx, endpoint?.status === 'enabled' ? attempt : { ...attempt, disable: undefined });
    });
  }

  private async recordIn(sql: Queryable, attempt: AttemptRecord): Promise<{ endpointDisabled: boolean }> {
    const status = attempt.succeeded ? 'succeeded' : attempt.next ? 'pending' : 'failed';
    const { disable } = attempt;
    // Failing everything for the whole window: since before the window (of time) now closing, or, when this
    // delivery has just failed for good, since before its window's first attempt.
    const disabling = disable
      ? sql`(e.status = 'enabled' and (e.failing_since <= ${disable.ifFailingSince}
          or (${status === 'failed'} and e.failing_since <= delivery.window_first_attempt_at)))`
      : sql`false`;
    const [row] = await sql<{ disabled: boolean | null }[]>`
      with delivery as (
        update webhook_deliveries
           set status = ${status},
               attempts = attempts + 1,
               window_attempts = window_attempts + 1,
               window_first_attempt_at = coalesce(window_first_attempt_at, now()),
               last_status_code = ${attempt.statusCode},
               last_response_ms = ${attempt.responseMs},
               last_response_body = ${attempt.responseBody},
               last_error = ${attempt.error},
               last_attempt_at = now(),
               next_attempt_at = ${attempt.next?.at ?? null},
               scheduled_via = ${attempt.next?.via ?? 'queue'},
               leased_until = null,
               updated_at = now()
         where id = ${attempt.deliveryId}
        returning endpoint_id, window_first_attempt_at
      ), endpoint as (
        update webhook_endpoints e
           set failing_since = ${attempt.succeeded ? null : sql`coalesce(e.failing_since, now())`},
               status = case when ${disabling} then 'disabled' else e.status end,
               disabled_reason = case when ${disabling} then 'failing' else e.disabled_reason end,
               disabled_at = case when ${disabling} then ${disable?.at ?? null}::timestamptz else e.disabled_at end
          from delivery
         where e.id = delivery.endpoint_id
        returning e.status = 'disabled' and e.disabled_reason = 'failing'
                  and e.disabled_at = ${disable?.at ?? null}::timestamptz as disabled
      )
      select disabled${
        // The merchant's notice commits with the disable.
        disable
          ? sql`, ${outboxWrites(sql, [disable.event], sql`exists (select 1 from endpoint where disabled)`)}`
          : sql``
      } from endpoint${
        // An attempt that cannot disable is bookkeeping of an at-least-once delivery: lost in a crash, the delivery
        // is attempted again once its lease ends, which the receiver already dedupes by webhook-id. One that may
        // disable waits for the flush, since its notice is published right after the commit.
        disable ? sql`` : sql`, ${asyncCommit(sql)}`
      }`;
    return { endpointDisabled: row?.disabled === true };
  }

  async due(before: Date, overdueBefore: Date, limit: number): Promise<{ id: string; at: Date }[]> {
    const rows = await this.sql<{ id: string; at: Date }[]>`
      update webhook_deliveries d
         set scheduled_via = 'queue', updated_at = now()
        from webhook_endpoints e
       where d.id in (
               select id from webhook_deliveries
                where status = 'pending'
                  and ((scheduled_via = 'sweep' and next_attempt_at <= ${before})
                       or next_attempt_at <= ${overdueBefore})
                  and (leased_until is null or leased_until < now())
                order by next_attempt_at
                limit ${limit})
         and e.id = d.endpoint_id and e.status = 'enabled'
      returning d.id, d.next_attempt_at as at`;
    return rows;
  }

  async oldestDueSeconds(): Promise<number> {
    const [row] = await this.sql<{ seconds: number | null }[]>`
      select extract(epoch from now() - min(d.next_attempt_at))::float8 as seconds
        from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
       where d.status = 'pending' and d.next_attempt_at <= now() and e.status = 'enabled'`;
    return Math.max(0, row?.seconds ?? 0);
  }
}
