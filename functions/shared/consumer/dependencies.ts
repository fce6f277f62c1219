/**
 * The composition of a consumer Lambda: the process's shared database client (DATABASE_URL, or IAM authentication
 * to RDS Proxy with DB_HOST/DB_PORT/DB_NAME/DB_USER) and the shared SNS publisher (each topic's ARN:
 * PAYMENTS_TOPIC_ARN, FRAUD_TOPIC_ARN, MERCHANTS_TOPIC_ARN), plus the consumer's own dependencies. Both are created on first use, so importing this module
 * reads no environment. The local platform runs the same handlers after pointing these at its own database and
 * local SNS (useSharedSql, useSharedPublisher).
 */
import { sharedPublisher } from '../outbox/publisher';
import { sharedSql } from '../db/connection';
import type { ConsumerComposition } from './runtime';

/** What a consumer's composition adds to the shared client and publisher: its dependencies, its parent logger. */
export type OwnComposition<D> = Omit<ConsumerComposition<D>, 'sql' | 'publisher'>;

/**
 * `export const myConsumerComposition = lambdaComposition({ dependencies: myDependencies })`; a consumer with no
 * dependencies of its own takes `lambdaComposition()`. `logger`: the parent of every record's logger.
 */
export function lambdaComposition<D = undefined>(
  own: OwnComposition<D> = {} as OwnComposition<D>,
): ConsumerComposition<D> {
  return { sql: sharedSql, publisher: sharedPublisher, ...own } as ConsumerComposition<D>;
}
