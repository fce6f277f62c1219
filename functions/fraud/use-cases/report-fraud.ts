import type { FraudUnitOfWork, StoredLabel } from '../ports';

export interface FraudReport {
  merchantId: string;
  paymentId: string;
  /** When the fraud became known (a chargeback, the card holder's claim). */
  at: string;
}

/**
 * A fraud label from outside the review queue (a chargeback, a card holder's claim): it reaches the feature
 * store's fraud counts. Whether the payment was scored already or not: a label that comes first is counted when
 * the payment is scored. Idempotent: fraud is sticky, and a payment already labelled fraud (by an earlier report
 * or a reviewer) keeps its label and counts once. Answers the payment's label as it now stands, or undefined
 * when the payment does not exist (for this merchant).
 */
export async function reportFraud(
  uow: FraudUnitOfWork,
  report: FraudReport,
): Promise<StoredLabel | undefined> {
  // The payment's lock orders this against its scoring's write, which takes the same lock before it counts.
  const payment = await uow.payments.lockPayment(report.merchantId, report.paymentId);
  if (!payment) return undefined;
  const { stored } = await uow.fraud.recordLabel({ ...report, fraud: true, source: 'fraud-report' });
  return stored;
}
