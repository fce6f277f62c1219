import { OutboxPublisher } from '../outbox/committed-publisher';
import { sharedPublisher } from '../outbox/publisher';
import { findAssessment } from '../fraud/assessments';
import { sharedSql } from '../shared/db/connection';
import { PostgresPaymentStore } from './adapters/postgres-payment-store';
import type { PaymentsDeps } from './use-cases/deps';

let deps: Promise<PaymentsDeps> | undefined;

/** The payments use cases' dependencies, built once per container. */
export function paymentsDeps(): Promise<PaymentsDeps> {
  deps ??= sharedSql().then((sql) => ({
    store: new PostgresPaymentStore(sql),
    events: new OutboxPublisher(sql, sharedPublisher),
    now: () => new Date(),
    findAssessment: (merchantId: string, paymentId: string) => findAssessment(sql, merchantId, paymentId),
  }));
  deps.catch(() => (deps = undefined));
  return deps;
}
