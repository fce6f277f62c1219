import { sharedSql } from '../shared/db/connection';
import { unitOfWorkTransaction } from './adapters/unit-of-work';
import type { ReviewDeps } from './use-cases/reviews';

let deps: Promise<Pick<ReviewDeps, 'transaction' | 'now'>> | undefined;

/**
 * What the fraud-report handler needs, built once per container: a fraud report labels a payment and emits no
 * event, so its bundle carries no SNS publisher or outbox (review-wiring.ts has them for review decisions).
 */
export function fraudReportDeps(): Promise<Pick<ReviewDeps, 'transaction' | 'now'>> {
  deps ??= sharedSql().then((sql) => ({ transaction: unitOfWorkTransaction(sql), now: () => new Date() }));
  deps.catch(() => (deps = undefined));
  return deps;
}
