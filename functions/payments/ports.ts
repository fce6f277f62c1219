import type { AnyEventEnvelope } from '../domain/events';
import type { Payment, Refund } from '../domain/payment';
import type { PaymentStatus } from '../domain/payment-status';

export interface PaymentFilter {
  status?: PaymentStatus;
  customerId?: string;
  createdGte?: string;
  createdLt?: string;
}

export interface Page {
  limit: number;
  startingAfter?: string;
}

export interface PageOf<T> {
  items: T[];
  hasMore: boolean;
}

export interface EventFeedFilter {
  type?: string;
  paymentId?: string;
}

/** What a use case may do inside one transaction: the state change and its events commit together. */
export interface PaymentWriteSession {
  insertPayment(payment: Payment, idempotencyKey: string | undefined): Promise<void>;
  /** The payment, locked until the transaction ends (concurrent writers queue behind it). */
  lockPayment(merchantId: string, paymentId: string): Promise<Payment | undefined>;
  /** Stores `payment` if its stored version is still `payment.version - 1` (optimistic concurrency). */
  savePayment(payment: Payment): Promise<void>;
  insertRefund(refund: Refund, idempotencyKey: string | undefined): Promise<void>;
  appendEvents(events: readonly AnyEventEnvelope[]): Promise<void>;
}

export interface PaymentReadStore {
  findPayment(merchantId: string, paymentId: string): Promise<Payment | undefined>;
  listPayments(
    merchantId: string,
    filter: PaymentFilter,
    page: Page,
  ): Promise<PageOf<Payment> | 'unknown-cursor'>;
  listRefunds(merchantId: string, paymentId: string): Promise<Refund[]>;
  listEvents(
    merchantId: string,
    filter: EventFeedFilter,
    page: Page,
  ): Promise<PageOf<AnyEventEnvelope> | 'unknown-cursor'>;
  ping(): Promise<void>;
}

export interface PaymentStore extends PaymentReadStore {
  transaction<T>(work: (session: PaymentWriteSession) => Promise<T>): Promise<T>;
  /** A new payment and its events, stored atomically. */
  insertPaymentWithEvents(
    payment: Payment,
    idempotencyKey: string | undefined,
    events: readonly AnyEventEnvelope[],
  ): Promise<void>;
}

/** Publishes events whose transaction has committed; failures are left to the outbox relay, never thrown. */
export interface CommittedEventPublisher {
  publishCommitted(events: readonly AnyEventEnvelope[]): Promise<void>;
}
