import { OutboxPublisher } from '../shared/outbox/committed-publisher';
import { sharedPublisher } from '../shared/outbox/publisher';
import { sharedSql } from '../shared/db/connection';
import { PostgresPaymentStore } from './adapters/postgres-payment-store';
import type { PaymentsDeps } from './use-cases/deps';

let deps: Promise<PaymentsDeps> | undefined;

/** What the writing use cases need (store, publisher, clock), built once per container. */
export function paymentsDeps(): Promise<PaymentsDeps> {
  deps ??= sharedSql().then((sql) => ({
    store: new PostgresPaymentStore(sql),
    events: new OutboxPublisher(sql, sharedPublisher),
    now: () => new Date(),
  }));
  deps.catch(() => (deps = undefined));
  return deps;
}
