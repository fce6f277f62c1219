import type { PaymentStatus } from '../domain/payment-status';
import type { ReviewDecision } from './ports';

/**
 * Which decisions fit a payment under review, by its status now. A held payment is approved or rejected. A payment
 * in review went through: the reviewer confirms it or marks it fraud (refunded in full). If the merchant refunded
 * some or all of it meanwhile, the review can still be closed the same way: `confirm` leaves it as it is, `fraud`
 * refunds what remains.
 */
const FITTING: Partial<Record<PaymentStatus, readonly ReviewDecision[]>> = {
  held: ['approve', 'reject'],
  in_review: ['confirm', 'fraud'],
  partially_refunded: ['confirm', 'fraud'],
  refunded: ['confirm', 'fraud'],
};

export function decisionsThatFit(status: PaymentStatus): readonly ReviewDecision[] {
  return FITTING[status] ?? [];
}

/** Decisions that are fraud labels for the feature store; the others label the payment genuine. */
export function isFraudDecision(decision: ReviewDecision): boolean {
  return decision === 'reject' || decision === 'fraud';
}
