import { OutboxPublisher } from '../shared/outbox/committed-publisher';
import { sharedPublisher } from '../shared/outbox/publisher';
import { sharedSql } from '../shared/db/connection';
import { PostgresFraudReadStore } from './adapters/postgres-fraud-reads';
import { unitOfWorkTransaction } from './adapters/unit-of-work';
import type { ReviewDeps } from './use-cases/reviews';

let deps: Promise<ReviewDeps> | undefined;

/** The review API's dependencies, built once per container (no model: these functions never load onnxruntime). */
export function reviewDeps(): Promise<ReviewDeps> {
  deps ??= sharedSql().then((sql) => ({
    transaction: unitOfWorkTransaction(sql),
    reads: new PostgresFraudReadStore(sql),
    events: new OutboxPublisher(sql, sharedPublisher),
    now: () => new Date(),
  }));
  deps.catch(() => (deps = undefined));
  return deps;
}
