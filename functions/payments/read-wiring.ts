import { findAssessment } from '../fraud/assessments';
import { sharedSql } from '../shared/db/connection';
import { PostgresPaymentReads } from './adapters/postgres-payment-reads';
import type { PaymentReads } from './use-cases/deps';

let reads: Promise<PaymentReads> | undefined;

/**
 * What the reading handlers need, built once per container. Kept apart from the writers' wiring so that their
 * bundles carry no publisher, outbox or event schemas.
 */
export function paymentReads(): Promise<PaymentReads> {
  reads ??= sharedSql().then((sql) => ({
    store: new PostgresPaymentReads(sql),
    findAssessment: (merchantId: string, paymentId: string) => findAssessment(sql, merchantId, paymentId),
  }));
  reads.catch(() => (reads = undefined));
  return reads;
}
