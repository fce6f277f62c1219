import { sharedSql } from '../shared/db/connection';
import { PostgresFraudReadStore } from './adapters/postgres-fraud-reads';
import type { ReviewDeps } from './use-cases/reviews';

let reads: Promise<Pick<ReviewDeps, 'reads'>> | undefined;

/**
 * What the review queue's reading handler needs, built once per container. Kept apart from the deciding
 * handlers' wiring (review-wiring.ts) so that its bundle carries no SNS publisher or outbox.
 */
export function reviewReads(): Promise<Pick<ReviewDeps, 'reads'>> {
  reads ??= sharedSql().then((sql) => ({ reads: new PostgresFraudReadStore(sql) }));
  reads.catch(() => (reads = undefined));
  return reads;
}
