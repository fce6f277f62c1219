import type { AnyEventEnvelope } from '../../domain/events';
import type { CurrencyCode } from '../../domain/money';
import type { CardPaymentMethod, Customer, Payment, Refund } from '../../domain/payment';
import type { PaymentStatus } from '../../domain/payment-status';
import { appendEvents, eventsParameter, writerLease } from '../../outbox/outbox';
import type { Queryable, Sql } from '../../shared/db/client';
import type {
  EventFeedFilter,
  Page,
  PageOf,
  PaymentFilter,
  PaymentStore,
  PaymentWriteSession,
} from '../ports';

interface PaymentRow {
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

interface RefundRow {
  id: string;
  payment_id: string;
  merchant_id: string;
  amount: number;
  currency: string;
  reason: string | null;
  created_at: Date;
}

export class ConcurrentUpdateError extends Error {
  constructor(paymentId: string) {
    super(`payment ${paymentId} was changed by someone else; reload it and retry`);
    this.name = 'ConcurrentUpdateError';
  }
}

export class DuplicateIdempotencyKeyError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`Idempotency-Key ${idempotencyKey} was already used`);
    this.name = 'DuplicateIdempotencyKeyError';
  }
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

function toRefund(row: RefundRow): Refund {
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

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint_name?: string };
  return e.code === UNIQUE_VIOLATION && e.constraint_name === constraint;
}

/** A payment as insert_payment (migration 0008) takes it: its row as a JSON object of column values. */
function paymentRow(sql: Queryable, p: Payment, idempotencyKey: string | undefined) {
  return sql.json({
    id: p.id,
    merchant_id: p.merchantId,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    amount_refunded: p.amountRefunded,
    customer_id: p.customer.id,
    customer: p.customer,
    payment_method: p.paymentMethod,
    card_fingerprint: p.paymentMethod.fingerprint,
    terminal_id: p.terminalId,
    description: p.description ?? null,
    metadata: p.metadata,
    idempotency_key: idempotencyKey ?? null,
    version: p.version,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  } as never);
}

async function rethrowDuplicateKey(
  query: PromiseLike<unknown>,
  idempotencyKey: string | undefined,
): Promise<void> {
  try {
    await query;
  } catch (error) {
    if (idempotencyKey && isUniqueViolation(error, 'payments_merchant_idempotency_key')) {
      throw new DuplicateIdempotencyKeyError(idempotencyKey);
    }
    throw error;
  }
}

class PostgresWriteSession implements PaymentWriteSession {
  constructor(private readonly tx: Queryable) {}

  async insertPayment(p: Payment, idempotencyKey: string | undefined): Promise<void> {
    await rethrowDuplicateKey(
      this.tx`select insert_payment(${paymentRow(this.tx, p, idempotencyKey)})`,
      idempotencyKey,
    );
  }

  async lockPayment(merchantId: string, paymentId: string): Promise<Payment | undefined> {
    const [row] = await this.tx<PaymentRow[]>`
      select * from payments where id = ${paymentId} and merchant_id = ${merchantId} for update`;
    return row ? toPayment(row) : undefined;
  }

  async savePayment(p: Payment): Promise<void> {
    const updated = await this.tx`
      update payments
         set status = ${p.status}, amount_refunded = ${p.amountRefunded}, version = ${p.version},
             updated_at = ${p.updatedAt}
       where id = ${p.id} and version = ${p.version - 1}`;
    if (updated.count !== 1) throw new ConcurrentUpdateError(p.id);
  }

  async insertRefund(r: Refund, idempotencyKey: string | undefined): Promise<void> {
    try {
      await this.tx`
        insert into refunds (id, payment_id, merchant_id, amount, currency, reason, idempotency_key, created_at)
        values (${r.id}, ${r.paymentId}, ${r.merchantId}, ${r.amount}, ${r.currency}, ${r.reason ?? null},
                ${idempotencyKey ?? null}, ${r.createdAt})`;
    } catch (error) {
      if (idempotencyKey && isUniqueViolation(error, 'refunds_merchant_idempotency_key')) {
        throw new DuplicateIdempotencyKeyError(idempotencyKey);
      }
      throw error;
    }
  }

  appendEvents(events: readonly AnyEventEnvelope[]): Promise<void> {
    return appendEvents(this.tx, events);
  }
}

export class PostgresPaymentStore implements PaymentStore {
  constructor(private readonly sql: Sql) {}

  transaction<T>(work: (session: PaymentWriteSession) => Promise<T>): Promise<T> {
    return this.sql.begin((tx) => work(new PostgresWriteSession(tx))) as Promise<T>;
  }

  /** One statement, so atomic without a transaction: no begin and commit round trips. */
  insertPaymentWithEvents(
    payment: Payment,
    idempotencyKey: string | undefined,
    events: readonly AnyEventEnvelope[],
  ): Promise<void> {
    const sql = this.sql;
    return rethrowDuplicateKey(
      sql`select insert_payment_with_events(${paymentRow(sql, payment, idempotencyKey)},
                                            ${eventsParameter(sql, events)}, ${writerLease(sql)})`,
      idempotencyKey,
    );
  }

  /** A write session on an outer transaction (e.g. a consumer's), for services that change payments. */
  static session(tx: Queryable): PaymentWriteSession {
    return new PostgresWriteSession(tx);
  }

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
