import { OutboxPublisher } from '../outbox/committed-publisher';
import { sharedPublisher } from '../outbox/publisher';
import { sharedSql } from '../shared/db/connection';
import { PostgresFraudReadStore } from './adapters/postgres-fraud-reads';
import { postgresUnitOfWork } from './adapters/unit-of-work';
import type { ReviewDeps } from './use-cases/reviews';

let deps: Promise<ReviewDeps> | undefined;

/** The review API's dependencies, built once per container (no model: these functions never load onnxruntime). */
export function reviewDeps(): Promise<ReviewDeps> {
  deps ??= sharedSql().then((sql) => ({
    transaction: <T>(work: (uow: ReturnType<typeof postgresUnitOfWork>) => Promise<T>) =>
      sql.begin((tx) => work(postgresUnitOfWork(tx))) as Promise<T>,
    reads: new PostgresFraudReadStore(sql),
    events: new OutboxPublisher(sql, sharedPublisher),
    now: () => new Date(),
  }));
  deps.catch(() => (deps = undefined));
  return deps;
}
