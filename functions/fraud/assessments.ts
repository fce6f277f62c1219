/**
 * Fraud's side of payments' FraudAssessments port: a payment's assessment as GET /payments/{id} shows it.
 */
import type { PaymentFraudAssessment } from '../payments';
import type { Sql } from '../shared/db/client';
import { PostgresFraudReadStore } from './adapters/postgres-fraud-reads';
import { assessmentResource } from './resources';

/** The payment's assessment as the API shows it, or undefined while it is not scored yet (or not this merchant's). */
export async function findAssessment(
  sql: Sql,
  merchantId: string,
  paymentId: string,
): Promise<PaymentFraudAssessment | undefined> {
  const assessment = await new PostgresFraudReadStore(sql).findAssessment(merchantId, paymentId);
  return assessment ? assessmentResource(assessment) : undefined;
}
