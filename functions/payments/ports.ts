import type { AnyEventEnvelope } from '../domain/events';
import type { FraudAction } from '../domain/fraud-actions';
import type { Payment, Refund } from '../domain/payment';
import type { PaymentStatus } from '../domain/payment-status';

export type { CommittedEventPublisher } from '../shared/outbox/ports';

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

/**
 * How another service changes payments (fraud's review decisions and fraud reports), inside a transaction it
 * owns: lock the payment, store its next state (moved through the state machine by the caller) and a refund,
 * and append the events, which commit with the change.
 */
export interface PaymentTransitions {
  /** The payment, locked until the transaction ends (concurrent writers queue behind it). */
  lockPayment(merchantId: string, paymentId: string): Promise<Payment | undefined>;
  /**
   * Stores `payment` if its stored version is still `payment.version - 1` (optimistic concurrency); throws
   * ConcurrentUpdateError otherwise.
   */
  savePayment(payment: Payment): Promise<void>;
  insertRefund(refund: Refund, idempotencyKey: string | undefined): Promise<void>;
  appendEvents(events: readonly AnyEventEnvelope[]): Promise<void>;
}

/** What a use case may do inside one transaction: the state change and its events commit together. */
export interface PaymentWriteSession extends PaymentTransitions {
  insertPayment(payment: Payment, idempotencyKey: string | undefined): Promise<void>;
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

/** A payment's fraud assessment as a payment shows it (GET /payments/{id}). */
export interface PaymentFraudAssessment {
  object: 'fraud_assessment';
  /** Calibrated risk score, 0-99. */
  score: number;
  probability: number;
  modelVersion: string;
  action: FraudAction;
  /** false when the payment had left pending before it was scored. */
  applied: boolean;
  reasons: string[];
  thresholds: { review: number; hold: number; decline: number };
  features: Record<string, number>;
  assessedAt: string;
}

/** The fraud service's answer about a payment, implemented by functions/fraud. */
export interface FraudAssessments {
  /** Undefined while the payment is not scored yet (or is not this merchant's). */
  findAssessment(merchantId: string, paymentId: string): Promise<PaymentFraudAssessment | undefined>;
}
