import { paymentTransitions } from '../../payments';
import type { Queryable, Sql } from '../../shared/db/client';
import type { FraudUnitOfWork } from '../ports';
import { PostgresFraudSession } from './postgres-fraud-store';

/** The payments and fraud write sessions on one open transaction. */
export function postgresUnitOfWork(tx: Queryable): FraudUnitOfWork {
  return { payments: paymentTransitions(tx), fraud: new PostgresFraudSession(tx) };
}

/** Runs `work` in one transaction on `sql`, with both services' write sessions. */
export function unitOfWorkTransaction(sql: Sql) {
  return <T>(work: (uow: FraudUnitOfWork) => Promise<T>): Promise<T> =>
    sql.begin((tx) => work(postgresUnitOfWork(tx))) as Promise<T>;
}
