import type { Sql } from '../../shared/db/client';
import type { Audience, NotificationAuditEntry, NotificationLog } from '../ports';

interface AuditRow {
  id: string;
  event_id: string;
  event_type: string;
  payment_id: string;
  channel: 'email' | 'sms';
  audience: Audience;
  template: string;
  recipient_masked: string;
  recipient_hash: string;
  status: 'sent' | 'failed' | 'suppressed';
  reason: string | null;
  retryable: boolean;
  provider: string | null;
  provider_message_id: string | null;
  attempt: number;
  attempted_at: Date;
  recorded_at: Date;
}

function toEntry(row: AuditRow): NotificationAuditEntry {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    paymentId: row.payment_id,
    channel: row.channel,
    audience: row.audience,
    template: row.template,
    recipientMasked: row.recipient_masked,
    recipientHash: row.recipient_hash,
    status: row.status,
    reason: row.reason,
    retryable: row.retryable,
    provider: row.provider,
    providerMessageId: row.provider_message_id,
    attempt: row.attempt,
    attemptedAt: row.attempted_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
  };
}

export class PostgresNotificationLog implements NotificationLog {
  constructor(private readonly sql: Sql) {}

  async list(
    merchantId: string,
    paymentId: string,
    page: { limit: number; startingAfter?: string },
  ): Promise<{ items: NotificationAuditEntry[]; hasMore: boolean }> {
    const sql = this.sql;
    // Ids are UUIDv7: their order is the order the entries were written in.
    const rows = await sql<AuditRow[]>`
      select * from notification_audit
       where merchant_id = ${merchantId} and payment_id = ${paymentId}
         ${page.startingAfter ? sql`and id > ${page.startingAfter}` : sql``}
       order by id
       limit ${page.limit + 1}`;
    return { items: rows.slice(0, page.limit).map(toEntry), hasMore: rows.length > page.limit };
  }
}
