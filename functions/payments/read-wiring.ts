import { findAssessment } from '../fraud/assessments';
import { sharedSql } from '../shared/db/connection';
import { PostgresPaymentStore } from './adapters/postgres-payment-store';
import type { PaymentReads } from './use-cases/deps';

let reads: Promise<PaymentReads> | undefined;

/**
 * What the reading handlers need, built once per container. Kept apart from the writers' wiring so that their
 * bundles carry no SNS client.
 */
export function paymentReads(): Promise<PaymentReads> {
  reads ??= sharedSql().then((sql) => ({
    store: new PostgresPaymentStore(sql),
    findAssessment: (merchantId: string, paymentId: string) => findAssessment(sql, merchantId, paymentId),
  }));
  reads.catch(() => (reads = undefined));
  return reads;
}
