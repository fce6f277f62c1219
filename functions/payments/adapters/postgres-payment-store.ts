import { ConcurrentUpdateError, DuplicateIdempotencyKeyError } from '../../domain/errors';
import type { AnyEventEnvelope } from '../../domain/events';
import type { Payment, Refund } from '../../domain/payment';
import { appendEvents, eventsParameter, writerLease } from '../../shared/outbox/outbox';
import type { Queryable } from '../../shared/db/client';
import type { PaymentStore, PaymentWriteSession } from '../ports';
import { PostgresPaymentReads, toPayment, type PaymentRow } from './postgres-payment-reads';

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

/** The reads plus the writes (which validate and append events, so they load the event schemas). */
export class PostgresPaymentStore extends PostgresPaymentReads implements PaymentStore {
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

  /** A write session on an outer transaction (another service's), for services that change payments. */
  static session(tx: Queryable): PaymentWriteSession {
    return new PostgresWriteSession(tx);
  }
}
