import { PostgresPaymentStore } from '../../payments/adapters/postgres-payment-store';
import type { Queryable } from '../../shared/db/client';
import type { FraudUnitOfWork } from '../ports';
import { PostgresFraudSession } from './postgres-fraud-store';

/** The payments and fraud write sessions on one open transaction. */
export function postgresUnitOfWork(tx: Queryable): FraudUnitOfWork {
  return { payments: PostgresPaymentStore.session(tx), fraud: new PostgresFraudSession(tx) };
}
