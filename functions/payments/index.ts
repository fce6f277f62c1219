/**
 * The payments service's public face: what other services and programs may use. Everything else in
 * functions/payments/ is private to it (checked by test/architecture/imports.test.ts).
 */
export type {
  CommittedEventPublisher,
  FraudAssessments,
  PaymentFraudAssessment,
  PaymentReadStore,
  PaymentTransitions,
} from './ports';
export { paymentReads, paymentsDeps, paymentTransitions } from './composition';
export { paymentResource, refundResource, type PaymentResource } from './resources';
export { paymentResourceSchema } from './response-schemas';
/** The payments table's rows as payments, for services whose queries join that table (fraud's review queue). */
export { toPayment, type PaymentRow } from './adapters/postgres-payment-reads';
