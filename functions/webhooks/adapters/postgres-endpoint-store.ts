import type { EventType } from '../../domain/events';
import type { Sql } from '../../shared/db/client';
import type { EndpointStatus, EndpointStore, NewEndpoint, Page, PageOf, WebhookEndpoint } from '../ports';

export interface EndpointRow {
  id: string;
  merchant_id: string;
  url: string;
  events: string[] | null;
  description: string | null;
  status: EndpointStatus;
  disabled_reason: WebhookEndpoint['disabledReason'];
  disabled_at: Date | null;
  failing_since: Date | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    url: row.url,
    events: row.events as EventType[] | null,
    description: row.description,
    status: row.status,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    failingSince: row.failing_since,
    secretSealed: row.secret_sealed,
    previousSecretSealed: row.previous_secret_sealed,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class PostgresEndpointStore implements EndpointStore {
  constructor(private readonly sql: Sql) {}

  async create(endpoint: NewEndpoint): Promise<WebhookEndpoint> {
    const [row] = await this.sql<EndpointRow[]>`
      insert into webhook_endpoints (id, merchant_id, url, events, description, secret_sealed)
      values (${endpoint.id}, ${endpoint.merchantId}, ${endpoint.url},
              ${endpoint.events ? this.sql.array(endpoint.events) : null}, ${endpoint.description},
              ${endpoint.secretSealed})
      returning *`;
    return toEndpoint(row!);
  }

  async find(merchantId: string, id: string): Promise<WebhookEndpoint | undefined> {
    const [row] = await this.sql<EndpointRow[]>`
      select * from webhook_endpoints where id = ${id} and merchant_id = ${merchantId}`;
    return row ? toEndpoint(row) : undefined;
  }

  async list(merchantId: string, page: Page): Promise<PageOf<WebhookEndpoint> | 'unknown-cursor'> {
    const sql = this.sql;
    let after = sql``;
    if (page.startingAfter) {
      const [cursor] = await sql<{ created_at: Date; id: string }[]>`
        select created_at, id from webhook_endpoints
         where id = ${page.startingAfter} and merchant_id = ${merchantId}`;
      if (!cursor) return 'unknown-cursor';
      after = sql`and (created_at, id) < (${cursor.created_at}, ${cursor.id})`;
    }
    const rows = await sql<EndpointRow[]>`
      select * from webhook_endpoints
       where merchant_id = ${merchantId} ${after}
       order by created_at desc, id desc
       limit ${page.limit + 1}`;
    return { items: rows.slice(0, page.limit).map(toEndpoint), hasMore: rows.length > page.limit };
  }

  async delete(merchantId: string, id: string): Promise<boolean> {
    const rows = await this.sql`
      delete from webhook_endpoints where id = ${id} and merchant_id = ${merchantId} returning id`;
    return rows.length > 0;
  }

  async rotate(
    merchantId: string,
    id: string,
    sealed: string,
    previousExpiresAt: Date,
  ): Promise<WebhookEndpoint | undefined> {
    const [row] = await this.sql<EndpointRow[]>`
      update webhook_endpoints
         set previous_secret_sealed = secret_sealed,
             previous_secret_expires_at = ${previousExpiresAt},
             secret_sealed = ${sealed},
             updated_at = now()
       where id = ${id} and merchant_id = ${merchantId}
      returning *`;
    return row ? toEndpoint(row) : undefined;
  }

  async setStatus(
    merchantId: string,
    id: string,
    status: EndpointStatus,
  ): Promise<WebhookEndpoint | undefined> {
    const [row] = await this.sql<EndpointRow[]>`
      update webhook_endpoints
         set status = ${status},
             disabled_reason = ${status === 'disabled' ? 'merchant' : null},
             disabled_at = ${status === 'disabled' ? this.sql`now()` : null},
             failing_since = null,
             updated_at = now()
       where id = ${id} and merchant_id = ${merchantId}
      returning *`;
    return row ? toEndpoint(row) : undefined;
  }
}
