/**
 * The read port other services use to show a payment's fraud assessment (GET /payments/{id}).
 */
import type { Sql } from '../shared/db/client';
import { PostgresFraudReadStore } from './adapters/postgres-fraud-reads';
import { assessmentResource, type AssessmentResource } from './resources';

export type { AssessmentResource } from './resources';
/** The payment's assessment as the API shows it, or undefined while it is not scored yet (or not this merchant's). */
export async function findAssessment(
  sql: Sql,
  merchantId: string,
  paymentId: string,
): Promise<AssessmentResource | undefined> {
  const assessment = await new PostgresFraudReadStore(sql).findAssessment(merchantId, paymentId);
  return assessment ? assessmentResource(assessment) : undefined;
}
