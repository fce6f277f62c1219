import type { PaymentSnapshot } from '../domain/events';
import type { Payment } from '../domain/payment';

/** The copy of a payment that travels in its events. */
export function snapshotOf(payment: Payment): PaymentSnapshot {
  return { ...payment, metadata: { ...payment.metadata } };
}
