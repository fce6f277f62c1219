import { remainingRefundable, type Payment, type Refund } from '../domain/payment';
import type { PaymentFraudAssessment } from './ports';

/** The API's view of a payment (and of its refunds, when asked for one payment). */
export function paymentResource(payment: Payment, refunds?: Refund[], assessment?: PaymentFraudAssessment) {
  return {
    id: payment.id,
    object: 'payment' as const,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    amountRefunded: payment.amountRefunded,
    amountRefundable: ['approved', 'in_review', 'partially_refunded'].includes(payment.status)
      ? remainingRefundable(payment)
      : 0,
    customer: payment.customer,
    paymentMethod: payment.paymentMethod,
    terminalId: payment.terminalId,
    ...(payment.description === undefined ? {} : { description: payment.description }),
    metadata: payment.metadata,
    version: payment.version,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
    ...(refunds ? { refunds: refunds.map(refundResource) } : {}),
    ...(assessment ? { fraudAssessment: assessment } : {}),
  };
}
export type PaymentResource = ReturnType<typeof paymentResource>;

export function refundResource(refund: Refund) {
  return {
    id: refund.id,
    object: 'refund' as const,
    paymentId: refund.paymentId,
    amount: refund.amount,
    currency: refund.currency,
    ...(refund.reason === undefined ? {} : { reason: refund.reason }),
    createdAt: refund.createdAt,
  };
}
