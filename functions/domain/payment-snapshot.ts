import type { PaymentSnapshot } from './events';
import type { Payment } from './payment';

/** The copy of a payment that travels in its events. */
export function snapshotOf(payment: Payment): PaymentSnapshot {
  return { ...payment, metadata: { ...payment.metadata } };
}
