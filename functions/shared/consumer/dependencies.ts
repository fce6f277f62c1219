/**
 * The composition of a consumer Lambda: the process's shared database client (DATABASE_URL, or IAM authentication
 * to RDS Proxy with DB_HOST/DB_PORT/DB_NAME/DB_USER) and the shared SNS publisher (PAYMENTS_TOPIC_ARN, FRAUD_TOPIC_ARN). Both are
 * created on first use, so importing this module reads no environment. The local platform runs the same
 * handlers after pointing these at its own database and local SNS (useSharedSql, useSharedPublisher).
 */
import { sharedPublisher } from '../outbox/publisher';
import { sharedSql } from '../db/connection';
import type { ConsumerDefinition } from './consumer';
import { createSqsHandler, type ConsumerDependencies, type SqsBatchHandler } from './runtime';

export const sharedConsumerDependencies: ConsumerDependencies = {
  sql: sharedSql,
  publisher: sharedPublisher,
};

/** `export const handler = lambdaHandler(myConsumer);` in a service's handlers/ folder. */
export function lambdaHandler(consumer: ConsumerDefinition): SqsBatchHandler {
  return createSqsHandler(consumer, sharedConsumerDependencies);
}
