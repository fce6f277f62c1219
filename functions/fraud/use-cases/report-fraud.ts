import type { FraudUnitOfWork } from '../ports';

export interface FraudReport {
  merchantId: string;
  paymentId: string;
  /** When the fraud became known (a chargeback, the card holder's claim). */
  at: string;
}

/**
 * A fraud label from outside the review queue (a chargeback, a card holder's claim): it reaches the feature
 * store's fraud counts. Whether the payment was scored already or not: a label that comes first is counted when
 * the payment is scored. Returns false when the payment does not exist (for this merchant).
 */
export async function reportFraud(uow: FraudUnitOfWork, report: FraudReport): Promise<boolean> {
  // The payment's lock orders this against its scoring (which takes the same lock first).
  const payment = await uow.payments.lockPayment(report.merchantId, report.paymentId);
  if (!payment) return false;
  await uow.fraud.recordLabel({ ...report, fraud: true, source: 'fraud-report' });
  return true;
}
