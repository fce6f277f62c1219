/**
 * Reading payments, refunds and the event feed: what the reading handlers need, without the writes and so
 * without the outbox and its event schemas (PostgresPaymentStore adds those).
 */
import type { AnyEventEnvelope } from '../../domain/events';
import type { CurrencyCode } from '../../domain/money';
import type { CardPaymentMethod, Customer, Payment, Refund } from '../../domain/payment';
import type { PaymentStatus } from '../../domain/payment-status';
import type { Sql } from '../../shared/db/client';
import type { EventFeedFilter, Page, PageOf, PaymentFilter, PaymentReadStore } from '../ports';

export interface PaymentRow {
  id: string;
  merchant_id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  amount_refunded: number;
  customer: Customer;
  payment_method: CardPaymentMethod;
  terminal_id: string;
  description: string | null;
  metadata: Record<string, string>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface RefundRow {
  id: string;
  payment_id: string;
  merchant_id: string;
  amount: number;
  currency: string;
  reason: string | null;
  created_at: Date;
}

export function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    status: row.status,
    amount: row.amount,
    currency: row.currency as CurrencyCode,
    amountRefunded: row.amount_refunded,
    customer: row.customer,
    paymentMethod: row.payment_method,
    terminalId: row.terminal_id,
    ...(row.description === null ? {} : { description: row.description }),
    metadata: row.metadata,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toRefund(row: RefundRow): Refund {
  return {
    id: row.id,
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    amount: row.amount,
    currency: row.currency as CurrencyCode,
    ...(row.reason === null ? {} : { reason: row.reason }),
    createdAt: row.created_at.toISOString(),
  };
}

export class PostgresPaymentReads implements PaymentReadStore {
  constructor(protected readonly sql: Sql) {}

  async findPayment(merchantId: string, paymentId: string): Promise<Payment | undefined> {
    const [row] = await this.sql<PaymentRow[]>`
      select * from payments where id = ${paymentId} and merchant_id = ${merchantId}`;
    return row ? toPayment(row) : undefined;
  }

  async listPayments(
    merchantId: string,
    filter: PaymentFilter,
    page: Page,
  ): Promise<PageOf<Payment> | 'unknown-cursor'> {
    const sql = this.sql;
    let after = sql``;
    if (page.startingAfter) {
      const [cursor] = await sql<{ created_at: Date; id: string }[]>`
        select created_at, id from payments where id = ${page.startingAfter} and merchant_id = ${merchantId}`;
      if (!cursor) return 'unknown-cursor';
      after = sql`and (created_at, id) < (${cursor.created_at}, ${cursor.id})`;
    }
    const rows = await sql<PaymentRow[]>`
      select * from payments
       where merchant_id = ${merchantId}
         ${filter.status ? sql`and status = ${filter.status}` : sql``}
         ${filter.customerId ? sql`and customer_id = ${filter.customerId}` : sql``}
         ${filter.createdGte ? sql`and created_at >= ${filter.createdGte}` : sql``}
         ${filter.createdLt ? sql`and created_at < ${filter.createdLt}` : sql``}
         ${after}
       order by created_at desc, id desc
       limit ${page.limit + 1}`;
    return { items: rows.slice(0, page.limit).map(toPayment), hasMore: rows.length > page.limit };
  }

  async listRefunds(merchantId: string, paymentId: string): Promise<Refund[]> {
    const rows = await this.sql<RefundRow[]>`
      select * from refunds where payment_id = ${paymentId} and merchant_id = ${merchantId}
       order by created_at, id`;
    return rows.map(toRefund);
  }

  async listEvents(
    merchantId: string,
    filter: EventFeedFilter,
    page: Page,
  ): Promise<PageOf<AnyEventEnvelope> | 'unknown-cursor'> {
    const sql = this.sql;
    let after = sql``;
    if (page.startingAfter) {
      const [cursor] = await sql<{ seq: number }[]>`
        select seq from outbox where id = ${page.startingAfter} and merchant_id = ${merchantId}`;
      if (!cursor) return 'unknown-cursor';
      after = sql`and seq < ${cursor.seq}`;
    }
    const rows = await sql<{ envelope: AnyEventEnvelope }[]>`
      select envelope from outbox
       where merchant_id = ${merchantId}
         ${filter.type ? sql`and type = ${filter.type}` : sql``}
         ${filter.paymentId ? sql`and payment_id = ${filter.paymentId}` : sql``}
         ${after}
       order by seq desc
       limit ${page.limit + 1}`;
    return { items: rows.slice(0, page.limit).map((r) => r.envelope), hasMore: rows.length > page.limit };
  }

  async ping(): Promise<void> {
    await this.sql`select 1`;
  }
}
