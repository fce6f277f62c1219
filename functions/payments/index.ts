/**
 * The payments service's public face: its ports, use cases and composition, and what other services build on
 * (a payment's API view, its schema, its row mapping). Everything else in functions/payments/ is private to it
 * (test/architecture/imports.test.ts checks that).
 */
export type {
  CommittedEventPublisher,
  FraudAssessments,
  PaymentFraudAssessment,
  PaymentReadStore,
  PaymentStore,
  PaymentTransitions,
} from './ports';
export type { PaymentReads, PaymentsDeps } from './use-cases/deps';
export { createPayment, type CreatePaymentCommand } from './use-cases/create-payment';
export { refundPayment, type RefundPaymentCommand } from './use-cases/refund-payment';
export { getPayment, listEvents, listPayments } from './use-cases/queries';
export { paymentReads, paymentsDeps, paymentTransitions } from './composition';
export { paymentResource, refundResource, type PaymentResource } from './resources';
/** A payment's schema, for other services' responses that embed one (a review). */
export { paymentResourceSchema } from './response-schemas';
/** The payments table's rows as payments, for services whose queries join that table (fraud's review queue). */
export { toPayment, type PaymentRow } from './adapters/postgres-payment-reads';
